package loadtest

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Config is one load run.
type Config struct {
	URL      string
	Duration time.Duration
	Clients  int
	Seed     uint64
	// Kinds restricts the mix to these request kinds (all when empty), e.g.
	// to measure one page's throughput beside a bare endpoint's.
	Kinds []string
	// Agencies and Owners are logins the agencies' and owners' share of the
	// mix acts as (the generator's accounts); Password is theirs.
	Agencies, Owners []string
	Password         string
	// Rate, when above 0, paces the run as an open loop: this many
	// requests per second in all, each due at its time on a schedule the
	// clients share, its latency counted from that time. 0 is a closed
	// loop: each client sends its next request when the last is answered,
	// so at saturation the percentiles are mostly queueing and the rate is
	// whatever the server allows.
	Rate float64
}

// kind is one sort of request and its share of the mix, in percent.
type kind struct {
	name  string
	share int
	who   string // "", "agency" or "owner"
	run   func(ctx context.Context, w *worker) (response, error)
}

// kinds is the realistic mix: 80 % public browsing of the hall, project
// pages and the directory; 15 % agencies looking, signing up and quoting;
// 5 % owners. healthz, a bare JSON endpoint, is the floor to compare
// pages with and is only run when asked for.
var kinds = []kind{
	{"hall-page", 20, "", func(ctx context.Context, w *worker) (response, error) {
		return w.anon.do(ctx, http.MethodGet, fmt.Sprintf("/hall?page=%d", 1+w.rng.IntN(3)), nil)
	}},
	{"hall-api", 15, "", func(ctx context.Context, w *worker) (response, error) {
		return w.anon.do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/projects?state=open&page=%d", 1+w.rng.IntN(3)), nil)
	}},
	{"project-page", 15, "", func(ctx context.Context, w *worker) (response, error) {
		return w.anon.do(ctx, http.MethodGet, "/projects/"+w.project(), nil)
	}},
	{"project-api", 10, "", func(ctx context.Context, w *worker) (response, error) {
		return w.anon.do(ctx, http.MethodGet, "/api/v1/projects/"+w.project(), nil)
	}},
	{"directory-page", 10, "", func(ctx context.Context, w *worker) (response, error) {
		return w.anon.do(ctx, http.MethodGet, "/agencies?"+w.directoryFilter(), nil)
	}},
	{"directory-api", 10, "", func(ctx context.Context, w *worker) (response, error) {
		return w.anon.do(ctx, http.MethodGet, "/api/v1/agencies?"+w.directoryFilter(), nil)
	}},
	{"agency-opportunities", 5, "agency", func(ctx context.Context, w *worker) (response, error) {
		return w.agency.do(ctx, http.MethodGet, "/api/v1/my/opportunities", nil)
	}},
	{"agency-signup", 5, "agency", func(ctx context.Context, w *worker) (response, error) {
		p, ok := w.opportunity(ctx)
		if !ok {
			return response{}, errSkip
		}
		return w.agency.do(ctx, http.MethodPost, "/api/v1/projects/"+p.ID+"/signup", nil)
	}},
	{"agency-quote", 5, "agency", func(ctx context.Context, w *worker) (response, error) {
		p, ok := w.opportunity(ctx)
		if !ok || p.FloorFen == 0 {
			return response{}, errSkip
		}
		amount := p.FloorFen + w.rng.Int64N(p.CeilingFen-p.FloorFen+1)
		return w.agency.do(ctx, http.MethodPost, "/api/v1/projects/"+p.ID+"/quote", map[string]int64{"amount_fen": amount})
	}},
	{"owner-projects", 3, "owner", func(ctx context.Context, w *worker) (response, error) {
		return w.owner.do(ctx, http.MethodGet, "/api/v1/my/projects", nil)
	}},
	{"owner-create", 2, "owner", func(ctx context.Context, w *worker) (response, error) {
		return w.owner.do(ctx, http.MethodPost, "/api/v1/projects", w.draft())
	}},
	{"healthz", 0, "", func(ctx context.Context, w *worker) (response, error) {
		return w.anon.do(ctx, http.MethodGet, "/healthz", nil)
	}},
}

var errSkip = fmt.Errorf("nothing to do")

// worker is one simulated user session loop.
type worker struct {
	rng           *rand.Rand
	anon          *client
	agency, owner *client
	shared        *shared
	opportunities []projectSummary
	fetched       time.Time
}

// shared is what the run discovered before it started.
type shared struct {
	projects []string
	items    []string
	regions  []string
}

// pick draws a kind from the mix by its shares.
func (w *worker) pick(mix []kind, total int) int {
	n := w.rng.IntN(total)
	ki := 0
	for n >= mix[ki].share {
		n -= mix[ki].share
		ki++
	}
	return ki
}

// send draws and makes one request, drawing again when the kind has
// nothing to do (errSkip) so that a paced slot is not left empty; errSkip
// comes back only once ctx is done.
func (w *worker) send(ctx context.Context, mix []kind, total int) (int, response, error) {
	for {
		ki := w.pick(mix, total)
		r, err := mix[ki].run(ctx, w)
		if err != errSkip || ctx.Err() != nil {
			return ki, r, err
		}
	}
}

