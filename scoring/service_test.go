package scoring_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

var srv *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &srv)) }

type fixture struct {
	store *mongostore.Store
	reg   *registry.Registry
	hall  *hall.Service
	svc   *scoring.Service
	now   atomic.Int64
	regul registry.Actor
}

func (f *fixture) clock() time.Time { return time.Unix(0, f.now.Load()).UTC() }

const agencyID = "agency:91350100M000100Y43"

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{store: srv.Store(t), regul: registry.Actor{UserID: "reg1", OrgID: "regulator:x", Kind: registry.ActorRegulator}}
	f.now.Store(time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC).UnixNano())
	ctx := context.Background()
	cat := registry.NewCatalog(f.store.Catalog(), f.clock)
	if _, err := cat.Put(ctx, registry.ServiceItem{Code: "ZJ-1", Name: "环境影响评价", Stage: registry.StageInitiation, QualMode: registry.QualAnyOf,
		Qualifications: []string{"环评"}, FeeBasis: registry.FeeMarket, TimeLimitDays: 30, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	f.reg = registry.NewRegistry(f.store.Agencies(), cat, f.clock, func() string { return fmt.Sprint("id", n.Add(1)) })
	f.reg.Load(ctx)
	ag := registry.Actor{UserID: "a1", OrgID: agencyID, Kind: registry.ActorAgency}
	steps := []func() error{
		func() error { _, err := f.reg.StartApplication(ctx, ag, registry.Profile{}); return err },
		func() error {
			_, err := f.reg.SaveApplication(ctx, ag, agencyID, registry.ApplicationInput{
				Profile: registry.Profile{USCC: "91350100M000100Y43", Name: "甘肃陇原环境咨询有限公司", LegalRep: "李静", Region: "620102",
					Qualifications: []registry.Qualification{{Type: "环评", CertNo: "1", ValidFrom: registry.Date{Y: 2025, M: 1, D: 1},
						ValidTo: registry.Date{Y: 2029, M: 1, D: 1}, FileID: "f"}}},
				Listings: []registry.Listing{{ItemCode: "ZJ-1", CommittedDays: 20}}})
			return err
		},
		func() error { _, err := f.reg.AcceptCommitment(ctx, ag, agencyID); return err },
		func() error { _, err := f.reg.Submit(ctx, ag, agencyID); return err },
		func() error { _, err := f.reg.Review(ctx, f.regul, agencyID, registry.MoveApprove, ""); return err },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	sealer, _ := hall.NewSealer(bytes.Repeat([]byte{1}, 32))
	f.hall = hall.NewService(hall.Config{Store: f.store.Hall(), Agencies: f.reg, Catalog: cat, Sealer: sealer, Now: f.clock})
	f.svc = scoring.NewService(scoring.Config{Store: f.store.Scoring(), Alerts: f.store.Scoring(), Inspections: f.store.Scoring(), Registry: f.reg, Hall: f.hall, Now: f.clock})
	if err := f.svc.Load(ctx); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestComplaintLowersScoreAndAppealRestoresIt(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	public := registry.Actor{}
	if _, err := f.svc.FileComplaint(ctx, public, scoring.ComplaintInput{TargetID: agencyID, Subject: "报告质量", Details: "短"}); apperr.KindOf(err) != apperr.KindInvalid {
		t.Fatalf("short complaint without contact: %v", err)
	}
	c, err := f.svc.FileComplaint(ctx, public, scoring.ComplaintInput{Name: "张先生", Phone: "13800001111", TargetID: agencyID,
		Subject: "出具报告数据造假", Details: "该机构出具的环评报告中监测数据与现场明显不符，请核查。"})
	if err != nil {
		t.Fatal(err)
	}
	seen, _ := f.svc.ComplaintFor(registry.Actor{UserID: "a1", OrgID: agencyID, Kind: registry.ActorAgency}, c.ID)
	if seen.ComplainantPhone != "" || seen.ComplainantName == "张先生" {
		t.Fatal("the agency must not see a public complainant's identity")
	}
	for _, to := range []scoring.ComplaintState{scoring.ComplaintAccepted, scoring.ComplaintInvestigating} {
		if _, err := f.svc.MoveComplaint(ctx, f.regul, c.ID, to, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.MoveComplaint(ctx, f.regul, c.ID, scoring.ComplaintSubstantiated, "", "属实"); apperr.KindOf(err) != apperr.KindInvalid {
		t.Fatalf("substantiated needs a severity: %v", err)
	}
	if _, err := f.svc.MoveComplaint(ctx, f.regul, c.ID, scoring.ComplaintSubstantiated, scoring.SeverityGeneral, "经现场核查，监测数据与原始记录不符"); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.RunScoring(ctx, f.clock()); err != nil || n != 1 {
		t.Fatalf("scoring: %d %v", n, err)
	}
	card, ok, err := f.svc.Scorecard(ctx, agencyID)
	if err != nil || !ok || card.Score != 950 || len(card.Items) != 1 || card.Items[0].Rule != scoring.RuleComplaintGeneral {
		t.Fatalf("scorecard %+v %v", card, err)
	}
	// A rerun of the same day replaces the snapshot: one history point.
	if _, err := f.svc.RunScoring(ctx, f.clock()); err != nil {
		t.Fatal(err)
	}
	if h, _ := f.svc.History(ctx, agencyID); len(h) != 1 {
		t.Fatalf("%d history points after two runs on one day", len(h))
	}
	ag := registry.Actor{UserID: "a1", OrgID: agencyID, Kind: registry.ActorAgency}
	a, err := f.svc.FileAppeal(ctx, ag, card.Items[0].ID, "该投诉所涉报告系另一机构出具，有合同为证。")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DecideAppeal(ctx, f.regul, a.ID, true, "经复核，申诉成立"); err != nil {
		t.Fatal(err)
	}
	f.now.Add(int64(24 * time.Hour))
	f.svc.RunScoring(ctx, f.clock())
	card, _, _ = f.svc.Scorecard(ctx, agencyID)
	if card.Score != 1000 || !card.Items[0].Voided {
		t.Fatalf("after the upheld appeal: %+v", card)
	}
	if h, _ := f.svc.History(ctx, agencyID); len(h) != 2 {
		t.Fatalf("history %v", h)
	}
}

func TestSanctionsAffectEligibilityAtOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.svc.Issue(ctx, f.regul, scoring.SanctionInput{AgencyID: agencyID, Kind: scoring.SanctionSuspension, Cause: "超时限未交付且拒不整改"}); apperr.KindOf(err) != apperr.KindInvalid {
		t.Fatalf("a suspension needs an end date: %v", err)
	}
	x, err := f.svc.Issue(ctx, f.regul, scoring.SanctionInput{AgencyID: agencyID, Kind: scoring.SanctionSuspension,
		Cause: "超时限未交付且拒不整改", To: f.clock().Add(30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := f.reg.Get(ctx, f.regul, agencyID)
	if a.Status != registry.StatusSuspended {
		t.Fatalf("status %s after a suspension", a.Status)
	}
	if list, n := f.svc.Sanctions("", true, 1, 20); n != 1 || list[0].ID != x.ID {
		t.Fatal("the public list shows the active sanction")
	}
	if _, err := f.svc.Lift(ctx, f.regul, x.ID, "已完成整改并通过复查"); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.reg.Get(ctx, f.regul, agencyID); a.Status != registry.StatusActive {
		t.Fatalf("credit repair must restore the agency: %s", a.Status)
	}
	b, err := f.svc.Issue(ctx, f.regul, scoring.SanctionInput{AgencyID: agencyID, Kind: scoring.SanctionBlacklist,
		Cause: "提供虚假资质材料", LegalBasis: "《XX市中介服务管理办法》第三十条", To: f.clock().Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := f.reg.Get(ctx, f.regul, agencyID); a.Status != registry.StatusBlacklisted {
		t.Fatalf("status %s after blacklisting", a.Status)
	}
	f.now.Add(int64(25 * time.Hour))
	if n, err := f.svc.ExpireSanctions(ctx); err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	if a, _ := f.reg.Get(ctx, f.regul, agencyID); a.Status != registry.StatusActive {
		t.Fatalf("an expired blacklisting ends: %s (%s)", a.Status, b.ID)
	}
}

func TestAlertsRaiseEscalateAndCloseThemselves(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, err := f.svc.FileComplaint(ctx, registry.Actor{}, scoring.ComplaintInput{Name: "王女士", Phone: "13900002222", TargetID: agencyID,
		Subject: "服务态度差", Details: "多次催要成果无人回应，拖延两周以上。"})
	if err != nil {
		t.Fatal(err)
	}
	// Monday 2026-11-02 10:00: two working days later is the end of Wednesday.
	f.now.Store(time.Date(2026, 11, 4, 15, 0, 0, 0, time.UTC).UnixNano()) // Wednesday 23:00 Shanghai
	if _, err := f.svc.RunAlerts(ctx); err != nil {
		t.Fatal(err)
	}
	if open, _ := f.svc.AlertList(true, "", 1, 50); hasKind(open, scoring.AlertComplaintUnhandled) {
		t.Fatal("no alert before 2 working days have passed")
	}
	f.now.Store(time.Date(2026, 11, 4, 16, 0, 0, 0, time.UTC).UnixNano()) // Thursday 00:00 Shanghai
	f.svc.RunAlerts(ctx)
	if open, _ := f.svc.AlertList(true, "", 1, 50); !hasKind(open, scoring.AlertComplaintUnhandled) {
		t.Fatalf("an unaccepted complaint after 2 working days raises an alert: %+v", open)
	}
	if _, err := f.svc.MoveComplaint(ctx, f.regul, c.ID, scoring.ComplaintAccepted, "", ""); err != nil {
		t.Fatal(err)
	}
	f.svc.RunAlerts(ctx)
	if open, _ := f.svc.AlertList(true, "", 1, 50); hasKind(open, scoring.AlertComplaintUnhandled) {
		t.Fatal("the alert closes itself once the complaint is accepted")
	}
	all, _ := f.svc.AlertList(false, "", 1, 50)
	if len(all) == 0 || all[len(all)-1].CloseReason == "" {
		t.Fatalf("closed alerts stay listed with a reason: %+v", all)
	}
	// The qualification expires on 2029-01-01: 30 days before, a yellow card; after, a red one.
	f.now.Store(time.Date(2028, 12, 5, 2, 0, 0, 0, time.UTC).UnixNano())
	f.svc.RunAlerts(ctx)
	if open, _ := f.svc.AlertList(true, scoring.Yellow, 1, 50); !hasKind(open, scoring.AlertQualExpiring) {
		t.Fatalf("expiring qualification: %+v", open)
	}
	f.now.Store(time.Date(2029, 1, 3, 2, 0, 0, 0, time.UTC).UnixNano())
	f.svc.RunAlerts(ctx)
	open, _ := f.svc.AlertList(true, "", 1, 50)
	if !hasKind(open, scoring.AlertQualExpired) || hasKind(open, scoring.AlertQualExpiring) {
		t.Fatalf("the expiring alert escalates to expired: %+v", open)
	}
}

func hasKind(list []scoring.Alert, kind string) bool {
	for _, a := range list {
		if a.Kind == kind {
			return true
		}
	}
	return false
}

func TestInspectionDrawAssignsFreshInspectors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pool := []string{"刘检查", "陈检查", "赵检查", "孙检查"}
	x, err := f.svc.CreateInspection(ctx, f.regul, scoring.InspectionInput{Name: "2026 年第四季度中介机构双随机抽查", SampleSize: 3, Inspectors: pool})
	if err != nil {
		t.Fatal(err)
	}
	if pub, _ := f.svc.Inspection(x.ID); pub.Secret != "" || pub.Commitment == "" {
		t.Fatal("the secret stays hidden until the draw")
	}
	x, err = f.svc.DrawInspection(ctx, f.regul, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Assignments) != 1 || len(x.Assignments[0].Inspectors) != 2 || x.Assignments[0].Inspectors[0] == x.Assignments[0].Inspectors[1] {
		t.Fatalf("assignments %+v", x.Assignments)
	}
	if ok, msg := hall.VerifyWeightedDraw(x.Secret, x.Commitment, *x.AgencyDraw); !ok {
		t.Fatal(msg)
	}
	first := x.Assignments[0].Inspectors
	y, _ := f.svc.CreateInspection(ctx, f.regul, scoring.InspectionInput{Name: "2026 年专项抽查", SampleSize: 1, Inspectors: pool})
	y, err = f.svc.DrawInspection(ctx, f.regul, y.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range y.Assignments[0].Inspectors {
		for _, q := range first {
			if p == q {
				t.Fatalf("inspector %s inspected the same agency within a year", p)
			}
		}
	}
	if _, err := f.svc.RecordInspection(ctx, f.regul, y.ID, agencyID, "合格", "资料齐全"); err != nil {
		t.Fatal(err)
	}
}
