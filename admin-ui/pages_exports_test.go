package adminui_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/reports"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// wantWorkbook checks a download is a workbook with the sheet.
func wantWorkbook(t *testing.T, p page, sheet string) {
	t.Helper()
	wantStatus(t, p, http.StatusOK)
	if ct := p.Header.Get("Content-Type"); ct != xlsxType {
		t.Fatalf("content type %q", ct)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(p.Body)))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		t.Fatalf("no sheet %s in %v", sheet, f.GetSheetList())
	}
}

var taskFileRe = regexp.MustCompile(`href="(/supervise/exports/tasks/EX[0-9a-f]+/file)"`)

func TestExportsPage(t *testing.T) {
	testBackgroundRows = 1 // the audit log soon holds more: the login and the exports below
	e := newEnv(t)
	testBackgroundRows = 0
	e.regulator("reg1")
	reg := e.browser()
	reg.login("reg1", testPassword)

	p := reg.get("/supervise/exports")
	wantStatus(t, p, http.StatusOK)
	wantContains(t, p, `href="/supervise/exports"`, "月度运行报告", `action="/supervise/reports/monthly.xlsx"`, "最近 24 小时内没有后台导出")
	for _, k := range reports.Kinds {
		wantContains(t, p, `action="/supervise/exports/`+string(k)+`.xlsx"`, k.Label())
	}

	// Small exports download at once.
	wantWorkbook(t, reg.get("/supervise/exports/sanctions.xlsx?active=true"), "处理记录")
	wantWorkbook(t, reg.get("/supervise/exports/projects.xlsx?region=6201&month=2026-11&state=open"), "选取项目")
	wantWorkbook(t, reg.get("/supervise/reports/monthly.xlsx?month=2026-11&region=620100"), reports.SheetKPI)

	// Wrong filters come back to the page with the reason.
	bad := reg.get("/supervise/reports/monthly.xlsx?month=2026-13")
	wantStatus(t, bad, http.StatusSeeOther)
	wantContains(t, reg.get("/supervise/exports"), "月度运行报告：月份格式应为 YYYY-MM")
	wantStatus(t, reg.get("/supervise/exports/projects.xlsx?method=auction"), http.StatusSeeOther)
	wantContains(t, reg.get("/supervise/exports"), "选取项目与结果的筛选条件有误")

	// A large export runs in the background; the page shows it and its file.
	started := reg.get("/supervise/exports/audit.xlsx")
	wantStatus(t, started, http.StatusSeeOther)
	if loc := started.Header.Get("Location"); loc != "/supervise/exports#tasks" {
		t.Fatalf("redirected to %q", loc)
	}
	e.Reports.Wait()
	p = reg.get("/supervise/exports")
	wantContains(t, p, "已转入后台生成", "审计日志", "已完成 100%")
	m := taskFileRe.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no download link\n%s", p.Body)
	}
	wantWorkbook(t, reg.get(m[1]), "审计日志")

	// An unfinished task makes the list poll; the fragment answers htmx only.
	ctx := context.Background()
	if err := e.Reports.Tasks.CreateTask(ctx, reports.Task{ID: "EXrunning", Kind: reports.KindProjects, Owner: "reg1",
		State: reports.TaskRunning, Done: 250, Total: 1000, Created: time.Now(), Updated: time.Now()}); err != nil {
		t.Fatal(err)
	}
	p = reg.get("/supervise/exports")
	wantContains(t, p, `hx-get="/supervise/exports/tasks" hx-trigger="every 2s"`, `<progress max="100" value="25"`, "生成中 25%")
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/supervise/exports/tasks", nil)
	req.Header.Set("HX-Request", "true")
	frag := reg.do(req)
	wantStatus(t, frag, http.StatusOK)
	wantContains(t, frag, `id="export-tasks"`, `value="25"`)
	wantNotContains(t, frag, "<html")
	wantStatus(t, reg.get("/supervise/exports/tasks"), http.StatusSeeOther)

	// Nobody else sees the file.
	e.regulator("reg2")
	other := e.browser()
	other.login("reg2", testPassword)
	wantStatus(t, other.get(m[1]), http.StatusNotFound)
	wantContains(t, other.get("/supervise/exports"), "最近 24 小时内没有后台导出")
}

func TestExportsPageNeedsASupervisor(t *testing.T) {
	e := newEnv(t)
	e.registerOrg(auth.OrgAgency, "agency1", "甘肃陇原环境咨询有限公司", "91620102MA72PB6R1")
	e.registerOrg(auth.OrgOwner, "owner1", "兰州市城市建设投资有限公司", "91620102MA71XK3L0")
	for _, login := range []string{"agency1", "owner1"} {
		b := e.browser()
		b.login(login, testPassword)
		for _, path := range []string{"/supervise/exports", "/supervise/exports/projects.xlsx", "/supervise/reports/monthly.xlsx?month=2026-11"} {
			wantStatus(t, b.get(path), http.StatusForbidden)
		}
	}
}
