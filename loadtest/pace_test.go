package loadtest

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// fakeClock is the schedule's clock in tests: sleeping moves it on at
// once, and so does a fake request, by its service time.
type fakeClock struct {
	t     time.Time
	slept []time.Duration
}

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.slept = append(c.slept, d)
	c.t = c.t.Add(d)
	return nil
}

func fakeSchedule(c *fakeClock, d time.Duration, rate float64) *schedule {
	s := newSchedule(c.t, d, rate)
	s.now, s.sleep = c.now, c.sleep
	return s
}

// The intended times are start + k/rate, whatever the rate, and a client
// that keeps up sleeps exactly the gaps between them.
func TestScheduleIntendedTimes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rate     float64
		duration time.Duration
		want     []time.Duration // after start
	}{
		{"four a second", 4, time.Second, []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond, 750 * time.Millisecond}},
		{"a third of a second apart", 3, time.Second, []time.Duration{0, 333333333, 666666666}},
		{"slower than one a second", 0.5, 5 * time.Second, []time.Duration{0, 2 * time.Second, 4 * time.Second}},
		{"none due before the end", 1, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeClock{t: t0}
			s := fakeSchedule(c, tc.duration, tc.rate)
			var got, gaps []time.Duration
			for {
				due, ok := s.next(context.Background())
				if !ok {
					break
				}
				if !c.t.Equal(due) {
					t.Errorf("slot due at %s handed out at %s", due.Sub(t0), c.t.Sub(t0))
				}
				if len(got) > 0 {
					gaps = append(gaps, due.Sub(t0)-got[len(got)-1])
				}
				got = append(got, due.Sub(t0))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("intended times %v, want %v", got, tc.want)
			}
			if !slices.Equal(c.slept, gaps) {
				t.Errorf("slept %v, want the gaps %v", c.slept, gaps)
			}
		})
	}
}

// One client under the schedule: each request is timed from its intended
// send time, so a stall shows in the requests that queued behind it; a
// client behind schedule sends at once; a request out when the run ends
// is counted but has no latency.
func TestPacedLatencyCountsFromIntendedTime(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name     string
		duration time.Duration // at 100 requests a second: a slot every 10 ms
		service  []time.Duration
		cancelAt int // the run ends during this request (1-based); 0 never
		want     []sample
		slept    []time.Duration
	}{
		{name: "keeps pace", duration: 40 * ms, service: []time.Duration{ms, ms, ms, ms},
			want:  []sample{{kind: 0, elapsed: ms}, {kind: 1, elapsed: ms}, {kind: 2, elapsed: ms}, {kind: 3, elapsed: ms}},
			slept: []time.Duration{9 * ms, 9 * ms, 9 * ms}},
		// Request 1 takes 50 ms; 2 and 3, due at 20 and 30 ms, go out at
		// once when it returns at 60 ms, and carry the wait.
		{name: "a stall shows in the requests behind it", duration: 40 * ms, service: []time.Duration{ms, 50 * ms, ms, ms},
			want: []sample{{kind: 0, elapsed: ms}, {kind: 1, elapsed: 50 * ms},
				{kind: 2, elapsed: 41 * ms, late: true}, {kind: 3, elapsed: 32 * ms, late: true}},
			slept: []time.Duration{9 * ms}},
		{name: "exactly the late threshold is on time", duration: 30 * ms, service: []time.Duration{ms, 20 * ms, ms},
			want:  []sample{{kind: 0, elapsed: ms}, {kind: 1, elapsed: 20 * ms}, {kind: 2, elapsed: 11 * ms}},
			slept: []time.Duration{9 * ms}},
		{name: "the run ends with a request out", duration: 40 * ms, service: []time.Duration{ms, 15 * ms, ms, ms}, cancelAt: 3,
			want:  []sample{{kind: 0, elapsed: ms}, {kind: 1, elapsed: 15 * ms}, {kind: 2, cut: true}},
			slept: []time.Duration{9 * ms}},
		{name: "the run has ended before the first slot", duration: 40 * ms, service: []time.Duration{ms}, cancelAt: -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeClock{t: t0}
			s := fakeSchedule(c, tc.duration, 100)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancelAt < 0 {
				cancel()
			}
			calls := 0
			send := func(ctx context.Context) (int, response, error) {
				ki := calls
				calls++
				c.t = c.t.Add(tc.service[ki])
				if calls == tc.cancelAt {
					cancel()
					return ki, response{}, ctx.Err()
				}
				return ki, response{}, nil
			}
			got := s.run(ctx, send)
			if !slices.Equal(got, tc.want) {
				t.Errorf("samples\n %+v\nwant\n %+v", got, tc.want)
			}
			if !slices.Equal(c.slept, tc.slept) {
				t.Errorf("slept %v, want %v", c.slept, tc.slept)
			}
		})
	}
}

