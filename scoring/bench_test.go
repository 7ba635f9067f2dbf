package scoring_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/scoring"
)

// cityEvents makes a city's two years of events: 2,000 agencies, 200,000
// events, with realistic proportions of contracts, deliveries (some late),
// returns, acceptances, evaluations, abandonments and complaints.
func cityEvents(agencies, projects int) []hall.Event {
	rng := rand.New(rand.NewPCG(7, 11))
	start := time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)
	var out []hall.Event
	for p := 0; p < projects; p++ {
		pid := fmt.Sprintf("P%06d", p)
		ag := fmt.Sprintf("agency:%04d", rng.IntN(agencies))
		at := start.Add(time.Duration(rng.IntN(700*24)) * time.Hour)
		due := at.Add(time.Duration(10+rng.IntN(40)) * 24 * time.Hour)
		deliv := due.Add(time.Duration(rng.IntN(20*24)-16*24) * time.Hour)
		add := func(kind string, t time.Time, data map[string]string) {
			out = append(out, hall.Event{ID: fmt.Sprintf("%s:%02d", pid, len(out)%100), Kind: kind, ProjectID: pid, AgencyID: ag, At: t, Data: data})
		}
		for i := 0; i < 3; i++ {
			add(hall.EventSignedUp, at.Add(-time.Duration(i+1)*24*time.Hour), nil)
		}
		add(hall.EventSelected, at.Add(-time.Hour), nil)
		add(hall.EventContracted, at, map[string]string{"due_at": due.Format(time.RFC3339)})
		if rng.IntN(10) == 0 {
			add(hall.EventReturnedDelivery, deliv.Add(-48*time.Hour), nil)
		}
		add(hall.EventDelivered, deliv, map[string]string{"due_at": due.Format(time.RFC3339)})
		add(hall.EventAccepted, deliv.Add(72*time.Hour), nil)
		add(hall.EventEvaluated, deliv.Add(120*time.Hour), map[string]string{"stars_sum": fmt.Sprint(12 + rng.IntN(14))})
		if rng.IntN(40) == 0 {
			add(hall.EventAbandoned, at.Add(-30*time.Minute), nil)
		}
	}
	return out
}

// BenchmarkScoringCity scores a city-scale dataset (2,000 agencies,
// 200,000 events) on the embedded engine and, in the same run, times a raw
// cursor scan of the same events: the floor any streaming scorer stands on.
//
//	go test -run '^$' -bench ScoringCity -benchtime 1x ./scoring/
func BenchmarkScoringCity(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	events := cityEvents(2000, 200_000/8)
	for i := 0; i < len(events); i += 5000 {
		if err := f.store.Hall().PutEvents(ctx, events[i:min(i+5000, len(events))]); err != nil {
			b.Fatal(err)
		}
	}
	asOf := time.Date(2026, 11, 26, 16, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// The raw scan runs before and after the scoring pass; the faster
		// one counts, so neither pass profits from a warmer cache.
		n := 0
		rawScan := func() time.Duration {
			start := time.Now()
			n = 0
			if err := f.store.Scoring().EachEvent(ctx, func(hall.Event) error { n++; return nil }); err != nil {
				b.Fatal(err)
			}
			return time.Since(start)
		}
		scan := rawScan()
		start := time.Now()
		eng := scoring.NewEngine()
		f.store.Scoring().EachEvent(ctx, func(e hall.Event) error { eng.Add(e); return nil })
		for _, a := range eng.Agencies() {
			eng.Scorecard(a, scoring.DefaultRules(), nil, asOf)
		}
		engine := time.Since(start)
		scan = min(scan, rawScan())
		start = time.Now()
		scored, err := f.svc.RunScoring(ctx, asOf)
		if err != nil {
			b.Fatal(err)
		}
		full := time.Since(start)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(n), "events")
		b.ReportMetric(scan.Seconds(), "scan-s")
		b.ReportMetric(engine.Seconds(), "stream+score-s")
		b.ReportMetric(100*scan.Seconds()/engine.Seconds(), "speed-%-of-scan")
		b.ReportMetric(full.Seconds(), "run-with-snapshots-s")
		b.ReportMetric(float64(scored), "agencies")
		b.ReportMetric(float64(ms.Sys)/(1<<20), "go-sys-MiB")
		b.ReportMetric(peakRSSMiB(), "peak-rss-MiB")
	}
}

// peakRSSMiB reads the process's peak resident set (VmHWM) on Linux.
func peakRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb / 1024
		}
	}
	return 0
}
