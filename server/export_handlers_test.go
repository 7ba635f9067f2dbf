package server

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/reports"
)

// exportEnv is the supervision API with the reports, 30 contracted
// projects in the hall and a background threshold of 20 rows.
type exportEnv struct {
	*supEnv
	reports *reports.Service
	awards  map[string]int64 // region prefix → sum of contract amounts
}

func newExportEnv(t *testing.T) *exportEnv {
	t.Helper()
	ctx := context.Background()
	e := &exportEnv{supEnv: newSupEnv(t), awards: map[string]int64{}}
	for i := range 30 {
		pub := bj("2026-11-02 09:00").Add(time.Duration(i) * time.Hour)
		region := []string{"620102", "620502"}[i%2]
		p := hall.Project{ID: fmt.Sprintf("P20261102%04d", i+1), Round: 1, OwnerOrg: "owner:1", OwnerName: "兰州市城市建设投资有限公司",
			Name: fmt.Sprintf("第 %d 号项目", i+1), ItemCode: hallItem, ItemName: "环境影响评价", Stage: "立项", Region: region,
			Funding: hall.FundingSocial, CeilingFen: 50_000_00 + int64(i), Method: hall.MethodRandom, PublishedAt: pub,
			State: hall.StateInService, Winner: "agency:x", Signups: []hall.Signup{{AgencyID: "agency:x", AgencyName: "甘肃测绘院"}},
			Contract: &hall.Contract{AgencyID: "agency:x", AmountFen: 45_000_00 + int64(i*7), SignedOn: pub.Add(96 * time.Hour),
				DueAt: pub.Add(30 * 24 * time.Hour)},
			Timeline:  []hall.Step{{At: pub, Kind: hall.EventPublished}, {At: pub.Add(72 * time.Hour), Kind: hall.EventSelected}},
			CreatedAt: pub, UpdatedAt: pub}
		if err := e.store.Hall().CreateProject(ctx, p); err != nil {
			t.Fatal(err)
		}
		e.awards[""] += p.Contract.AmountFen
		e.awards[region[:4]] += p.Contract.AmountFen
	}
	if err := e.hall.Load(ctx); err != nil {
		t.Fatal(err)
	}
	e.reports = reports.NewService(reports.Config{Hall: e.hall, Scoring: e.sup, Registry: e.registry, Audit: e.store.Audit(),
		Tasks: e.store.ExportTasks(), Blobs: e.files, Now: e.clk.now, BackgroundRows: 20, ProgressEvery: 5})
	e.app = newTestWeb(e.env, e.clk.now, e.hall.PublicGeneration)
	Register(e.app, Deps{Auth: e.auth, Audit: e.audit, Catalog: e.catalog, Registry: e.registry, Files: e.files, Hall: e.hall,
		Scoring: e.sup, Reports: e.reports, Version: "test", Ping: e.store.Ping, Now: e.clk.now})
	return e
}

