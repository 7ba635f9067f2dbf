package reports

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/hall"
)

// BenchmarkExportProjects100k exports 100,000 projects from the hall's
// in-memory read model and, in the same run, its floor: one raw pass over
// the same in-memory projects building the same cells, written by a bare
// excelize StreamWriter (no styles, no title, no sorting, the same fast
// compression). It reports both times, their ratio (target ≤ 1.4), the
// resident memory of the loaded read model and the process's peak resident
// memory during each (VmHWM from /proc/self/status, reset before each run).
//
//	go test ./reports -run '^$' -bench ExportProjects100k -benchtime 3x
func BenchmarkExportProjects100k(b *testing.B) {
	const n = 100_000
	fx := newFixture(b, world{gen: testProject, genN: n}, nil)
	runtime.GC()
	debug.FreeOSMemory()
	model := procStatus("VmRSS")
	ctx := context.Background()
	var export, floor time.Duration
	var exportPeak, floorPeak int64
	var ratios []float64
	runExport := func() time.Duration {
		resetPeakRSS()
		t0 := time.Now()
		got, err := fx.svc.Export(ctx, io.Discard, KindProjects, Filters{}, nil)
		d := time.Since(t0)
		if err != nil || got != n {
			b.Fatalf("exported %d rows: %v", got, err)
		}
		exportPeak = max(exportPeak, procStatus("VmHWM"))
		return d
	}
	runFloor := func() time.Duration {
		resetPeakRSS()
		t0 := time.Now()
		got, err := floorExport(fx.svc.Hall, io.Discard)
		d := time.Since(t0)
		if err != nil || got != n {
			b.Fatalf("floor wrote %d rows: %v", got, err)
		}
		floorPeak = max(floorPeak, procStatus("VmHWM"))
		return d
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		// Alternate the order, so neither always runs on a warmer heap.
		var e, f time.Duration
		if i%2 == 0 {
			e, f = runExport(), runFloor()
		} else {
			f, e = runFloor(), runExport()
		}
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
		b.ReportMetric(mb(model), "model-RSS-MB")
		b.ReportMetric(mb(exportPeak), "export-peak-RSS-MB")
		b.ReportMetric(mb(floorPeak), "floor-peak-RSS-MB")
	}
}

// floorExport is the least any export of the projects can do with
// excelize: walk the read model once and stream the same cells.
func floorExport(h *hall.Service, out io.Writer) (int, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return 0, err
	}
	row := make([]any, len(projectColumns))
	n := 0
	var werr error
	h.Each(func(p *hall.Project) {
		if werr != nil {
			return
		}
		clear(row)
		row[0], row[1], row[2], row[3], row[4] = p.ID, p.Name, p.OwnerName, p.ItemCode, p.ItemName
		row[5], row[6], row[7], row[8], row[9] = p.Stage, p.Region, p.Funding.Label(), p.Method.Label(), stateLabels[p.State]
		row[10] = float64(p.CeilingFen) / 100
		if p.Winner != "" {
			row[11] = winnerName(p)
		}
		if c := p.Contract; c != nil {
			row[12] = float64(c.AmountFen) / 100
			if bp, ok := savingsBP(p.CeilingFen, c.AmountFen); ok {
				row[13] = float64(bp) / 10000
			}
			row[16], row[17] = excel.ExcelTime(c.SignedOn), excel.ExcelTime(c.DueAt)
		}
		row[14] = excel.ExcelTime(p.PublishedAt)
		if p.Opening != nil {
			row[15] = excel.ExcelTime(p.Opening.At)
		}
		if d, ok := lastDelivery(p); ok {
			row[18] = excel.ExcelTime(d.At)
		}
		if known, ok := onTime(p, testNow); known && ok {
			row[19] = "是"
		} else if known {
			row[19] = "否"
		}
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		werr = sw.SetRow(cell, row)
	})
	if werr != nil {
		return n, werr
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(out)
		zw.RegisterCompressor(zip.Deflate, func(dst io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(dst, flate.BestSpeed)
		})
		return zw
	})
	_, err = f.WriteToBuffer()
	return n, err
}

// resetPeakRSS returns freed memory to the system and starts VmHWM afresh
// at the resident size left (Linux 4.0 and later), so a peak measures one
// run, not building the test data or what an earlier run left behind.
func resetPeakRSS() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// procStatus reads a size field (VmHWM: the peak resident set size, VmRSS:
// the current one) of /proc/self/status in bytes.
func procStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
