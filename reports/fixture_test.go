package reports

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// The reports read the domain services' read models; these fakes load them
// from plain slices, so the tests need no database.

type hallStore struct {
	hall.Store
	projects []hall.Project
	gen      func(i int) hall.Project // or n projects made one by one
	n        int
}

func (s *hallStore) EachProject(_ context.Context, fn func(hall.Project) error) error {
	for i := range s.n {
		if err := fn(s.gen(i)); err != nil {
			return err
		}
	}
	// In creation order, as the database gives them (numbers are chronological).
	for _, p := range slices.SortedFunc(slices.Values(s.projects), func(a, b hall.Project) int { return strings.Compare(a.ID, b.ID) }) {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

type agencyStore struct {
	registry.AgencyStore
	agencies []registry.Agency
}

func (s agencyStore) EachAgency(_ context.Context, fn func(registry.Agency) error) error {
	for _, a := range s.agencies {
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

type catalogStore struct{ registry.CatalogStore }

func (catalogStore) ListServiceItems(context.Context) ([]registry.ServiceItem, error) {
	return nil, nil
}

type scoringStore struct {
	scoring.Store
	complaints []scoring.Complaint
	sanctions  []scoring.Sanction
	alerts     []scoring.Alert
	cards      map[string]scoring.Scorecard // agency → latest card
}

func (s scoringStore) EachComplaint(_ context.Context, fn func(scoring.Complaint) error) error {
	return each(s.complaints, fn)
}
func (s scoringStore) EachSanction(_ context.Context, fn func(scoring.Sanction) error) error {
	return each(s.sanctions, fn)
}
func (s scoringStore) EachAppeal(context.Context, func(scoring.Appeal) error) error { return nil }
func (s scoringStore) EachAlert(_ context.Context, fn func(scoring.Alert) error) error {
	return each(s.alerts, fn)
}
func (s scoringStore) PutAlert(context.Context, scoring.Alert) error { return nil }
func (s scoringStore) Rules(context.Context) ([]scoring.Rule, error) { return nil, nil }
func (s scoringStore) EachHistory(_ context.Context, fn func(string, []scoring.HistoryPoint) error) error {
	for id, c := range s.cards {
		if err := fn(id, []scoring.HistoryPoint{{Date: scoring.Today(c.AsOf), Score: c.Score, Grade: c.Grade}}); err != nil {
			return err
		}
	}
	return nil
}
func (s scoringStore) GetSnapshot(_ context.Context, id string) (scoring.Snapshot, error) {
	for a, c := range s.cards {
		if scoring.SnapshotID(a, scoring.Today(c.AsOf)) == id {
			return scoring.Snapshot{ID: id, AgencyID: a, Date: scoring.Today(c.AsOf), Card: c}, nil
		}
	}
	return scoring.Snapshot{}, apperr.NotFound("评分快照")
}

func each[T any](list []T, fn func(T) error) error {
	for _, x := range list {
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

type auditStore struct {
	audit.Store
	records []audit.Record
}

func (s auditStore) Each(_ context.Context, fn func(audit.Record) error) error {
	return each(s.records, fn)
}
func (s auditStore) Get(_ context.Context, seq int64) (audit.Record, error) {
	for _, r := range s.records {
		if r.Seq == seq {
			return r, nil
		}
	}
	return audit.Record{}, apperr.NotFound("审计记录")
}

// taskStore keeps tasks in memory and remembers every state it saved.
type taskStore struct {
	mu      sync.Mutex
	tasks   map[string]Task
	history []Task
}

func newTaskStore() *taskStore { return &taskStore{tasks: map[string]Task{}} }

func (s *taskStore) CreateTask(_ context.Context, t Task) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tasks[t.ID]; ok {
		return apperr.Conflict("exists", "任务已存在")
	}
	t.Version = 1
	s.tasks[t.ID] = t
	s.history = append(s.history, t)
	return nil
}

func (s *taskStore) GetTask(_ context.Context, id string) (Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[id]
	if !ok {
		return Task{}, apperr.NotFound("导出任务")
	}
	return t, nil
}

func (s *taskStore) UpdateTask(_ context.Context, id string, fn func(*Task) error) (Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[id]
	if !ok {
		return Task{}, apperr.NotFound("导出任务")
	}
	if err := fn(&t); err != nil {
		return Task{}, err
	}
	t.Version++
	s.tasks[id] = t
	s.history = append(s.history, t)
	return t, nil
}

func (s *taskStore) ListTasks(_ context.Context, owner string, limit int) ([]Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Task
	for _, t := range s.tasks {
		if t.Owner == owner {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out[:min(limit, len(out))], nil
}

func (s *taskStore) EachTask(_ context.Context, fn func(Task) error) error {
	s.mu.Lock()
	list := make([]Task, 0, len(s.tasks))
	for _, t := range s.tasks {
		list = append(list, t)
	}
	s.mu.Unlock()
	return each(list, fn)
}

func (s *taskStore) DeleteTask(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tasks, id)
	return nil
}

// The test world: November 2026 in Lanzhou (620100) and Tianshui (620500).

var testNow = time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing

func bj(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, registry.Shanghai)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

var regions = []string{"620102", "620103", "620502", "620104"}

// testProject makes project i in one of seven stages of its life, with
// everything a real one records (the timeline kept short). Its dates fall
// in November 2026 for i%3 != 0 and in October 2026 otherwise.
func testProject(i int) hall.Project {
	month := bj("2026-11-02 09:00")
	if i%3 == 0 {
		month = bj("2026-10-08 09:00")
	}
	pub := month.Add(time.Duration(i%200) * time.Hour)
	m := hall.Methods[i%len(hall.Methods)]
	p := hall.Project{ID: fmt.Sprintf("P20261001%06d", i), Round: 1, OwnerOrg: "owner:1", OwnerName: "兰州市城市建设投资有限公司",
		Name: fmt.Sprintf("第 %d 号项目环境影响评价", i), ItemCode: fmt.Sprintf("LX-00%d", i%3+1),
		ItemName: []string{"环境影响评价", "安全预评价", "水土保持方案"}[i%3], Stage: "立项", Region: regions[i%len(regions)],
		Funding: []hall.Funding{hall.FundingFiscal, hall.FundingSocial}[i%2], CeilingFen: int64(100000+(i%50)*1000)*100 + 37,
		TimeLimitDays: 20, Method: m, PublishedAt: pub, State: hall.StateOpen, CreatedAt: pub.Add(-time.Hour), UpdatedAt: pub,
		Timeline: []hall.Step{{At: pub.Add(-time.Hour), Kind: hall.EventCreated}, {At: pub, Kind: hall.EventPublished}}}
	stage := i % 7
	if stage == 0 {
		return p
	}
	if stage == 6 {
		p.State = hall.StateFailed
		p.Opening = &hall.OpeningRecord{At: pub.Add(72 * time.Hour)}
		p.Timeline = append(p.Timeline, hall.Step{At: pub.Add(72 * time.Hour), Kind: hall.EventFailed})
		return p
	}
	winner := fmt.Sprintf("agency:%d", i%5)
	sel := pub.Add(72 * time.Hour)
	p.Signups = []hall.Signup{{AgencyID: winner, AgencyName: fmt.Sprintf("甘肃第%d环境咨询有限公司", i%5), At: pub}}
	p.Winner, p.State = winner, hall.StatePublicity
	if m != hall.MethodDirect {
		p.Opening = &hall.OpeningRecord{At: sel}
	} else {
		sel = pub
	}
	p.Timeline = append(p.Timeline, hall.Step{At: sel, Kind: hall.EventSelected, Agency: winner})
	if stage == 1 {
		return p
	}
	signed := sel.Add(5 * 24 * time.Hour)
	award := p.CeilingFen - int64(i%9)*1234
	p.Contract = &hall.Contract{AgencyID: winner, AmountFen: award, SignedOn: signed, DueAt: signed.Add(21 * 24 * time.Hour)}
	p.State = hall.StateInService
	p.Timeline = append(p.Timeline, hall.Step{At: signed, Kind: hall.EventContracted, Agency: winner})
	if stage == 2 {
		return p
	}
	delivered := signed.Add(10 * 24 * time.Hour)
	if stage == 5 {
		delivered = signed.Add(25 * 24 * time.Hour) // four days late
	}
	p.Deliveries = []hall.Delivery{{FileID: "f", At: delivered}}
	p.State = hall.StateDelivered
	if stage == 3 {
		return p
	}
	p.Deliveries[0].Decision, p.Deliveries[0].DecidedAt = "accepted", delivered.Add(24*time.Hour)
	p.State = hall.StateAccepted
	return p
}

func testAgency(i int) registry.Agency {
	return registry.Agency{ID: fmt.Sprintf("agency:%d", i), Status: registry.StatusActive,
		Profile: registry.Profile{USCC: fmt.Sprintf("9162010%011d", i), Name: fmt.Sprintf("甘肃第%d环境咨询有限公司", i),
			Region: regions[i%len(regions)]},
		AdmittedAt: bj("2026-11-03 10:00").AddDate(0, 0, -10*(i%3))}
}

// world is what a fixture loads.
type world struct {
	projects   []hall.Project
	agencies   []registry.Agency
	complaints []scoring.Complaint
	sanctions  []scoring.Sanction
	alerts     []scoring.Alert
	cards      map[string]scoring.Scorecard
	audit      []audit.Record
	// gen makes genN more projects one by one (a large read model without
	// a slice of them all beside it).
	gen  func(i int) hall.Project
	genN int
}

func testWorld(projects int) world {
	w := world{cards: map[string]scoring.Scorecard{}}
	for i := range projects {
		w.projects = append(w.projects, testProject(i))
	}
	for i := range 5 {
		w.agencies = append(w.agencies, testAgency(i))
		score := scoring.Points(1000 - 55*i*i)
		card := scoring.Scorecard{AgencyID: testAgency(i).ID, AsOf: testNow, Score: score, Grade: scoring.Grade(score)}
		for k := range i + 1 {
			card.Items = append(card.Items, scoring.LineItem{ID: fmt.Sprintf("late_delivery:P%d", k), Rule: scoring.RuleLateDelivery,
				Source: fmt.Sprintf("P%d", k), ProjectID: fmt.Sprintf("P%d", k), Points: -20, Date: bj("2026-11-10 12:00"),
				Note: "逾期 1 周", Voided: k == 1})
		}
		w.cards[card.AgencyID] = card
	}
	for i := range 12 {
		c := scoring.Complaint{ID: fmt.Sprintf("TS2026%05d", i), ComplainantKind: []string{"public", "owner", "agency"}[i%3],
			ComplainantName: "王某", ComplainantPhone: "13800001234", ComplainantOrg: "owner:1", TargetKind: "agency",
			TargetID: testAgency(i % 5).ID, TargetName: testAgency(i % 5).Profile.Name, Subject: "未按期提交成果",
			Details: "中选后迟迟不提交服务成果，多次催促无果。", State: scoring.ComplaintSubmitted,
			SubmittedAt: bj("2026-11-05 10:00").AddDate(0, 0, -12*(i%2))}
		if i%4 == 1 {
			c.State, c.Severity, c.AcceptedAt, c.DecidedAt = scoring.ComplaintSubstantiated, scoring.SeverityGeneral,
				c.SubmittedAt.Add(24*time.Hour), c.SubmittedAt.Add(5*24*time.Hour)
		}
		if c.ComplainantKind != "public" {
			c.ComplainantName, c.ComplainantPhone = "", ""
		}
		w.complaints = append(w.complaints, c)
	}
	for i := range 4 {
		w.sanctions = append(w.sanctions, scoring.Sanction{ID: fmt.Sprintf("CF2026%05d", i), AgencyID: testAgency(i).ID,
			AgencyName: testAgency(i).Profile.Name, Kind: []scoring.SanctionKind{scoring.SanctionWarning, scoring.SanctionSuspension,
				scoring.SanctionBlacklist}[i%3], Cause: "逾期交付", From: bj("2026-11-01 00:00"), IssuedBy: "reg1",
			IssuedAt: bj("2026-11-01 09:00").AddDate(0, 0, -20*(i%2))})
	}
	w.sanctions[3].LiftedAt = bj("2026-11-20 09:00")
	for i := range 9 {
		a := scoring.Alert{ID: fmt.Sprintf("delivery_overdue:P%d", i), Kind: scoring.AlertDeliveryOverdue,
			Level: []string{scoring.Yellow, scoring.Red}[i%2], ObjectKind: "project", ObjectID: fmt.Sprint("P", i),
			Responsible: testAgency(i % 5).ID, Message: "服务已超期", RaisedAt: bj("2026-11-20 09:00").Add(time.Duration(i) * time.Hour)}
		if i%3 == 0 {
			a.ClosedAt, a.CloseReason = bj("2026-11-25 09:00"), "已交付"
		}
		w.alerts = append(w.alerts, a)
	}
	for i := 1; i <= 40; i++ {
		w.audit = append(w.audit, audit.Record{Seq: int64(i), Time: bj("2026-11-01 09:00").Add(time.Duration(i) * time.Hour),
			ActorID: []string{"reg1", "owner1"}[i%2], ActorRole: []string{"regulator", "owner"}[i%2],
			Action: []string{"complaint.move", "project.publish"}[i%2], Target: fmt.Sprint("T", i), Summary: "摘要",
			Hash: fmt.Sprintf("%064d", i)})
	}
	// The store streams in no particular order.
	slices.Reverse(w.audit)
	return w
}

type fixture struct {
	svc   *Service
	tasks *taskStore
	world world
	now   atomic.Int64 // the reports' clock (the domain's stays at testNow)
}

func (f *fixture) setNow(t time.Time) { f.now.Store(t.UnixNano()) }

func newFixture(t testing.TB, w world, opt func(*Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := func() time.Time { return testNow }
	reg := registry.NewRegistry(agencyStore{agencies: w.agencies}, registry.NewCatalog(catalogStore{}, clock), clock, nil)
	if err := reg.Load(ctx); err != nil {
		t.Fatal(err)
	}
	hs := &hallStore{projects: w.projects, gen: w.gen, n: w.genN}
	h := hall.NewService(hall.Config{Store: hs, Now: clock})
	if err := h.Load(ctx); err != nil {
		t.Fatal(err)
	}
	st := scoringStore{complaints: w.complaints, sanctions: w.sanctions, alerts: w.alerts, cards: w.cards}
	sup := scoring.NewService(scoring.Config{Store: st, Alerts: st, Registry: reg, Hall: h, Now: clock})
	if err := sup.Load(ctx); err != nil {
		t.Fatal(err)
	}
	bucket, err := files.OpenBucket(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bucket.Close() })
	fx := &fixture{tasks: newTaskStore(), world: w}
	fx.setNow(testNow)
	c := Config{Hall: h, Scoring: sup, Registry: reg, Audit: auditStore{records: w.audit}, Tasks: fx.tasks,
		Blobs: files.NewService(nil, bucket, clock), Now: func() time.Time { return time.Unix(0, fx.now.Load()).UTC() }}
	if opt != nil {
		opt(&c)
	}
	fx.svc = NewService(c)
	return fx
}

// open reads a workbook back.
func open(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}