// Clients share the schedule: every slot before the end goes to exactly
// one of them, each client's in order, none after the end.
func TestScheduleHandsEachSlotOutOnce(t *testing.T) {
	const clients, rate = 4, 1000
	s := newSchedule(t0, time.Second, rate)
	s.now = func() time.Time { return t0 }                              // every slot but the first is ahead,
	s.sleep = func(context.Context, time.Duration) error { return nil } // and waiting for it takes no time
	got := make([][]time.Time, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				due, ok := s.next(context.Background())
				if !ok {
					return
				}
				got[i] = append(got[i], due)
			}
		}()
	}
	wg.Wait()
	seen := map[time.Time]int{}
	for i, dues := range got {
		if !slices.IsSortedFunc(dues, time.Time.Compare) {
			t.Errorf("client %d took its slots out of order", i)
		}
		for _, d := range dues {
			seen[d]++
		}
	}
	if len(seen) != rate {
		t.Errorf("%d distinct slots handed out, want %d", len(seen), rate)
	}
	for k := range int64(rate) {
		if n := seen[s.due(k)]; n != 1 {
			t.Errorf("slot %d handed out %d times", k, n)
		}
	}
}

func TestCheckRate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     Config
		refused bool
	}{
		{"closed loop", Config{Clients: 50}, false},
		{"closed loop without clients, as before", Config{}, false},
		{"paced", Config{Clients: 8, Rate: 200}, false},
		{"paced below one a second", Config{Clients: 1, Rate: 0.25}, false},
		{"negative", Config{Clients: 8, Rate: -1}, true},
		{"not a number", Config{Clients: 8, Rate: math.NaN()}, true},
		{"infinite", Config{Clients: 8, Rate: math.Inf(1)}, true},
		{"paced without clients", Config{Rate: 10}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := checkRate(tc.cfg); (err != nil) != tc.refused {
				t.Errorf("checkRate(%+v) = %v, want refused %v", tc.cfg, err, tc.refused)
			}
		})
	}
}

// A paced report says the intended and achieved rates and the late
// starts under the usual table; a closed loop's says nothing of pacing.
func TestReportPrintsPacing(t *testing.T) {
	results := [][]sample{
		{{kind: 0, elapsed: time.Millisecond}, {kind: 0, elapsed: 30 * time.Millisecond, late: true}},
		{{kind: 0, elapsed: 2 * time.Millisecond}, {kind: 0, late: true, cut: true}},
	}
	paced := pacing(3, 2*time.Second, results)
	if want := (PaceReport{Intended: 3, Achieved: 2, Sent: 4, LateStarts: 2, CutOff: 1}); *paced != want {
		t.Errorf("pacing %+v, want %+v", *paced, want)
	}
	kinds := []KindReport{{Name: "hall-page", Count: 3, PerSecond: 1.5, P50: time.Millisecond}}
	for _, tc := range []struct {
		name      string
		rep       Report
		want, not []string
	}{
		{"closed", Report{Elapsed: 2 * time.Second, Kinds: kinds}, []string{"p95", "hall-page"}, []string{"paced"}},
		{"paced", Report{Elapsed: 2 * time.Second, Kinds: kinds, Paced: paced},
			[]string{"p95", "hall-page", "3.0 req/s intended", "2.0 req/s sent", "2 of 4 started more than 10ms late", "1 cut off"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			tc.rep.Print(&out)
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("no %q in\n%s", w, out.String())
				}
			}
			for _, w := range tc.not {
				if strings.Contains(out.String(), w) {
					t.Errorf("%q in\n%s", w, out.String())
				}
			}
		})
	}
}
