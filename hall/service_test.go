package hall_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
	"github.com/agencyhall/agencyhall/registry"
)

var srv *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &srv)) }

// agencies is an in-memory registry view for the hall's tests.
type agencies map[string]registry.Agency

func (a agencies) Get(_ context.Context, _ registry.Actor, id string) (registry.Agency, error) {
	ag, ok := a[id]
	if !ok {
		return ag, apperr.NotFound("中介机构")
	}
	return ag, nil
}

type catalog map[string]registry.ServiceItem

func (c catalog) Get(_ context.Context, code string) (registry.ServiceItem, error) {
	it, ok := c[code]
	if !ok {
		return it, apperr.NotFound("服务事项")
	}
	return it, nil
}

// clock is a settable test clock, safe for concurrent use.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, registry.Shanghai)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

type fixture struct {
	svc   *hall.Service
	clk   *clock
	ags   agencies
	owner registry.Actor
}

func newFixture(t testing.TB, nAgencies int) *fixture {
	store := srv.Store(t)
	f := &fixture{clk: &clock{}, ags: agencies{}, owner: registry.Actor{UserID: "owner1", OrgID: "owner:1", Kind: registry.ActorOwner}}
	f.clk.set(at("2026-11-26 09:00"))
	item := registry.ServiceItem{Code: "ZJ-LX-001", Name: "环境影响评价", Stage: registry.StageInitiation, Enabled: true,
		Qualifications: []string{"环评能力"}, QualMode: registry.QualAnyOf, TimeLimitDays: 30}
	for i := 0; i < nAgencies; i++ {
		id := fmt.Sprintf("agency:%03d", i)
		f.ags[id] = registry.Agency{ID: id, Status: registry.StatusActive,
			Profile: registry.Profile{Name: fmt.Sprintf("测试机构%d", i), Qualifications: []registry.Qualification{{Type: "环评能力",
				ValidFrom: registry.Date{Y: 2025, M: 1, D: 1}, ValidTo: registry.Date{Y: 2028, M: 1, D: 1}}}},
			Listings: []registry.Listing{{ItemCode: item.Code, CommittedDays: 20}}}
	}
	sealer, _ := hall.NewSealer(bytes.Repeat([]byte{1}, 32))
	f.svc = hall.NewService(hall.Config{Store: store.Hall(), Agencies: f.ags, Catalog: catalog{item.Code: item}, Sealer: sealer,
		Now: f.clk.now})
	return f
}

func agent(i int) registry.Actor {
	id := fmt.Sprintf("agency:%03d", i)
	return registry.Actor{UserID: fmt.Sprintf("u%03d", i), OrgID: id, Kind: registry.ActorAgency}
}

func (f *fixture) input(m hall.Method, funding hall.Funding) hall.ProjectInput {
	return hall.ProjectInput{Name: "兰州新区综合管廊项目环境影响评价", ItemCode: "ZJ-LX-001", Region: "620102", Funding: funding,
		CeilingFen: 500_000_00, FloorFen: 100_000_00, TimeLimitDays: 25, Method: m,
		SignupDeadline: at("2026-12-02 17:00"), OpeningTime: at("2026-12-03 09:30")}
}

func (f *fixture) published(t testing.TB, m hall.Method, funding hall.Funding) hall.Project {
	t.Helper()
	ctx := context.Background()
	p, err := f.svc.Create(ctx, f.owner, "兰州新区城投", f.input(m, funding))
	if err != nil {
		t.Fatal(err)
	}
	p, err = f.svc.Publish(ctx, f.owner, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != hall.StateOpen || len(p.Commitment) != 64 || p.Secret != "" {
		t.Fatalf("published project: state %s, commitment %q, secret shown %v", p.State, p.Commitment, p.Secret != "")
	}
	return p
}

func TestValidation(t *testing.T) {
	f := newFixture(t, 0)
	tests := []struct {
		name  string
		edit  func(*hall.ProjectInput)
		field string
	}{
		{"floor above ceiling", func(in *hall.ProjectInput) { in.FloorFen = in.CeilingFen + 1 }, "floor_fen"},
		{"zero ceiling", func(in *hall.ProjectInput) { in.CeilingFen = 0 }, "ceiling_fen"},
		{"deadline too soon", func(in *hall.ProjectInput) { in.SignupDeadline = at("2026-11-30 17:00") }, "signup_deadline"},
		{"opening before deadline", func(in *hall.ProjectInput) { in.OpeningTime = at("2026-12-01 09:00") }, "opening_time"},
		{"time limit over statutory", func(in *hall.ProjectInput) { in.TimeLimitDays = 31 }, "time_limit_days"},
		{"direct fiscal over threshold", func(in *hall.ProjectInput) {
			in.Method, in.DirectAgency, in.DirectReason = hall.MethodDirect, "agency:000", "业主已有长期合作且经集体决策"
		}, "method"},
		{"scoring without weights", func(in *hall.ProjectInput) { in.Method = hall.MethodScoring }, "weights"},
		{"unknown item", func(in *hall.ProjectInput) { in.ItemCode = "NOPE" }, "item_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := f.input(hall.MethodRandom, hall.FundingFiscal)
			tt.edit(&in)
			_, err := f.svc.Create(context.Background(), f.owner, "x", in)
			e, ok := apperr.As(err)
			if !ok || e.Fields[tt.field] == "" {
				t.Fatalf("got %v, want a message on %s", err, tt.field)
			}
		})
	}
	// 3 working days from Thursday 2026-11-26 end on Monday 2026-11-30 24:00.
	in := f.input(hall.MethodRandom, hall.FundingFiscal)
	in.SignupDeadline, in.OpeningTime = at("2026-12-01 00:00"), at("2026-12-01 09:00")
	if _, err := f.svc.Create(context.Background(), f.owner, "x", in); err != nil {
		t.Fatalf("a deadline exactly 3 working days out is allowed: %v", err)
	}
}

