package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// seedSupervision adds complaints in several states, sanctions (a warning,
// an active suspension, a blacklisting lifted by credit repair), a
// commendation, a drawn inspection plan with results, twelve months of
// score history and the current alerts. It runs once: an existing
// complaint means it ran before.
func seedSupervision(ctx context.Context, d Deps) error {
	if d.NewScoring == nil {
		return nil
	}
	clk := &movableClock{}
	real := d.Now()
	clk.set(real)
	svc := d.NewScoring(clk.now)
	if err := svc.Load(ctx); err != nil {
		return err
	}
	if _, n := svc.Complaints(registry.Actor{Kind: registry.ActorAdmin}, scoring.ComplaintQuery{}); n > 0 {
		return nil
	}
	// The printed demo agency gets the commendation; complaints and
	// sanctions fall on other agencies, so its login can take part in the hall.
	demoAgency := demoAccounts()[1].org.ID
	var active []string
	for _, id := range d.Registry.Directory().IDs(registry.StatusActive) {
		if id != demoAgency {
			active = append(active, id)
		}
	}
	if len(active) < 20 {
		return fmt.Errorf("demo supervision needs admitted agencies, found %d", len(active))
	}
	reg := registry.Actor{UserID: "reg-zwfw", OrgID: "regulator:reg-zwfw", Kind: registry.ActorRegulator}
	owner := demoAccounts()[0]
	ownerActor := registry.Actor{UserID: owner.user.ID, OrgID: owner.org.ID, Kind: registry.ActorOwner}
	at := func(daysAgo int) { clk.set(real.AddDate(0, 0, -daysAgo)) }

	// Twelve months of history: a scoring run at the end of each month, with
	// supervision decisions made along the way.
	history := []int{330, 300, 270, 240, 210, 180, 150, 120, 90, 60, 30}
	step := 0
	runUntil := func(daysAgo int) error {
		for step < len(history) && history[step] >= daysAgo {
			at(history[step])
			if _, err := svc.RunScoring(ctx, clk.now()); err != nil {
				return err
			}
			step++
		}
		at(daysAgo)
		return nil
	}
	type complaintPlan struct {
		daysAgo  int
		agency   string
		subject  string
		details  string
		public   bool
		end      scoring.ComplaintState
		severity scoring.Severity
		finding  string
	}
	plans := []complaintPlan{
		{150, active[2], "环评报告引用的监测数据与现场不符", "该机构出具的环评报告表中，噪声监测点位与实际不符，监测日期早于项目立项时间，请核查数据真实性。",
			true, scoring.ComplaintSubstantiated, scoring.SeverityGeneral, "经调阅原始监测记录并现场核查，报告第三章监测数据确系引用其他项目数据，情节一般。"},
		{95, active[5], "服务超期且多次联系不上项目负责人", "合同约定 20 日内提交成果，已超期两周，项目负责人电话长期无人接听。",
			false, scoring.ComplaintSubstantiated, scoring.SeverityMinor, "经核实，该机构逾期 9 天交付，期间未按约定告知业主，情节轻微。"},
		{40, active[8], "收费高于报价", "中选报价 8.6 万元，签约时要求另加 1.2 万元“加急费”。",
			false, scoring.ComplaintUnsubstantiated, "", "经核查，加急服务系业主书面提出并另行约定，不属于违规加价，投诉不属实。"},
		{20, active[11], "资质证书挂靠", "该机构登记的注册测绘师同时在另一家机构执业，疑似挂靠。",
			true, scoring.ComplaintInvestigating, "", ""},
		{6, active[3], "现场检测人员未持证", "检测人员无法出示检测员证，检测过程不规范。",
			true, scoring.ComplaintSubmitted, "", ""},
		{3, active[14], "报价明显低于成本", "中选报价仅为最高限价的 52%，担心服务质量无法保证。",
			false, scoring.ComplaintRejected, "", "报价在限价范围内，低价本身不构成投诉事由，已提示业主加强履约监督，不予受理。"},
	}
	for _, cp := range plans {
		if err := runUntil(cp.daysAgo); err != nil {
			return err
		}
		who := ownerActor
		in := scoring.ComplaintInput{TargetID: cp.agency, Subject: cp.subject, Details: cp.details}
		if cp.public {
			who = registry.Actor{}
			in.Name, in.Phone = "张先生", "13893100000"
		}
		c, err := svc.FileComplaint(ctx, who, in)
		if err != nil {
			return fmt.Errorf("complaint %s: %w", cp.subject, err)
		}
		path := map[scoring.ComplaintState][]scoring.ComplaintState{
			scoring.ComplaintSubmitted:       nil,
			scoring.ComplaintRejected:        {scoring.ComplaintRejected},
			scoring.ComplaintInvestigating:   {scoring.ComplaintAccepted, scoring.ComplaintInvestigating},
			scoring.ComplaintSubstantiated:   {scoring.ComplaintAccepted, scoring.ComplaintInvestigating, scoring.ComplaintSubstantiated},
			scoring.ComplaintUnsubstantiated: {scoring.ComplaintAccepted, scoring.ComplaintInvestigating, scoring.ComplaintUnsubstantiated},
		}[cp.end]
		for i, to := range path {
			clk.add(time.Duration(i+1) * 24 * time.Hour)
			note := ""
			if to == cp.end {
				note = cp.finding
			}
			if _, err := svc.MoveComplaint(ctx, reg, c.ID, to, cp.severity, note); err != nil {
				return fmt.Errorf("complaint %s → %s: %w", c.ID, to, err)
			}
		}
	}
	// Sanctions: a warning for the substantiated data complaint, a
	// blacklisting lifted by credit repair, and a suspension in force.
	if err := runUntil(140); err != nil {
		return err
	}
	if _, err := svc.Issue(ctx, reg, scoring.SanctionInput{AgencyID: active[2], Kind: scoring.SanctionWarning,
		Cause: "环评报告引用其他项目监测数据（投诉经查属实）", LegalBasis: "《兰州市网上中介服务超市管理办法》第二十五条"}); err != nil {
		return err
	}
	if err := runUntil(110); err != nil {
		return err
	}
	black, err := svc.Issue(ctx, reg, scoring.SanctionInput{AgencyID: active[17], Kind: scoring.SanctionBlacklist,
		Cause: "入驻时提交伪造的资质证书复印件", LegalBasis: "《兰州市网上中介服务超市管理办法》第二十八条"})
	if err != nil {
		return err
	}
	if err := svc.RecordDecision(ctx, reg, active[17], scoring.EventFalseMaterials, "", "提交伪造的资质证书复印件"); err != nil {
		return err
	}
	if err := runUntil(50); err != nil {
		return err
	}
	if _, err := svc.Lift(ctx, reg, black.ID, "已注销伪造证书、重新取得合格资质并公开承诺整改，经复核准予信用修复"); err != nil {
		return err
	}
	if err := runUntil(12); err != nil {
		return err
	}
	if _, err := svc.Issue(ctx, reg, scoring.SanctionInput{AgencyID: active[5], Kind: scoring.SanctionSuspension,
		Cause: "多次逾期交付且未按要求整改", LegalBasis: "《兰州市网上中介服务超市管理办法》第二十六条",
		To: real.AddDate(0, 0, 48)}); err != nil {
		return err
	}
	if err := svc.RecordDecision(ctx, reg, demoAgency, scoring.EventCommendation, "",
		"在兰州新区职业教育园区项目中提前完成可研编制，获业主书面表扬"); err != nil {
		return err
	}
	// A drawn random inspection with results.
	at(25)
	plan, err := svc.CreateInspection(ctx, reg, scoring.InspectionInput{Name: "2026 年第四季度中介机构“双随机、一公开”抽查",
		SampleSize: 5, Inspectors: []string{"刘建国", "陈晓梅", "赵立新", "孙海燕", "周文斌", "吴秀兰"}})
	if err != nil {
		return err
	}
	if plan, err = svc.DrawInspection(ctx, reg, plan.ID); err != nil {
		return err
	}
	for i, a := range plan.Assignments {
		if i >= 3 {
			break
		}
		clk.add(48 * time.Hour)
		result, note := "合格", "资质、人员、合同和档案管理符合要求"
		if i == 1 {
			result, note = "基本合格", "项目档案归档不及时，已责令 15 日内整改"
		}
		if _, err := svc.RecordInspection(ctx, reg, plan.ID, a.AgencyID, result, note); err != nil {
			return err
		}
	}
	// Today's scores and alerts.
	step = len(history)
	clk.set(real)
	if _, err := svc.RunScoring(ctx, real); err != nil {
		return err
	}
	_, err = svc.RunAlerts(ctx)
	return err
}
