package server

import "time"

// Example values of the selection hall for the API document.

var (
	exampleDeadline = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	exampleOpening  = time.Date(2026, 12, 3, 1, 30, 0, 0, time.UTC)

	exampleProjectRequest = projectRequest{Name: "兰州新区综合管廊项目环境影响评价", InvestmentCode: "2026-620171-48-01-012345",
		ItemCode: "LX-001", Region: "620102", Scope: "编制环境影响报告书并配合审批", Funding: "fiscal", CeilingFen: 500_000_00,
		FloorFen: 100_000_00, TimeLimitDays: 25, Method: "random", SignupDeadline: "2026-12-02T17:00:00+08:00",
		OpeningTime: "2026-12-03T09:30:00+08:00", Witnesses: []string{"张三（纪检监察室）"}, ComplaintContact: "0931-6666666"}

	exampleSummary = projectSummaryDTO{ID: "P202611260001", Name: "兰州新区综合管廊项目环境影响评价", OwnerName: "兰州新区城市发展投资集团有限公司",
		ItemCode: "LX-001", ItemName: "环境影响评价", Stage: "立项", Region: "620102", Funding: "fiscal", FundingLabel: "财政资金",
		CeilingFen: 500_000_00, FloorFen: 100_000_00, Method: "random", MethodLabel: "随机抽取", State: "publicity", StateLabel: "公示中",
		Round: 1, SignupDeadline: &exampleDeadline, OpeningTime: &exampleOpening, SignupCount: 3,
		NextDeadline: &deadlineDTO{At: time.Date(2026, 12, 8, 16, 0, 0, 0, time.UTC), Label: "公示截止"},
		WinnerID:     "agency:91620105MA73QW8N26", WinnerName: "甘肃陇原工程咨询有限公司", CreatedAt: exampleTime}

	exampleDraw = drawDTO{Purpose: "winner", PurposeLabel: "抽取中选机构",
		Candidates: []string{"agency:91620102MA72PB6R13", "agency:91620105MA73QW8N26", "agency:91620111MA74CD9E5X"},
		Seed:       "1f961063b3e26a2bc192c87527cb1e86d617246dbb59a7330949fa811c57ec6c", Picks: []int{1},
		Winners: []string{"agency:91620105MA73QW8N26"}}

	exampleProject = projectDTO{projectSummaryDTO: exampleSummary, Scope: "编制环境影响报告书并配合审批",
		Qualifications: []string{"环境影响评价"}, TimeLimitDays: 25, PublishedAt: &exampleTime, Excluded: []exclusionDTO{},
		Witnesses: []string{"张三（纪检监察室）"}, Commitment: "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd",
		Signups: []signupDTO{{AgencyID: "agency:91620105MA73QW8N26", AgencyName: "甘肃陇原工程咨询有限公司", At: exampleLater}},
		Opening: &openingDTO{At: exampleOpening, Candidates: exampleDraw.Candidates, Refused: []refusedDTO{}, Bids: []bidDTO{},
			Secret: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
			Outcome: &outcomeDTO{Method: "random", MethodLabel: "随机抽取", Winner: "agency:91620105MA73QW8N26",
				Ranking: exampleDraw.Candidates, Scores: []scoreDTO{}, Draws: []drawDTO{exampleDraw}}},
		Result: &resultDTO{WinnerID: "agency:91620105MA73QW8N26", WinnerName: "甘肃陇原工程咨询有限公司",
			Ranking: []rankDTO{{AgencyID: "agency:91620105MA73QW8N26", AgencyName: "甘肃陇原工程咨询有限公司"}}},
		Objections: []objectionDTO{}, Extensions: []extensionDTO{}, Pauses: []pauseDTO{}, Deliveries: []deliveryDTO{},
		Timeline: []stepDTO{{At: exampleTime, Kind: "published", Label: "发布公告"},
			{At: exampleOpening, Kind: "selected", Label: "确定选取结果", AgencyID: "agency:91620105MA73QW8N26",
				AgencyName: "甘肃陇原工程咨询有限公司", Note: "中选机构：甘肃陇原工程咨询有限公司", System: true}},
		UpdatedAt: exampleOpening}

	exampleVerification = verificationDTO{ProjectID: "P202611260001",
		Commitment: exampleProject.Commitment, Secret: exampleProject.Opening.Secret, Revealed: true, Verified: true,
		Message: "全部抽取均按公开算法重算一致",
		Draws: []verifiedDrawDTO{{Purpose: "winner", PurposeLabel: "抽取中选机构", Candidates: exampleDraw.Candidates,
			Seed: exampleDraw.Seed, Winners: exampleDraw.Winners, Verified: true, Message: "重算结果与公布结果一致"}}}

	exampleTimeline = timelineDTO{ProjectID: "P202611260001", State: "publicity", StateLabel: "公示中", Steps: exampleProject.Timeline}

	exampleReceipt = receiptDTO{ProjectID: "P202611260001", Receipt: "b5d4045c3f466fa91fe2cc6abe79232a1a57cdf104f7a26e716e0a1e2789df78",
		Nonce: "9c1e0a4b2f6d8e7a1b3c5d7e9f0a1b2c", At: exampleLater}

	exampleOpportunity = opportunityDTO{projectSummaryDTO: exampleSummary, Eligible: false, Reason: "缺少在报名截止日有效且符合要求的资质"}
	exampleMySignup    = mySignupDTO{projectSummaryDTO: exampleSummary, SignedUpAt: &exampleLater, Won: true}
)
