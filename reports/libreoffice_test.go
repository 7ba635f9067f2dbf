package reports

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLibreOfficeOpensReports converts the projects export and the monthly
// report (its KPI sheet with the charts) to CSV with a real spreadsheet
// program. Like the excel package's, it runs only with EXCEL_LIBREOFFICE=1
// and soffice installed (apt-get install -y libreoffice-calc-nogui).
func TestLibreOfficeOpensReports(t *testing.T) {
	if os.Getenv("EXCEL_LIBREOFFICE") != "1" {
		t.Skip("set EXCEL_LIBREOFFICE=1 to convert reports with LibreOffice")
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed")
	}
	fx := newFixture(t, testWorld(70), nil)
	ctx := context.Background()
	var projects, monthly bytes.Buffer
	if _, err := fx.svc.Export(ctx, &projects, KindProjects, Filters{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := fx.svc.WriteMonthlyReport(ctx, &monthly, "2026-11", ""); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var args []string
	for name, b := range map[string][]byte{"projects.xlsx": projects.Bytes(), "monthly.xlsx": monthly.Bytes()} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	cmd := exec.Command(soffice, append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", dir}, args...)...)
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
	p := read("projects.csv")
	if len(p) != 2+70 || !strings.HasPrefix(p[1], `"项目编号","项目名称","项目业主",`) {
		t.Fatalf("projects.csv: %d lines, header %q", len(p), p[1])
	}
	// P20261001000002: ceiling 102,000.37 yuan, award 101,975.69, savings 0.02 %.
	if !strings.Contains(p[4], `"¥102,000.37","甘肃第2环境咨询有限公司","¥101,975.69",0.02%,`) {
		t.Errorf("project row = %q", p[4])
	}
	m := read("monthly.csv")
	if !strings.Contains(strings.Join(m, "\n"), `"发布选取项目（个）",`) {
		t.Errorf("monthly.csv:\n%s", strings.Join(m, "\n"))
	}
	t.Logf("LibreOffice: %s\n%s", p[1], p[4])
}
