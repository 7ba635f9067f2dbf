package hall_test

import (
	"context"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/hall"
)

// BenchmarkSubmitQuote measures one sealed quote on a project with 300
// sign-ups on the embedded database, sequentially.
func BenchmarkSubmitQuote(b *testing.B) {
	f := newFixture(b, 300)
	ctx := context.Background()
	p := f.published(b, hall.MethodLowest, hall.FundingSocial)
	for i := 0; i < 300; i++ {
		if _, err := f.svc.SignUp(ctx, agent(i), p.ID); err != nil {
			b.Fatal(err)
		}
	}
	f.clk.set(p.SignupDeadline.Add(-time.Hour))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.svc.SubmitQuote(ctx, agent(i%300), p.ID, int64(200_000_00+i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeadlineStorm is the deadline storm on the embedded
// engine: 300 agencies each submit one sealed quote at a random moment in
// the last 10 seconds before the deadline (the clock follows real time).
// It reports the p50/p95/p99 latency of acknowledged submissions, how many
// acknowledged quotes are missing from the opening (must be 0) and how many
// quotes time-stamped after the deadline were accepted (must be 0).
//
//	go test -run '^$' -bench DeadlineStorm -benchtime 1x ./hall/
func BenchmarkDeadlineStorm(b *testing.B) {
	const n = 300
	for iter := 0; iter < b.N; iter++ {
		f := newFixture(b, n)
		ctx := context.Background()
		in := f.input(hall.MethodLowest, hall.FundingSocial)
		in.OpeningTime = in.SignupDeadline
		p, err := f.svc.Create(ctx, f.owner, "x", in)
		if err != nil {
			b.Fatal(err)
		}
		if p, err = f.svc.Publish(ctx, f.owner, p.ID); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < n; i++ {
			if _, err := f.svc.SignUp(ctx, agent(i), p.ID); err != nil {
				b.Fatal(err)
			}
		}
		deadline := p.SignupDeadline
		realStart := time.Now()
		f.clk.set(deadline.Add(-10 * time.Second))
		stopClock := make(chan struct{})
		go func() {
			for {
				select {
				case <-stopClock:
					return
				case <-time.After(time.Millisecond):
					f.clk.set(deadline.Add(-10*time.Second + time.Since(realStart)))
				}
			}
		}()
		rng := rand.New(rand.NewPCG(uint64(iter), 99))
		offsets := make([]time.Duration, n)
		for i := range offsets {
			offsets[i] = time.Duration(rng.Int64N(int64(10 * time.Second)))
		}
		lat := make([]time.Duration, n)
		receipts := make([]string, n)
		var wg sync.WaitGroup
		b.ResetTimer()
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				time.Sleep(time.Until(realStart.Add(offsets[i]))) // the agency's own moment to quote
				start := time.Now()
				r, err := f.svc.SubmitQuote(ctx, agent(i), p.ID, int64(200_000_00+i))
				lat[i] = time.Since(start)
				if err == nil {
					receipts[i] = r.Receipt
				}
			}(i)
		}
		wg.Wait()
		b.StopTimer()
		f.clk.set(deadline.Add(time.Second))
		close(stopClock)
		opened, err := f.svc.OpenIfDue(ctx, p.ID)
		if err != nil {
			b.Fatal(err)
		}
		inRecord := map[string]hall.OpenedBid{}
		for _, bid := range opened.Opening.Bids {
			inRecord[bid.AgencyID] = bid
		}
		missing, late, acked := 0, 0, 0
		var ackLat []time.Duration
		for i := 0; i < n; i++ {
			if receipts[i] == "" {
				continue
			}
			acked++
			ackLat = append(ackLat, lat[i])
			bid, ok := inRecord[agent(i).OrgID]
			if !ok || bid.Receipt != receipts[i] {
				missing++
			}
			if ok && !bid.At.Before(deadline) {
				late++
			}
		}
		sort.Slice(ackLat, func(i, j int) bool { return ackLat[i] < ackLat[j] })
		q := func(p float64) float64 {
			if len(ackLat) == 0 {
				return 0
			}
			return float64(ackLat[min(len(ackLat)-1, int(p*float64(len(ackLat))))].Microseconds()) / 1000
		}
		b.ReportMetric(float64(acked), "acked")
		b.ReportMetric(float64(missing), "missing")
		b.ReportMetric(float64(late), "late-accepted")
		b.ReportMetric(q(0.50), "p50-ms")
		b.ReportMetric(q(0.95), "p95-ms")
		b.ReportMetric(q(0.99), "p99-ms")
	}
}
