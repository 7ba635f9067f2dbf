package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"time"
)

// StormConfig is a deadline storm: every agency signed up for Project
// quotes in the last Window before its deadline, some replace their quote,
// and a few try just after the deadline.
type StormConfig struct {
	URL      string
	Project  string
	Agencies []string // logins of agencies signed up for the project
	Password string
	Window   time.Duration
	Seed     uint64
}

// StormReport is what the storm measured and what the check found.
type StormReport struct {
	Agencies       int
	Quotes         int // quote requests sent before the deadline
	Acknowledged   int // answered 200 with a receipt
	RefusedInTime  int // sent before the deadline, refused (arrived after it)
	Late           int // sent after the deadline
	LateAccepted   int // sent after the deadline and accepted: must be 0
	Lost           int // acknowledged, but the agency's stored quote is another: must be 0
	Errors         int
	P50, P95, P99  time.Duration
	Deadline       time.Time
	CheckedReceipt int
}

type projectFacts struct {
	Deadline   time.Time `json:"signup_deadline"`
	CeilingFen int64     `json:"ceiling_fen"`
	FloorFen   int64     `json:"floor_fen"`
	State      string    `json:"state"`
}

type receiptOnly struct {
	Receipt string `json:"receipt"`
}

type quoteAttempt struct {
	agency  int
	sent    time.Time
	status  int
	receipt string
	elapsed time.Duration
	err     error
}

// Storm runs a deadline storm and checks it.
func Storm(ctx context.Context, cfg StormConfig, log io.Writer) (StormReport, error) {
	transport := &http.Transport{MaxIdleConnsPerHost: len(cfg.Agencies), MaxConnsPerHost: len(cfg.Agencies)}
	anon := newClient(cfg.URL, transport)
	proj, err := getJSON[projectFacts](ctx, anon, "/api/v1/projects/"+cfg.Project)
	if err != nil {
		return StormReport{}, err
	}
	rep := StormReport{Agencies: len(cfg.Agencies), Deadline: proj.Deadline}
	if proj.State != "open" || time.Until(proj.Deadline) < cfg.Window+5*time.Second {
		return rep, fmt.Errorf("project %s is %s with its deadline at %s: the storm needs an open project whose deadline is more than %s away",
			cfg.Project, proj.State, proj.Deadline.Format(time.RFC3339), cfg.Window+5*time.Second)
	}
	clients := make([]*client, len(cfg.Agencies))
	var wg sync.WaitGroup
	loginErr := make(chan error, len(clients))
	for i, login := range cfg.Agencies {
		clients[i] = newClient(cfg.URL, transport)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := clients[i].login(ctx, login, cfg.Password); err != nil {
				loginErr <- err
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-loginErr:
		return rep, err
	default:
	}
	fmt.Fprintf(log, "%d agencies logged in; storm of %s before %s\n", len(clients), cfg.Window, proj.Deadline.Format(time.RFC3339))

	rng := rand.New(rand.NewPCG(cfg.Seed, 99))
	// Each agency quotes once in the window, a fifth of them again later,
	// and one in twenty tries once more up to two seconds after the deadline.
	type shot struct {
		agency int
		at     time.Time
	}
	var shots []shot
	windowStart := proj.Deadline.Add(-cfg.Window)
	for i := range clients {
		first := windowStart.Add(time.Duration(rng.Int64N(int64(cfg.Window))))
		shots = append(shots, shot{i, first})
		if rng.IntN(5) == 0 {
			shots = append(shots, shot{i, first.Add(time.Duration(rng.Int64N(int64(proj.Deadline.Sub(first)))))})
		}
		if rng.IntN(20) == 0 {
			shots = append(shots, shot{i, proj.Deadline.Add(time.Duration(1 + rng.Int64N(int64(2*time.Second))))})
		}
	}
	attempts := make([]quoteAttempt, len(shots))
	var mu sync.Mutex
	perAgency := make([]sync.Mutex, len(clients)) // one agency's quotes go in order, as from one browser
	for si, s := range shots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Until(s.at))
			perAgency[s.agency].Lock()
			defer perAgency[s.agency].Unlock()
			amount := proj.FloorFen + rng64(cfg.Seed, si, proj.CeilingFen-proj.FloorFen+1)
			sent := time.Now()
			r, err := clients[s.agency].do(ctx, http.MethodPost, "/api/v1/projects/"+cfg.Project+"/quote", map[string]int64{"amount_fen": amount})
			a := quoteAttempt{agency: s.agency, sent: sent, status: r.status, elapsed: r.elapsed, err: err}
			if err == nil && r.status == http.StatusOK {
				var rc struct {
					Receipt string `json:"receipt"`
				}
				if body, err := r.text(); err == nil {
					_ = json.Unmarshal(body, &rc)
				}
				a.receipt = rc.Receipt
			}
			mu.Lock()
			attempts[si] = a
			mu.Unlock()
		}()
	}
	wg.Wait()

	// The check: every agency's stored quote is its last acknowledged one.
	last := map[int]quoteAttempt{}
	var times []time.Duration
	for _, a := range attempts {
		late := a.sent.After(proj.Deadline)
		switch {
		case a.err != nil || a.status >= 500:
			rep.Errors++
		case late:
			rep.Late++
			if a.status == http.StatusOK {
				rep.LateAccepted++
			}
		default:
			rep.Quotes++
			times = append(times, a.elapsed)
			if a.status == http.StatusOK {
				rep.Acknowledged++
			} else {
				rep.RefusedInTime++
			}
		}
		if a.status == http.StatusOK {
			if prev, ok := last[a.agency]; !ok || a.sent.After(prev.sent) {
				last[a.agency] = a
			}
		}
	}
	for agency, a := range last {
		mine, err := getJSON[receiptOnly](ctx, clients[agency], "/api/v1/projects/"+cfg.Project+"/my-quote")
		rep.CheckedReceipt++
		if err != nil || mine.Receipt != a.receipt {
			rep.Lost++
		}
	}
	sort.Slice(times, func(a, b int) bool { return times[a] < times[b] })
	rep.P50, rep.P95, rep.P99 = percentile(times, 50), percentile(times, 95), percentile(times, 99)
	return rep, nil
}

// rng64 is a per-shot random amount, independent of goroutine order.
func rng64(seed uint64, i int, n int64) int64 {
	return rand.New(rand.NewPCG(seed, uint64(i)+1)).Int64N(max(n, 1))
}

// Print writes the storm's figures and verdict.
func (r StormReport) Print(w io.Writer) {
	fmt.Fprintf(w, "deadline %s, %d agencies\n", r.Deadline.Format(time.RFC3339), r.Agencies)
	fmt.Fprintf(w, "quotes sent before the deadline: %d (acknowledged %d, refused %d); p50 %s, p95 %s, p99 %s\n",
		r.Quotes, r.Acknowledged, r.RefusedInTime, ms(r.P50), ms(r.P95), ms(r.P99))
	fmt.Fprintf(w, "sent after the deadline: %d, accepted: %d (must be 0)\n", r.Late, r.LateAccepted)
	fmt.Fprintf(w, "acknowledged quotes checked: %d, lost: %d (must be 0); errors: %d\n", r.CheckedReceipt, r.Lost, r.Errors)
}

// OK reports whether the storm lost nothing and accepted nothing late.
func (r StormReport) OK() bool { return r.Lost == 0 && r.LateAccepted == 0 && r.Errors == 0 }
