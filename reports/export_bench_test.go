package reports_test

import (
	"context"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
	"github.com/agencyhall/agencyhall/reports"
)

// BenchmarkExportProjects100k exports 100,000 projects stored in the
// embedded engine (the default: FerretDB with SQLite, in this process) and,
// in the same run, its floor: a raw cursor scan of the same documents (no
// decoding) plus a bare excelize StreamWriter writing the same rows from
// memory (no styles, no title, the same fast compression), timed apart and
// added. It reports both times, their ratio (target ≤ 1.4) and the peak
// resident memory of the export (VmHWM from /proc/self/status, reset just
// before it; target < 150 MB): the process holds the engine and whatever
// the export keeps, and nothing else — no read model, since the export
// streams from storage. The floor runs after the export, as its rows held
// in memory would count against the export's peak.
//
//	go test ./reports -run '^$' -bench ExportProjects100k -benchtime 3x
func BenchmarkExportProjects100k(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	srv, err := mongotest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	st := srv.Store(b)
	batch := make([]hall.Project, 0, 1000)
	for i := range n {
		batch = append(batch, reports.BenchProject(i))
		if len(batch) == cap(batch) || i == n-1 {
			if err := st.Hall().PutProjects(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	clock := func() time.Time { return reports.BenchNow }
	h := hall.NewService(hall.Config{Store: st.Hall(), Now: clock})
	svc := reports.NewService(reports.Config{Hall: h, Now: clock})
	runtime.GC()
	debug.FreeOSMemory()
	before := reports.BenchProcStatus("VmRSS")

	var export, floor time.Duration
	var exportPeak int64
	var ratios []float64
	b.ResetTimer()
	for b.Loop() {
		reports.BenchResetPeakRSS()
		t0 := time.Now()
		got, err := svc.Export(ctx, io.Discard, reports.KindProjects, reports.Filters{}, nil)
		e := time.Since(t0)
		if err != nil || got != n {
			b.Fatalf("exported %d rows: %v", got, err)
		}
		exportPeak = max(exportPeak, reports.BenchProcStatus("VmHWM"))

		t0 = time.Now()
		docs := 0
		if err := st.EachRawDocument(ctx, "projects", func([]byte) error { docs++; return nil }); err != nil || docs != n {
			b.Fatalf("raw scan read %d documents: %v", docs, err)
		}
		scan := time.Since(t0)
		rows := reports.BenchFloorRows(n)
		t0 = time.Now()
		if err := reports.BenchFloorWrite(rows, io.Discard); err != nil {
			b.Fatal(err)
		}
		f := scan + time.Since(t0)
		rows = nil
		export, floor = export+e, floor+f
		ratios = append(ratios, float64(e)/float64(f))
	}
	b.StopTimer()
	runs := float64(b.N)
	b.ReportMetric(export.Seconds()*1000/runs, "export-ms")
	b.ReportMetric(floor.Seconds()*1000/runs, "floor-ms")
	b.ReportMetric(float64(export)/float64(floor), "x-floor")
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "median-x-floor")
	mb := func(x int64) float64 { return float64(x) / (1 << 20) }
	if exportPeak > 0 {
		b.ReportMetric(mb(before), "before-RSS-MB")
		b.ReportMetric(mb(exportPeak), "export-peak-RSS-MB")
	}
}