func workbook(t *testing.T, r resp) *excelize.File {
	t.Helper()
	if ct := r.Header().Get("Content-Type"); ct != xlsxType {
		t.Fatalf("content type %q: %s", ct, r.Body)
	}
	if cd := r.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".xlsx") {
		t.Fatalf("content disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// awardSum adds up the 合同金额 column (M) of a projects export, in fen.
func awardSum(t *testing.T, f *excelize.File) (int64, int) {
	t.Helper()
	rows, _ := f.GetRows("选取项目")
	var sum int64
	for i := 3; i <= len(rows); i++ {
		v, _ := f.GetCellValue("选取项目", fmt.Sprint("M", i), excelize.Options{RawCellValue: true})
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("award M%d = %q", i, v)
		}
		sum += int64(math.Round(x * 100))
	}
	return sum, len(rows) - 2
}

func TestExportsStreamed(t *testing.T) {
	e := newExportEnv(t)
	reg := e.as("reg1", auth.RoleRegulator)
	f := workbook(t, reg.do("GET", "/api/v1/exports/projects.xlsx?region=6205", nil).want(http.StatusOK))
	if sum, n := awardSum(t, f); n != 15 || sum != e.awards["6205"] {
		t.Fatalf("%d rows, awards %d fen; want 15 rows and %d", n, sum, e.awards["6205"])
	}
	title, _ := f.GetCellValue("选取项目", "A1")
	if !strings.Contains(title, "地区：6205（甘肃省）") {
		t.Errorf("title %q", title)
	}
	tests := []struct{ path, sheet string }{
		{"/api/v1/exports/scores.xlsx?grade=A", "信用评分"},
		{"/api/v1/exports/complaints.xlsx?state=submitted", "投诉"},
		{"/api/v1/exports/alerts.xlsx?status=all", "预警"},
		{"/api/v1/exports/sanctions.xlsx?active=true", "处理记录"},
		{"/api/v1/exports/audit.xlsx?actor=reg1", "审计日志"},
		{"/api/v1/reports/monthly.xlsx?month=2026-11&region=6201", reports.SheetKPI},
	}
	for _, tt := range tests {
		f := workbook(t, reg.do("GET", tt.path, nil).want(http.StatusOK))
		if rows, err := f.GetRows(tt.sheet); err != nil || len(rows) < 2 {
			t.Errorf("%s: sheet %s: %d rows, %v", tt.path, tt.sheet, len(rows), err)
		}
	}
	for _, bad := range []struct{ path, field string }{
		{"/api/v1/exports/projects.xlsx?method=auction", "method"},
		{"/api/v1/exports/audit.xlsx?from=2026-11-05&to=2026-11-01", "to"},
		{"/api/v1/reports/monthly.xlsx?month=11/2026", "month"},
		{"/api/v1/reports/monthly.xlsx", "month"},
	} {
		wantFields(t, reg.do("GET", bad.path, nil).want(http.StatusBadRequest), bad.field)
	}

	// Every export is in the audit log, with what it contained.
	recs, _, err := e.audit.List(context.Background(), audit.Filter{Action: "export.", PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range recs {
		actions = append(actions, r.Action)
		if r.ActorID != "reg1" || r.RequestID == "" {
			t.Errorf("audit record %+v", r)
		}
	}
	for _, a := range []string{"export.projects", "export.scores", "export.complaints", "export.alerts", "export.sanctions", "export.audit"} {
		if !slices.Contains(actions, a) {
			t.Errorf("no %s record in %v", a, actions)
		}
	}
	if recs[len(recs)-1].Summary != "导出选取项目与结果 15 行；地区：6205（甘肃省）" {
		t.Errorf("summary %q", recs[len(recs)-1].Summary)
	}
	if recs, _, _ := e.audit.List(context.Background(), audit.Filter{Action: reports.MonthlyAction}); len(recs) != 1 {
		t.Errorf("%d monthly report records", len(recs))
	}
}

func TestExportInTheBackground(t *testing.T) {
	e := newExportEnv(t)
	reg := e.as("reg1", auth.RoleRegulator)
	var task exportTaskDTO
	r := reg.do("GET", "/api/v1/exports/projects.xlsx", nil).want(http.StatusAccepted)
	r.decode(&task)
	if task.State != "queued" || task.RowsTotal != 30 || r.Header().Get("Location") != "/api/v1/exports/tasks/"+task.ID {
		t.Fatalf("202 %s (Location %q)", r.Body, r.Header().Get("Location"))
	}
	e.reports.Wait()
	reg.do("GET", "/api/v1/exports/tasks/"+task.ID, nil).want(http.StatusOK).decode(&task)
	if task.State != "done" || task.Percent != 100 || task.RowsDone != 30 || task.DownloadURL != "/api/v1/exports/tasks/"+task.ID+"/file" {
		t.Fatalf("finished task %+v", task)
	}
	var list []exportTaskDTO
	reg.do("GET", "/api/v1/exports/tasks", nil).want(http.StatusOK).decode(&list)
	if len(list) != 1 || list[0].ID != task.ID {
		t.Fatalf("task list %+v", list)
	}
	f := workbook(t, reg.do("GET", task.DownloadURL, nil).want(http.StatusOK))
	if sum, n := awardSum(t, f); n != 30 || sum != e.awards[""] {
		t.Fatalf("%d rows, awards %d; want 30 and %d", n, sum, e.awards[""])
	}

	// Another regulator learns nothing of it.
	other := e.as("reg2", auth.RoleRegulator)
	other.do("GET", "/api/v1/exports/tasks/"+task.ID, nil).want(http.StatusNotFound)
	other.do("GET", task.DownloadURL, nil).want(http.StatusNotFound)
	var none []exportTaskDTO
	other.do("GET", "/api/v1/exports/tasks", nil).want(http.StatusOK).decode(&none)
	if len(none) != 0 {
		t.Fatalf("reg2 sees %+v", none)
	}

	// The cleanup job's function removes it a day later.
	e.clk.set(e.clk.now().Add(reports.TaskRetention + time.Minute))
	if n, err := e.reports.Cleanup(context.Background()); err != nil || n != 1 {
		t.Fatalf("cleanup: %d, %v", n, err)
	}
	reg.do("GET", "/api/v1/exports/tasks/"+task.ID, nil).want(http.StatusNotFound)
	reg.do("GET", task.DownloadURL, nil).want(http.StatusNotFound)
	if recs, _, _ := e.audit.List(context.Background(), audit.Filter{Action: "export.download"}); len(recs) != 1 {
		t.Errorf("%d download records", len(recs))
	}
}

func TestExportsAreForSupervisorsOnly(t *testing.T) {
	e := newExportEnv(t)
	paths := []string{"/api/v1/exports/projects.xlsx", "/api/v1/exports/scores.xlsx", "/api/v1/exports/complaints.xlsx",
		"/api/v1/exports/alerts.xlsx", "/api/v1/exports/sanctions.xlsx", "/api/v1/exports/audit.xlsx", "/api/v1/exports/tasks",
		"/api/v1/exports/tasks/EX1", "/api/v1/exports/tasks/EX1/file", "/api/v1/reports/monthly.xlsx?month=2026-11"}
	for _, who := range []struct {
		c    *client
		want int
	}{
		{e.as("owner1", auth.RoleOwner), http.StatusForbidden},
		{e.as("agency1", auth.RoleAgency), http.StatusForbidden},
		{e.client(), http.StatusUnauthorized},
	} {
		for _, p := range paths {
			who.c.do("GET", p, nil).want(who.want)
		}
	}
	admin := e.as("admin1", auth.RoleAdmin)
	admin.do("GET", "/api/v1/exports/sanctions.xlsx", nil).want(http.StatusOK)
}
