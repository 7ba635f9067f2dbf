package server

import "time"

// Example values of supervision (监管) for the API document.

var (
	exampleAgencyID = "agency:91620105MA73QW8N26"
	exampleDecided  = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	exampleSanFrom  = time.Date(2026, 11, 20, 16, 0, 0, 0, time.UTC)
	exampleSanTo    = time.Date(2027, 2, 20, 16, 0, 0, 0, time.UTC)

	exampleComplaintRequest = complaintRequest{Name: "张先生", Phone: "13800001111", TargetKind: "agency", TargetID: exampleAgencyID,
		ProjectID: "P202611260001", Subject: "出具报告数据造假", Details: "该机构出具的环评报告中监测数据与现场明显不符，请核查。"}

	exampleComplaint = complaintDTO{ID: "TS202600001", State: "substantiated", StateLabel: "投诉属实", ComplainantKind: "public",
		ComplainantKindLabel: "公众", ComplainantName: "张先生", ComplainantPhone: "13800001111", TargetKind: "agency",
		TargetID: exampleAgencyID, TargetName: "甘肃陇原工程咨询有限公司", ProjectID: "P202611260001", Subject: "出具报告数据造假",
		Details: "该机构出具的环评报告中监测数据与现场明显不符，请核查。", Evidence: []string{}, Severity: "general", SeverityLabel: "一般",
		Finding: "经现场核查，监测数据与原始记录不符", SubmittedAt: exampleTime, AcceptedAt: &exampleLater, DecidedAt: &exampleDecided,
		Log: []complaintStepDTO{{At: exampleTime, Actor: "公众", State: "submitted", StateLabel: "待受理"},
			{At: exampleDecided, Actor: "zjj-hp", State: "substantiated", StateLabel: "投诉属实", Note: "经现场核查，监测数据与原始记录不符"}}}

	exampleSanctionRequest = sanctionRequest{AgencyID: exampleAgencyID, Kind: "suspension", Cause: "出具的环评报告监测数据造假",
		LegalBasis: "《兰州市网上中介服务超市管理办法》第三十二条", From: "2026-11-21", To: "2027-02-20"}

	exampleSanction = sanctionDTO{ID: "CF202600001", AgencyID: exampleAgencyID, AgencyName: "甘肃陇原工程咨询有限公司", Kind: "suspension",
		KindLabel: "暂停承接业务", Cause: "出具的环评报告监测数据造假", LegalBasis: "《兰州市网上中介服务超市管理办法》第三十二条",
		From: exampleSanFrom, To: &exampleSanTo, IssuedAt: exampleDecided, Active: true}

	exampleRules = rulesDTO{Items: []ruleDTO{{ID: "complaint_general", Description: "投诉经查属实（一般）", Points: "-5", PointsTenths: -50},
		{ID: "late_delivery", Description: "逾期交付：每开始逾期一周扣 2 分，每个项目最多扣 10 分", Points: "-2", PointsTenths: -20, Cap: "-10", CapTenths: -100}},
		Note: rulesNote}

	exampleRule = ruleDTO{ID: "complaint_general", Description: "投诉经查属实（一般）", Points: "-4", PointsTenths: -40}

	exampleLineItem = lineItemDTO{ID: "complaint_general:complaint:TS202600001", Rule: "complaint_general", RuleDescription: "投诉经查属实（一般）",
		Source: "complaint:TS202600001", ProjectID: "P202611260001", Points: "-5", PointsTenths: -50, Date: exampleDecided,
		Note: "投诉 TS202600001：出具报告数据造假"}

	exampleCredit = creditDTO{AgencyID: exampleAgencyID, AgencyName: "甘肃陇原工程咨询有限公司", Scored: true, Score: "95.0", ScoreTenths: 950,
		Grade: "A", GradeLabel: "A 级（推荐）", Recommended: true, AsOf: &exampleDecided, Items: []lineItemDTO{exampleLineItem},
		History: []historyPointDTO{{Date: "2026-11-19", Score: "100.0", ScoreTenths: 1000, Grade: "A"},
			{Date: "2026-11-20", Score: "95.0", ScoreTenths: 950, Grade: "A"}}}

	exampleAppeal = appealDTO{ID: "SS202600001", AgencyID: exampleAgencyID, LineItemID: exampleLineItem.ID, Rule: "complaint_general",
		Points: "-5", ItemDate: exampleDecided, Reason: "监测数据系业主提供，本机构已在报告中注明来源", At: exampleDecided.Add(24 * time.Hour),
		Decision: "upheld", DecisionLabel: "申诉成立（该项下次评分时作废）", Note: "经核实，数据来源已注明", DecidedAt: &exampleSanTo}

	exampleDecision = decisionDTO{AgencyID: exampleAgencyID, Kind: "commendation", KindLabel: "通报表扬（下次评分时计入）",
		Note: "在重点项目审批服务中表现突出", At: exampleDecided}

	exampleAlert = alertDTO{ID: "complaint_unaccepted:TS202600001", Kind: "complaint_unaccepted", KindLabel: "投诉未按期受理", Level: "yellow",
		LevelLabel: "黄牌", ObjectKind: "complaint", ObjectID: "TS202600001", Responsible: "监管部门", Message: "投诉提交已满 2 个工作日尚未受理",
		RaisedAt: exampleDecided, Open: true}

	exampleInspectionRequest = inspectionRequest{Name: "2026 年第四季度中介服务质量抽查", ItemCodes: []string{"LX-001"}, Regions: []string{"620100"},
		SampleSize: 5, Inspectors: []string{"王敏", "李强", "赵磊"}}

	exampleInspection = inspectionDTO{ID: "CC202600001", Name: "2026 年第四季度中介服务质量抽查", ItemCodes: []string{"LX-001"},
		Regions: []string{"620100"}, SampleSize: 5, Inspectors: []string{"王敏", "李强", "赵磊"}, CreatedAt: exampleTime,
		Commitment: "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd", Assignments: []assignmentDTO{}}

	exampleRisk = riskDTO{Kind: "identical_quotes", KindLabel: "不同机构报价完全相同", ProjectID: "P202611260001",
		Agencies: []string{"agency:91620102MA72PB6R13", exampleAgencyID}, Detail: "2 家机构报价均为 380000.00 元"}

	exampleBP        = int64(1200)
	exampleDashboard = dashboardDTO{Month: "2026-11", Region: "620100",
		AgenciesByGrade:    []countDTO{{Key: "A", Label: "A 级（推荐）", Count: 120}, {Key: "D", Label: "D 级（限制参加财政资金项目）", Count: 2}},
		SelectionsByMethod: []countDTO{{Key: "random", Label: "随机抽取", Count: 35}},
		SavingsRate:        rateDTO{BasisPoints: &exampleBP, Numerator: 60_000_00, Denominator: 500_000_00},
		OnTimeRate:         rateDTO{Numerator: 0, Denominator: 0},
		ComplaintsByState:  []countDTO{{Key: "submitted", Label: "待受理", Count: 3}}, OpenComplaints: 5,
		OpenAlerts: []countDTO{{Key: "yellow", Label: "黄牌", Count: 4}, {Key: "red", Label: "红牌", Count: 1}}}
)
