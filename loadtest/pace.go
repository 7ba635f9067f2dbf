package loadtest

import (
	"context"
	"fmt"
	"io"
	"math"
	"sync/atomic"
	"time"
)

// lateAfter is how far behind its intended time a request may start
// before it counts as a late start: past this the pace is the load tool's
// (or the client count's) limit rather than the server's answer.
const lateAfter = 10 * time.Millisecond

// schedule is the open-loop timetable of a paced run: request k is due at
// start + k/rate. The clients share one counter of slots, so a client that
// is free takes the earliest slot no one has taken yet; a client stuck on
// a slow answer never holds up the slots after it while others are idle.
type schedule struct {
	start, end time.Time // no request is due at or after end
	rate       float64   // requests per second, above 0
	taken      atomic.Int64
	// now and sleep are the clock, injected so tests run the schedule on
	// a fake one.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func newSchedule(start time.Time, d time.Duration, rate float64) *schedule {
	return &schedule{start: start, end: start.Add(d), rate: rate, now: time.Now, sleep: sleepCtx}
}

// due is the intended send time of request k. It is computed from k, not
// by adding intervals, so rounding does not drift over a long run.
func (s *schedule) due(k int64) time.Time {
	return s.start.Add(time.Duration(float64(k) / s.rate * float64(time.Second)))
}

// next takes the next slot and waits until it is due, returning the
// intended time. A client that is behind gets a slot already past and
// goes at once. ok is false when the schedule or ctx has ended.
func (s *schedule) next(ctx context.Context) (due time.Time, ok bool) {
	if ctx.Err() != nil {
		return time.Time{}, false
	}
	due = s.due(s.taken.Add(1) - 1)
	if !due.Before(s.end) {
		return time.Time{}, false
	}
	if wait := due.Sub(s.now()); wait > 0 {
		if s.sleep(ctx, wait) != nil {
			return time.Time{}, false
		}
	}
	return due, true
}

// run is one client's paced loop: take a slot, wait for it, send, and
// time the answer from the slot's intended time, so that while the
// server stalls the requests that should have gone out carry the stall
// in their latency (Gil Tene's coordinated omission) instead of quietly
// not being sent. send draws and makes one request and returns its kind.
func (s *schedule) run(ctx context.Context, send func(context.Context) (int, response, error)) []sample {
	var out []sample
	for {
		due, ok := s.next(ctx)
		if !ok {
			return out
		}
		started := s.now()
		ki, r, err := send(ctx)
		if ctx.Err() != nil {
			// The run ended with the request out: it has no latency to
			// record, but it was sent, and a stalled server leaves many.
			if err != errSkip {
				out = append(out, sample{kind: ki, late: started.Sub(due) > lateAfter, cut: true})
			}
			return out
		}
		out = append(out, sample{kind: ki, elapsed: s.now().Sub(due), status: r.status, err: err != nil,
			late: started.Sub(due) > lateAfter})
	}
}

// sleepCtx waits d, or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// checkRate refuses a rate no schedule can follow.
func checkRate(cfg Config) error {
	switch {
	case math.IsNaN(cfg.Rate) || math.IsInf(cfg.Rate, 0) || cfg.Rate < 0:
		return fmt.Errorf("rate %v: give requests per second above 0, or 0 for a closed loop", cfg.Rate)
	case cfg.Rate > 0 && cfg.Clients < 1:
		return fmt.Errorf("a paced run at %v requests per second needs at least one client, not %d", cfg.Rate, cfg.Clients)
	}
	return nil
}

// PaceReport is how well a paced run kept its schedule.
type PaceReport struct {
	Intended   float64 // requests per second asked for
	Achieved   float64 // requests sent per second
	Sent       int
	LateStarts int // sent more than lateAfter after their intended time
	CutOff     int // sent, but the run ended before the answer: not in the percentiles
}

func pacing(rate float64, elapsed time.Duration, results [][]sample) *PaceReport {
	p := &PaceReport{Intended: rate}
	for _, rs := range results {
		for _, s := range rs {
			p.Sent++
			if s.late {
				p.LateStarts++
			}
			if s.cut {
				p.CutOff++
			}
		}
	}
	p.Achieved = float64(p.Sent) / elapsed.Seconds()
	return p
}

func (p PaceReport) print(w io.Writer) {
	fmt.Fprintf(w, "paced: %.1f req/s intended, %.1f req/s sent; %d of %d started more than %s late, %d cut off at the end; latency counts from the intended send time\n",
		p.Intended, p.Achieved, p.LateStarts, p.Sent, lateAfter, p.CutOff)
}