// sample is one request's outcome.
type sample struct {
	kind    int
	elapsed time.Duration // paced: from the intended send time to the answer
	status  int
	err     bool
	late    bool // paced: started more than lateAfter after its intended time
	cut     bool // paced: sent, but the run ended before the answer
}

func (w *worker) project() string { return w.shared.projects[w.rng.IntN(len(w.shared.projects))] }

func (w *worker) directoryFilter() string {
	v := url.Values{}
	switch w.rng.IntN(4) {
	case 0:
		v.Set("item", w.shared.items[w.rng.IntN(len(w.shared.items))])
	case 1:
		v.Set("item", w.shared.items[w.rng.IntN(len(w.shared.items))])
		v.Set("region", w.shared.regions[w.rng.IntN(len(w.shared.regions))])
	case 2:
		v.Set("q", []string{"工程", "咨询", "测绘", "环境", "检测", "甘肃"}[w.rng.IntN(6)])
	case 3:
		v.Set("grade", []string{"A", "B"}[w.rng.IntN(2)])
		v.Set("page", fmt.Sprint(1+w.rng.IntN(3)))
	}
	return v.Encode()
}

// opportunity is an open project the agency may sign up for, from its
// list fetched at most once a minute.
func (w *worker) opportunity(ctx context.Context) (projectSummary, bool) {
	if time.Since(w.fetched) > time.Minute {
		list, err := getJSON[[]projectSummary](ctx, w.agency, "/api/v1/my/opportunities")
		if err != nil {
			var pg page[projectSummary]
			if pg, err = getJSON[page[projectSummary]](ctx, w.agency, "/api/v1/my/opportunities"); err == nil {
				list = pg.Items
			}
		}
		w.opportunities = w.opportunities[:0]
		for _, p := range list {
			if p.Eligible && p.State == "open" {
				w.opportunities = append(w.opportunities, p)
			}
		}
		w.fetched = time.Now()
	}
	if len(w.opportunities) == 0 {
		return projectSummary{}, false
	}
	return w.opportunities[w.rng.IntN(len(w.opportunities))], true
}

func (w *worker) draft() map[string]any {
	deadline := time.Now().AddDate(0, 0, 14).Truncate(24 * time.Hour).Add(9 * time.Hour) // 17:00 Beijing time
	return map[string]any{"name": fmt.Sprintf("压测草稿项目 %d", w.rng.IntN(1_000_000)), "item_code": w.shared.items[w.rng.IntN(len(w.shared.items))],
		"region": w.shared.regions[w.rng.IntN(len(w.shared.regions))], "funding": "social", "ceiling_fen": 5_000_000,
		"time_limit_days": 5, "method": "random", "signup_deadline": deadline.Format(time.RFC3339),
		"opening_time": deadline.Add(17 * time.Hour).Format(time.RFC3339), "scope": "压测生成的草稿，不发布。"}
}

// Report is what a run measured.
type Report struct {
	Elapsed time.Duration
	Kinds   []KindReport
	Paced   *PaceReport // nil for a closed loop
}

// KindReport is one request kind's figures.
type KindReport struct {
	Name          string
	Count         int
	PerSecond     float64
	P50, P95, P99 time.Duration
	Refused       int // 4xx answers to writes (already signed up, not eligible): the rules at work
	Errors        int // transport errors, 5xx, and any non-200 to a read
}