func TestRandomDrawEndToEnd(t *testing.T) {
	f := newFixture(t, 4)
	ctx := context.Background()
	p := f.published(t, hall.MethodRandom, hall.FundingFiscal)
	for i := 0; i < 3; i++ {
		if _, err := f.svc.SignUp(ctx, agent(i), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.SignUp(ctx, agent(0), p.ID); !apperr.Is(err, apperr.KindConflict) {
		t.Fatalf("second sign-up: %v", err)
	}
	f.clk.set(at("2026-12-02 17:00"))
	if _, err := f.svc.SignUp(ctx, agent(3), p.ID); !apperr.Is(err, apperr.KindConflict) {
		t.Fatalf("sign-up at the deadline must be refused: %v", err)
	}
	// Not yet the opening time: nothing happens.
	p, _ = f.svc.OpenIfDue(ctx, p.ID)
	if p.State != hall.StateOpen {
		t.Fatalf("state %s before opening time", p.State)
	}
	f.clk.set(at("2026-12-03 09:30"))
	p, err := f.svc.OpenIfDue(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.State != hall.StatePublicity || p.Winner == "" || p.Opening.Secret == "" {
		t.Fatalf("after opening: %s winner %q", p.State, p.Winner)
	}
	d := p.Opening.Outcome.Draws[0]
	if ok, msg := hall.VerifyDraw(p.Opening.Secret, p.Commitment, d); !ok {
		t.Fatal(msg)
	}
	again, _ := f.svc.OpenIfDue(ctx, p.ID)
	if again.Winner != p.Winner || len(again.Timeline) != len(p.Timeline) {
		t.Fatal("opening twice must change nothing")
	}
}

func TestRandomDrawFailsWithTwoSignups(t *testing.T) {
	f := newFixture(t, 2)
	ctx := context.Background()
	p := f.published(t, hall.MethodRandom, hall.FundingFiscal)
	for i := 0; i < 2; i++ {
		if _, err := f.svc.SignUp(ctx, agent(i), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.set(at("2026-12-03 10:00"))
	p, err := f.svc.OpenIfDue(ctx, p.ID)
	if err != nil || p.State != hall.StateFailed {
		t.Fatalf("state %s err %v, want failed", p.State, err)
	}
	next, err := f.svc.Republish(ctx, f.owner, p.ID)
	if err != nil || next.Round != 2 || next.PreviousID != p.ID {
		t.Fatalf("republish: %+v %v", next, err)
	}
}

func TestQuotesSealedReplacedAndOpened(t *testing.T) {
	f := newFixture(t, 3)
	ctx := context.Background()
	p := f.published(t, hall.MethodLowest, hall.FundingFiscal)
	amounts := []int64{300_000_00, 280_000_00, 310_000_00}
	for i := 0; i < 3; i++ {
		if _, err := f.svc.SignUp(ctx, agent(i), p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SubmitQuote(ctx, agent(i), p.ID, amounts[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.SubmitQuote(ctx, agent(0), p.ID, 99_000_00); apperr.KindOf(err) != apperr.KindInvalid {
		t.Fatalf("a quote below the floor: %v", err)
	}
	// agency 0 replaces its quote: only the last one counts.
	r, err := f.svc.SubmitQuote(ctx, agent(0), p.ID, 250_000_00)
	if err != nil {
		t.Fatal(err)
	}
	if mine, ok, err := f.svc.MyQuote(ctx, agent(0), p.ID); err != nil || !ok || mine.Receipt != r.Receipt {
		t.Fatalf("the agency sees its committed receipt: %+v %v %v", mine, ok, err)
	}
	before, _ := f.svc.Get(ctx, f.owner, p.ID)
	if before.Opening != nil {
		t.Fatal("no opening record before the opening")
	}
	f.clk.set(at("2026-12-03 09:30"))
	p, err = f.svc.OpenIfDue(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Winner != "agency:000" {
		t.Fatalf("winner %s, want the replaced lowest quote of agency:000", p.Winner)
	}
	found := false
	for _, b := range p.Opening.Bids {
		if b.AgencyID == "agency:000" {
			found = b.Amount == 250_000_00 && b.Receipt == r.Receipt
		}
	}
	if !found {
		t.Fatal("the opening record must publish the committed quote with its receipt")
	}
}

// TestDeadlineStorm: 300 goroutines submit and replace quotes around the
// deadline while two schedulers and readers try to open the project. Every
// acknowledged quote is in the opening record, none after the deadline is
// accepted, and the project opens exactly once.
func TestDeadlineStorm(t *testing.T) {
	const n = 300
	f := newFixture(t, n)
	ctx := context.Background()
	in := f.input(hall.MethodLowest, hall.FundingSocial)
	in.OpeningTime = in.SignupDeadline
	p, err := f.svc.Create(ctx, f.owner, "x", in)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = f.svc.Publish(ctx, f.owner, p.ID); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := f.svc.SignUp(ctx, agent(i), p.ID); err != nil {
			t.Fatal(err)
		}
	}
	deadline := p.SignupDeadline
	// The test clock follows real time from 1 s before the deadline, and the
	// opening time equals the deadline, so the schedulers race the writers
	// and the deadline passes in the middle of the storm.
	realStart := time.Now()
	f.clk.set(deadline.Add(-time.Second))
	ticking := make(chan struct{})
	go func() {
		for {
			select {
			case <-ticking:
				return
			case <-time.After(time.Millisecond):
				f.clk.set(deadline.Add(-time.Second + time.Since(realStart)))
			}
		}
	}()
	defer close(ticking)
	var acked sync.Map // agency → receipt of its last acknowledged quote
	var late atomic.Int32
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for k := 0; k < 3; k++ {
				r, err := f.svc.SubmitQuote(ctx, agent(i), p.ID, int64(200_000_00+i*100+k))
				if err == nil {
					acked.Store(agent(i).OrgID, r.Receipt)
				} else if !apperr.Is(err, apperr.KindConflict) {
					t.Error(err)
				} else {
					if late.Add(1) <= 3 {
						t.Logf("refused: %v (clock %s, deadline %s)", err, f.clk.now().Format(time.RFC3339Nano), deadline.Format(time.RFC3339Nano))
					}
				}
			}
		}(i)
	}
	var opened atomic.Int32
	for s := 0; s < 2; s++ { // two schedulers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				q, err := f.svc.OpenIfDue(ctx, p.ID)
				if err != nil {
					t.Error(err)
					return
				}
				if q.State != hall.StateOpen {
					opened.Add(1)
					return
				}
				time.Sleep(5 * time.Millisecond) // a scheduler polls; it does not spin

			}
		}()
	}
	time.AfterFunc(30*time.Second, func() { close(stop) })
	wg.Wait()
	final, err := f.svc.OpenIfDue(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final.State == hall.StateOpen || final.Opening == nil {
		t.Fatalf("project not opened: %s", final.State)
	}
	opens := 0
	for _, st := range final.Timeline {
		if st.Kind == hall.EventOpened {
			opens++
		}
	}
	if opens != 1 {
		t.Fatalf("opened %d times", opens)
	}
	inRecord := map[string]string{}
	for _, b := range final.Opening.Bids {
		inRecord[b.AgencyID] = b.Receipt
		if b.At.After(deadline) {
			t.Errorf("quote of %s at %s is after the deadline %s", b.AgencyID, b.At, deadline)
		}
	}
	missing := 0
	acked.Range(func(k, v any) bool {
		if inRecord[k.(string)] != v.(string) {
			missing++
		}
		return true
	})
	if missing > 0 {
		t.Fatalf("%d acknowledged quotes missing from the opening record", missing)
	}
	if len(inRecord) == 0 {
		t.Fatal("no quote was acknowledged before the deadline; the storm tested nothing")
	}
	if _, err := f.svc.SubmitQuote(ctx, agent(0), p.ID, 200_000_00); !apperr.Is(err, apperr.KindConflict) {
		t.Fatalf("a quote after the opening must be refused, got %v", err)
	}
	t.Logf("%d agencies with an acknowledged quote in the opening; %d submissions refused as late", len(inRecord), late.Load())
}
