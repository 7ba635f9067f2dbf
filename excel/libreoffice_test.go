package excel

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLibreOfficeOpensExports converts produced workbooks to CSV with a real
// spreadsheet program. It runs only when EXCEL_LIBREOFFICE=1 and soffice is
// installed (apt-get install -y libreoffice-calc-nogui), so the suite never
// depends on LibreOffice.
func TestLibreOfficeOpensExports(t *testing.T) {
	if os.Getenv("EXCEL_LIBREOFFICE") != "1" {
		t.Skip("set EXCEL_LIBREOFFICE=1 to convert exports with LibreOffice")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed")
	}
	dir := t.TempDir()
	exported := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)

	var catalog, stream bytes.Buffer
	if err := WriteCatalog(&catalog, sampleItems(), exported); err != nil {
		t.Fatal(err)
	}
	if err := writeStream(&stream, 1000); err != nil {
		t.Fatal(err)
	}
	var agencies bytes.Buffer
	if err := WriteAgencyTemplate(&agencies); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"catalog.xlsx": catalog.Bytes(), "stream.xlsx": stream.Bytes(), "agencies.xlsx": agencies.Bytes()}
	var args []string
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	cmd := exec.Command(soffice, append([]string{
		"-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
		"--outdir", dir}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	read := func(name string) []string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	}

	cat := read("catalog.csv")
	if len(cat) != 2+len(sampleItems()) {
		t.Fatalf("catalog.csv has %d lines:\n%s", len(cat), strings.Join(cat, "\n"))
	}
	// The filter options quote text cells, so an unquoted value is a number.
	if !strings.HasPrefix(cat[1], `"事项编码","事项名称","类别","审批阶段",`) {
		t.Errorf("catalog header line = %q", cat[1])
	}
	if !strings.HasPrefix(cat[2], `"001","项目可行性研究报告编制","咨询","立项",`) || !strings.Contains(cat[2], `,"任一","市场调节",30,"是",`) {
		t.Errorf("catalog first item = %q", cat[2])
	}

	ag := read("agencies.csv")
	if len(ag) != 3 || !strings.HasPrefix(ag[1], `"机构名称","统一社会信用代码","注册地区划代码（6 位）",`) ||
		!strings.Contains(ag[2], `"`+exampleUSCC+`"`) {
		t.Errorf("agency template:\n%s", strings.Join(ag, "\n"))
	}

	st := read("stream.csv")
	if len(st) != 1002 {
		t.Fatalf("stream.csv has %d lines", len(st))
	}
	// Row 1 of the data: ceiling 101,000.00 yuan, award 100,950.00, 4 bp,
	// published 2025-01-01 16:01 Shanghai time, on time. Money, percent and
	// date are numbers shown through their formats (the money is quoted by
	// CSV only for its comma).
	want := `1,"XM2025000001","工业园区道路工程地质灾害危险性评估","地质灾害危险性评估","广西某某工程咨询有限公司","¥101,000.00","¥100,950.00",0.04%,2025-01-01 16:01,"是"`
	if st[2] != want {
		t.Errorf("stream row 1 =\n %q\nwant\n %q", st[2], want)
	}
	t.Logf("LibreOffice: %s\n%s\n%s", strings.Join(cat[:3], "\n"), st[1], st[2])
}