// Run drives the mix with Clients concurrent users for Duration.
func Run(ctx context.Context, cfg Config, log io.Writer) (Report, error) {
	if err := checkRate(cfg); err != nil {
		return Report{}, err
	}
	transport := &http.Transport{MaxIdleConnsPerHost: cfg.Clients * 3, MaxConnsPerHost: cfg.Clients * 3}
	mix, err := selectKinds(cfg.Kinds)
	if err != nil {
		return Report{}, err
	}
	sh, err := discover(ctx, newClient(cfg.URL, transport))
	if err != nil {
		return Report{}, err
	}
	needs := map[string]bool{}
	for _, k := range mix {
		needs[k.who] = true
	}
	workers := make([]*worker, cfg.Clients)
	for i := range workers {
		w := &worker{rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i))), anon: newClient(cfg.URL, transport), shared: sh}
		if needs["agency"] {
			if len(cfg.Agencies) == 0 {
				return Report{}, fmt.Errorf("the mix has agency requests: give agency logins (--agencies)")
			}
			w.agency = newClient(cfg.URL, transport)
			if err := w.agency.login(ctx, cfg.Agencies[i%len(cfg.Agencies)], cfg.Password); err != nil {
				return Report{}, err
			}
		}
		if needs["owner"] {
			if len(cfg.Owners) == 0 {
				return Report{}, fmt.Errorf("the mix has owner requests: give owner logins (--owners)")
			}
			w.owner = newClient(cfg.URL, transport)
			if err := w.owner.login(ctx, cfg.Owners[i%len(cfg.Owners)], cfg.Password); err != nil {
				return Report{}, err
			}
		}
		workers[i] = w
	}
	pace := ""
	if cfg.Rate > 0 {
		pace = fmt.Sprintf(" at %g requests per second", cfg.Rate)
	}
	fmt.Fprintf(log, "%d clients, %d projects and %d service items found; running %s%s\n", cfg.Clients, len(sh.projects), len(sh.items), cfg.Duration, pace)

	total := 0
	for _, k := range mix {
		total += k.share
	}
	results := make([][]sample, cfg.Clients)
	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()
	var sched *schedule
	if cfg.Rate > 0 {
		sched = newSchedule(start, cfg.Duration, cfg.Rate)
	}
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			send := func(ctx context.Context) (int, response, error) { return w.send(ctx, mix, total) }
			if sched != nil {
				results[i] = sched.run(runCtx, send)
				return
			}
			for runCtx.Err() == nil {
				ki, r, err := send(runCtx)
				if err == errSkip || runCtx.Err() != nil {
					continue
				}
				results[i] = append(results[i], sample{kind: ki, elapsed: r.elapsed, status: r.status, err: err != nil})
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	rep := Report{Elapsed: elapsed}
	if sched != nil {
		// Paced clients stop as soon as no slot is left, up to one
		// interval before the end: the run lasted the schedule's window,
		// or the rates would come out above the one asked for.
		elapsed = max(elapsed, cfg.Duration)
		rep.Elapsed, rep.Paced = elapsed, pacing(cfg.Rate, elapsed, results)
	}
	for ki, k := range mix {
		var times []time.Duration
		kr := KindReport{Name: k.name}
		for _, rs := range results {
			for _, s := range rs {
				if s.kind != ki || s.cut {
					continue
				}
				kr.Count++
				times = append(times, s.elapsed)
				write := k.who != "" && k.name != "agency-opportunities" && k.name != "owner-projects"
				switch {
				case s.err || s.status >= 500:
					kr.Errors++
				case s.status >= 400 && write:
					kr.Refused++
				case s.status != http.StatusOK && !write && s.status != http.StatusNotModified:
					kr.Errors++
				}
			}
		}
		if kr.Count == 0 {
			continue
		}
		sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
		kr.PerSecond = float64(kr.Count) / elapsed.Seconds()
		kr.P50, kr.P95, kr.P99 = percentile(times, 50), percentile(times, 95), percentile(times, 99)
		rep.Kinds = append(rep.Kinds, kr)
	}
	return rep, nil
}

// Print writes the report as a table.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%-22s %8s %9s %9s %9s %9s %8s %7s\n", "kind", "requests", "req/s", "p50", "p95", "p99", "refused", "errors")
	all := 0
	for _, k := range r.Kinds {
		fmt.Fprintf(w, "%-22s %8d %9.1f %9s %9s %9s %8d %7d\n", k.Name, k.Count, k.PerSecond, ms(k.P50), ms(k.P95), ms(k.P99), k.Refused, k.Errors)
		all += k.Count
	}
	fmt.Fprintf(w, "%-22s %8d %9.1f   in %s\n", "all", all, float64(all)/r.Elapsed.Seconds(), r.Elapsed.Round(time.Millisecond))
	if r.Paced != nil {
		r.Paced.print(w)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

func selectKinds(names []string) ([]kind, error) {
	if len(names) == 0 {
		var out []kind
		for _, k := range kinds {
			if k.share > 0 {
				out = append(out, k)
			}
		}
		return out, nil
	}
	var out []kind
	for _, n := range names {
		found := false
		for _, k := range kinds {
			if k.name == strings.TrimSpace(n) {
				k.share = max(k.share, 1)
				out = append(out, k)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown request kind %q", n)
		}
	}
	return out, nil
}

// discover reads what the public can see: projects, service items and regions.
func discover(ctx context.Context, c *client) (*shared, error) {
	sh := &shared{regions: []string{"620102", "620103", "620104", "620105", "620111"}}
	for pg := 1; pg <= 5; pg++ {
		list, err := getJSON[page[projectSummary]](ctx, c, fmt.Sprintf("/api/v1/projects?page=%d&page_size=100", pg))
		if err != nil {
			return nil, fmt.Errorf("is AgencyHall running at %s? %w", c.base, err)
		}
		for _, p := range list.Items {
			sh.projects = append(sh.projects, p.ID)
		}
		if len(list.Items) < 100 {
			break
		}
	}
	items, err := getJSON[page[struct {
		Code string `json:"code"`
	}]](ctx, c, "/api/v1/service-items?page_size=100")
	if err != nil {
		return nil, err
	}
	for _, it := range items.Items {
		sh.items = append(sh.items, it.Code)
	}
	if len(sh.projects) == 0 || len(sh.items) == 0 {
		return nil, fmt.Errorf("no public projects or service items at %s: generate data first (agencyhall gen)", c.base)
	}
	return sh, nil
}
