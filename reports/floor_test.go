package reports

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/excel"
)

// The benchmark of the projects export lives in package reports_test
// (export_bench_test.go): it needs the database, and mongostore imports
// this package. These give it the package's test helpers.
var (
	BenchProject      = testProject
	BenchNow          = testNow
	BenchFloorRows    = floorRows
	BenchFloorWrite   = floorWrite
	BenchResetPeakRSS = resetPeakRSS
	BenchProcStatus   = procStatus
)

// floorRows builds the cells of the projects export for n generated
// projects, in memory, for the floor's writer.
func floorRows(n int) [][]any {
	rows := make([][]any, n)
	for i := range n {
		p := testProject(i)
		row := make([]any, len(projectColumns))
		row[0], row[1], row[2], row[3], row[4] = p.ID, p.Name, p.OwnerName, p.ItemCode, p.ItemName
		row[5], row[6], row[7], row[8], row[9] = p.Stage, p.Region, p.Funding.Label(), p.Method.Label(), stateLabels[p.State]
		row[10] = float64(p.CeilingFen) / 100
		if p.Winner != "" {
			row[11] = winnerName(&p)
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
		if d, ok := lastDelivery(&p); ok {
			row[18] = excel.ExcelTime(d.At)
		}
		if known, ok := onTime(&p, testNow); known && ok {
			row[19] = "是"
		} else if known {
			row[19] = "否"
		}
		rows[i] = row
	}
	return rows
}

// floorWrite is the least any export of these rows can do with excelize:
// stream them into a bare sheet.
func floorWrite(rows [][]any, out io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(out)
		zw.RegisterCompressor(zip.Deflate, func(dst io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(dst, flate.BestSpeed)
		})
		return zw
	})
	_, err = f.WriteToBuffer()
	return err
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
