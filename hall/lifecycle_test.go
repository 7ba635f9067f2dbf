package hall_test

import (
	"context"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
)

// drawn publishes a random-draw project with three sign-ups and opens it.
func (f *fixture) drawn(t *testing.T) hall.Project {
	t.Helper()
	ctx := context.Background()
	p := f.published(t, hall.MethodRandom, hall.FundingFiscal)
	for i := 0; i < 3; i++ {
		if _, err := f.svc.SignUp(ctx, agent(i), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.set(at("2026-12-03 09:30"))
	p, err := f.svc.Get(ctx, f.owner, p.ID) // a read opens a due project
	if err != nil || p.State != hall.StatePublicity {
		t.Fatalf("lazy opening: %s %v", p.State, err)
	}
	return p
}

func winnerActor(p hall.Project) int {
	for i := 0; i < 10; i++ {
		if agent(i).OrgID == p.Winner {
			return i
		}
	}
	panic("winner is not a test agency")
}

func TestLifecycleToEvaluation(t *testing.T) {
	f := newFixture(t, 3)
	ctx := context.Background()
	p := f.drawn(t)
	w := agent(winnerActor(p))
	// Publicity: 3 working days from Thursday 12-03 → ends Tuesday 12-08 24:00.
	if want := at("2026-12-09 00:00"); !p.PublicityEnd.Equal(want) {
		t.Fatalf("publicity ends %s, want %s", p.PublicityEnd, want)
	}
	if _, err := f.svc.SignContract(ctx, f.owner, p.ID, 400_000_00, at("2026-12-03 10:00"), "f1"); !apperr.Is(err, apperr.KindConflict) {
		t.Fatalf("contract during publicity: %v", err)
	}
	f.clk.set(at("2026-12-09 08:00"))
	n, err := f.svc.AdvanceAll(ctx)
	if err != nil || n != 1 {
		t.Fatalf("advance: %d %v", n, err)
	}
	p, err = f.svc.SignContract(ctx, f.owner, p.ID, 400_000_00, at("2026-12-09 08:00"), "contract.pdf")
	if err != nil || p.State != hall.StateInService {
		t.Fatalf("contract: %v", err)
	}
	// 25 days from 2026-12-09: due at the end of 2027-01-03.
	if want := at("2027-01-04 00:00"); !p.Contract.DueAt.Equal(want) {
		t.Fatalf("due %s, want %s", p.Contract.DueAt, want)
	}
	f.clk.set(at("2026-12-15 09:00"))
	if _, err := f.svc.Pause(ctx, f.owner, p.ID, "等待业主提供地形图"); err != nil {
		t.Fatal(err)
	}
	f.clk.set(at("2026-12-17 09:00"))
	p, err = f.svc.Resume(ctx, f.owner, p.ID)
	if err != nil || !p.Contract.DueAt.Equal(at("2027-01-06 00:00")) {
		t.Fatalf("a two-day pause moves the due date two days: %s %v", p.Contract.DueAt, err)
	}
	if _, err := f.svc.Deliver(ctx, agent((winnerActor(p)+1)%3), p.ID, "x.pdf"); !apperr.Is(err, apperr.KindForbidden) {
		t.Fatalf("a loser delivering: %v", err)
	}
	if _, err := f.svc.Deliver(ctx, w, p.ID, "report-v1.pdf"); err != nil {
		t.Fatal(err)
	}
	if p, err = f.svc.DecideDelivery(ctx, f.owner, p.ID, false, "第三章数据缺失"); err != nil || p.State != hall.StateInService {
		t.Fatalf("return: %s %v", p.State, err)
	}
	if _, err := f.svc.Deliver(ctx, w, p.ID, "report-v2.pdf"); err != nil {
		t.Fatal(err)
	}
	// Silence for 10 working days counts as acceptance: delivered Thursday
	// 12-17, the tenth working day after it is 12-31.
	f.clk.set(at("2026-12-31 23:00"))
	if p, _ = f.svc.Advance(ctx, p.ID); p.State != hall.StateDelivered {
		t.Fatalf("one hour early: %s", p.State)
	}
	f.clk.set(at("2027-01-01 00:00"))
	if p, _ = f.svc.Advance(ctx, p.ID); p.State != hall.StateAccepted || !p.Deliveries[1].Silent {
		t.Fatalf("silent acceptance: %s", p.State)
	}
	if _, err := f.svc.Evaluate(ctx, f.owner, p.ID, hall.Evaluation{Quality: 6}); apperr.KindOf(err) != apperr.KindInvalid {
		t.Fatalf("6 stars: %v", err)
	}
	p, err = f.svc.Evaluate(ctx, f.owner, p.ID, hall.Evaluation{Quality: 4, Timeliness: 5, Attitude: 5, Fees: 4, Conduct: 5, Comment: "报告质量较好"})
	if err != nil || p.State != hall.StateEvaluated {
		t.Fatalf("evaluate: %v", err)
	}
	if _, err := f.svc.Respond(ctx, w, p.ID, "感谢业主评价"); err != nil {
		t.Fatal(err)
	}
	f.clk.add(15 * 24 * time.Hour)
	if _, err := f.svc.Respond(ctx, w, p.ID, "再次回复"); err == nil {
		t.Fatal("a second response must be refused")
	}
}

func TestObjectionAndAbandonment(t *testing.T) {
	f := newFixture(t, 3)
	ctx := context.Background()
	p := f.drawn(t)
	first := p.Winner
	loser := agent((winnerActor(p) + 1) % 3)
	p, err := f.svc.Object(ctx, loser, p.ID, "中选机构的资质证书已被注销，请核查")
	if err != nil || p.State != hall.StateObjection {
		t.Fatalf("objection: %s %v", p.State, err)
	}
	f.clk.set(at("2026-12-10 10:00")) // would be after publicity, but the objection paused it
	if p, _ = f.svc.Advance(ctx, p.ID); p.State != hall.StateObjection {
		t.Fatal("a paused project must not move on")
	}
	reg := f.owner
	reg.Kind = "regulator"
	p, err = f.svc.DecideObjection(ctx, reg, p.ID, true, "经核查属实")
	if err != nil || p.Winner == first || p.Winner == "" || p.State != hall.StatePublicity {
		t.Fatalf("upheld objection must redraw among the others: %+v %v", p.Winner, err)
	}
	redraw := p.Opening.Outcome.Draws[len(p.Opening.Outcome.Draws)-1]
	if ok, msg := hall.VerifyDraw(p.Opening.Secret, p.Commitment, redraw); !ok {
		t.Fatal(msg)
	}
	second := p.Winner
	p, err = f.svc.Abandon(ctx, agent(winnerActor(p)), p.ID, "人员调整无法承接")
	if err != nil || p.Winner == second || p.Winner == first {
		t.Fatalf("abandonment: %s %v", p.Winner, err)
	}
	p, err = f.svc.Abandon(ctx, agent(winnerActor(p)), p.ID, "无法承接")
	if err != nil || p.State != hall.StateFailed {
		t.Fatalf("with nobody left the project fails: %s %v", p.State, err)
	}
}

func TestDefaultEvaluationAndContractTimeout(t *testing.T) {
	f := newFixture(t, 3)
	ctx := context.Background()
	p := f.drawn(t)
	f.clk.set(at("2026-12-09 08:00"))
	f.svc.AdvanceAll(ctx)
	// No contract within 5 working days after publicity (ended Wednesday
	// 12-09: the fifth working day is 12-16): the next candidate.
	f.clk.set(at("2026-12-16 23:59"))
	if q, _ := f.svc.Advance(ctx, p.ID); q.State != hall.StateContracting {
		t.Fatalf("still within the contract period: %s", q.State)
	}
	f.clk.set(at("2026-12-17 00:00"))
	first := p.Winner
	p, err := f.svc.Advance(ctx, p.ID)
	if err != nil || p.Winner == first || p.State != hall.StatePublicity {
		t.Fatalf("contract timeout: %s %s %v", p.State, p.Winner, err)
	}
	abandoned := 0
	for _, st := range p.Timeline {
		if st.Kind == hall.EventAbandoned && st.Agency == first {
			abandoned++
		}
	}
	if abandoned != 1 {
		t.Fatal("the lapsed winner's abandonment must be recorded for scoring")
	}
	// Through to acceptance, then no evaluation for 10 working days: 5 stars.
	f.clk.set(at("2026-12-23 09:00"))
	f.svc.AdvanceAll(ctx)
	if _, err := f.svc.SignContract(ctx, f.owner, p.ID, 300_000_00, at("2026-12-23 09:00"), "c.pdf"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Deliver(ctx, agent(winnerActor(p)), p.ID, "r.pdf"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DecideDelivery(ctx, f.owner, p.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	f.clk.set(at("2027-01-07 00:00")) // 10 working days after Wednesday 12-23 (2027 counted as weekends only)
	p, err = f.svc.Advance(ctx, p.ID)
	if err != nil || p.State != hall.StateEvaluated || !p.Evaluation.Default || p.Evaluation.Quality != 5 {
		t.Fatalf("default evaluation: %s %+v %v", p.State, p.Evaluation, err)
	}
}

func TestAnnouncementReviewByRegion(t *testing.T) {
	f := newFixture(t, 3)
	f.svc.ReviewRegions = map[string]bool{"620100": true}
	ctx := context.Background()
	p, err := f.svc.Create(ctx, f.owner, "x", f.input(hall.MethodRandom, hall.FundingFiscal))
	if err != nil {
		t.Fatal(err)
	}
	if p, err = f.svc.Publish(ctx, f.owner, p.ID); err != nil || p.State != hall.StateReview {
		t.Fatalf("a district of a reviewing city goes to review: %s %v", p.State, err)
	}
	if _, err := f.svc.SignUp(ctx, agent(0), p.ID); err == nil {
		t.Fatal("no sign-up before the announcement is approved")
	}
	reg := f.owner
	reg.Kind = "regulator"
	if p, err = f.svc.ReviewAnnouncement(ctx, reg, p.ID, true, ""); err != nil || p.State != hall.StateOpen {
		t.Fatalf("approved announcement opens: %s %v", p.State, err)
	}
}
