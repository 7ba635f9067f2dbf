package adminui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/jobs"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// newTestScoring builds supervision on the test database and clock.
func newTestScoring(t testing.TB, store *mongostore.Store, reg *registry.Registry, h *hall.Service, clock *testClock) *scoring.Service {
	t.Helper()
	s := scoring.NewService(scoring.Config{Store: store.Scoring(), Alerts: store.Scoring(), Inspections: store.Scoring(),
		Registry: reg, Hall: h, Now: clock.Now})
	if err := s.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// startJobs gives the site a scheduler with the scoring and alert jobs
// (not started: the jobs page runs them on demand).
func (e *env) startJobs(t testing.TB) {
	t.Helper()
	store := srv.Store(t)
	s := jobs.New(jobs.Config{Lease: store.Leases(), Runs: store.Runs(), Owner: "test-1", Now: e.Clock.Now})
	for _, j := range []jobs.Job{
		{Name: "score", Label: "信用评分", Spec: "0 2 * * *",
			Run: func(ctx context.Context) (int, error) { return e.Scoring.RunScoring(ctx, e.Clock.Now()) }},
		{Name: "alerts", Label: "电子监察预警", Spec: "@every 5m", Run: e.Scoring.RunAlerts},
	} {
		if err := s.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	e.Jobs = s
}

// publicComplaint is a complete anonymous complaint form.
func publicComplaint(target string) url.Values {
	return url.Values{"target_kind": {"agency"}, "target": {target}, "subject": {"环评报告数据造假"},
		"details": {"报告中的监测数据与现场实际情况明显不符，请监管部门核查。"}, "name": {"王小明"}, "phone": {"13800001234"}}
}

var complaintNoRe = regexp.MustCompile(`id="complaint-no">(TS\d{9})<`)

// fileAnonymously files a public complaint through the form and returns its number.
func fileAnonymously(t *testing.T, e *hallEnv, form url.Values) string {
	t.Helper()
	b := e.browser()
	b.get("/complaints/new")
	p := b.post("/complaints", form)
	wantStatus(t, p, http.StatusSeeOther)
	if loc := p.Header.Get("Location"); loc != "/complaints/filed" {
		t.Fatalf("complaint redirected to %q", loc)
	}
	p = b.get("/complaints/filed")
	m := complaintNoRe.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no complaint number on the confirmation page\n%s", p.Body)
	}
	return m[1]
}

// substantiate takes a complaint through the regulator's pages to
// "substantiated" with the given severity.
func substantiate(t *testing.T, reg *browser, id, severity string) {
	t.Helper()
	base := "/supervise/complaints/" + id
	reg.get(base)
	for _, step := range []url.Values{{"to": {"accept"}}, {"to": {"investigate"}},
		{"to": {"substantiate"}, "severity": {severity}, "note": {"经现场核查，监测点位与报告不符（内部调查记录甲）"}}} {
		p := reg.post(base+"/move", step)
		wantStatus(t, p, http.StatusSeeOther)
	}
}

// scoreNow runs the daily scoring as of the site's clock.
func (e *env) scoreNow(t testing.TB) {
	t.Helper()
	if _, err := e.Scoring.RunScoring(context.Background(), e.Clock.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
}
