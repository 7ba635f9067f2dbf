package adminui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/reports"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// 报表导出: the regulators' Excel exports with their filters, their own
// background exports with a progress bar (htmx polls the list while one is
// unfinished; without JavaScript a reload shows the progress), and the
// monthly operations report.

// exportRoutes declares the export pages (called from routes.go).
func (u *ui) exportRoutes(app *web.App) {
	supervisors := web.Roles(auth.RoleRegulator, auth.RoleAdmin)
	routes := []web.Route{
		{Method: http.MethodGet, Path: "/supervise/exports", Access: supervisors, Summary: "报表导出", Handler: u.exportsPage},
		{Method: http.MethodGet, Path: "/supervise/exports/tasks", Access: supervisors, Summary: "我的后台导出（进度刷新）", Handler: u.exportTasksPartial},
		{Method: http.MethodGet, Path: "/supervise/exports/tasks/:id/file", Access: supervisors, Summary: "下载后台导出的文件",
			Action: "export.download", Handler: u.exportTaskFile},
		{Method: http.MethodGet, Path: "/supervise/reports/monthly.xlsx", Access: supervisors, Summary: "下载月度运行报告",
			Action: reports.MonthlyAction, Handler: u.monthlyReport},
	}
	for _, k := range reports.Kinds {
		routes = append(routes, web.Route{Method: http.MethodGet, Path: "/supervise/exports/" + string(k) + ".xlsx", Access: supervisors,
			Summary: "导出" + k.Label(), Action: k.Action(), Handler: u.exportKind(k)})
	}
	for _, r := range routes {
		r.Page = true
		r.Tag = "页面"
		app.Handle(r)
	}
}

// reportsSidebar is the export page's sidebar entry.
func reportsSidebar(r auth.Role) []navItem {
	if r == auth.RoleRegulator || r == auth.RoleAdmin {
		return []navItem{{"exports", "报表导出", "/supervise/exports"}}
	}
	return nil
}

// exportField is one filter of an export form.
type exportField struct {
	Name, Label, Type, Hint string // Type: text, select, month, date, checkbox
	Options                 [][2]string
}

type exportForm struct {
	Kind   reports.Kind
	Label  string
	Note   string
	Fields []exportField
}

type exportsPage struct {
	Forms     []exportForm
	Tasks     exportTaskList
	Month     string
	Region    string
	Threshold int
}

// exportTaskList is the user's background exports; Pending makes htmx poll.
type exportTaskList struct {
	Tasks   []reports.Task
	Pending bool
}

func options(pairs ...string) [][2]string {
	out := [][2]string{{"", "全部"}}
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, [2]string{pairs[i], pairs[i+1]})
	}
	return out
}

func exportForms() []exportForm {
	var states, methods, complaintStates, stages []string
	for _, s := range hall.AllStates {
		states = append(states, string(s), s.Label())
	}
	for _, m := range hall.Methods {
		methods = append(methods, string(m), m.Label())
	}
	for _, s := range []scoring.ComplaintState{scoring.ComplaintSubmitted, scoring.ComplaintAccepted, scoring.ComplaintInvestigating,
		scoring.ComplaintSubstantiated, scoring.ComplaintUnsubstantiated, scoring.ComplaintRejected, scoring.ComplaintWithdrawn} {
		complaintStates = append(complaintStates, string(s), s.Label())
	}
	for _, s := range registry.Stages {
		stages = append(stages, string(s), string(s))
	}
	region := exportField{Name: "region", Label: "地区", Type: "text", Hint: "行政区划代码或前缀，如 6201"}
	month := func(label string) exportField { return exportField{Name: "month", Label: label, Type: "month"} }
	return []exportForm{
		{Kind: reports.KindProjects, Note: "项目编号、业主、服务事项、选取方式、中选机构、最高限价、合同金额、节资率、各环节时间和是否按期。", Fields: []exportField{
			region, {Name: "state", Label: "状态", Type: "select", Options: options(states...)},
			{Name: "method", Label: "选取方式", Type: "select", Options: options(methods...)},
			{Name: "funding", Label: "资金来源", Type: "select", Options: options("fiscal", "财政资金", "social", "社会资金")},
			{Name: "stage", Label: "审批阶段", Type: "select", Options: options(stages...)},
			{Name: "item", Label: "服务事项编码", Type: "text"}, month("发布月份")}},
		{Kind: reports.KindScores, Note: "评分汇总表（信用分、等级、评分日期）和加减分明细表（规则、来源、分值、是否已撤销）。", Fields: []exportField{
			region, {Name: "grade", Label: "信用等级", Type: "select", Options: options("A", "A", "B", "B", "C", "C", "D", "D")}}},
		{Kind: reports.KindComplaints, Note: "投诉人、被投诉对象、事项、办理状态、认定结论和各环节时间；不含公众投诉人的联系电话。", Fields: []exportField{
			{Name: "state", Label: "状态", Type: "select", Options: options(complaintStates...)}, month("提交月份")}},
		{Kind: reports.KindAlerts, Note: "预警类型、级别、对象、责任方、发出、确认和关闭情况。", Fields: []exportField{
			{Name: "status", Label: "范围", Type: "select", Options: [][2]string{{"open", "未关闭"}, {"all", "全部（含已关闭）"}}},
			{Name: "level", Label: "级别", Type: "select", Options: options(scoring.Yellow, "黄牌", scoring.Red, "红牌")}}},
		{Kind: reports.KindSanctions, Note: "警告、暂停、黑名单的事由、依据、期限和解除情况。", Fields: []exportField{
			{Name: "active", Label: "只导出正在执行的", Type: "checkbox"}}},
		{Kind: reports.KindAudit, Note: "审计链上的记录，按序号排列，含操作人、动作、对象、摘要和记录哈希。", Fields: []exportField{
			{Name: "actor", Label: "操作人登录名", Type: "text"}, {Name: "action", Label: "动作前缀", Type: "text", Hint: "如 project. 或 complaint.move"},
			{Name: "from", Label: "起始日期", Type: "date"}, {Name: "to", Label: "截止日期（含）", Type: "date"}}},
	}
}

func (u *ui) needReports(c *gin.Context) bool {
	if u.Reports == nil {
		web.Fail(c, apperr.Unavailable(errors.New("adminui: Deps.Reports is nil")))
		return false
	}
	return true
}

func (u *ui) exportTaskList(c *gin.Context) (exportTaskList, error) {
	tasks, err := u.Reports.RecentTasks(c.Request.Context(), web.PrincipalOf(c).UserID, 10)
	l := exportTaskList{Tasks: tasks}
	for _, t := range tasks {
		if !t.State.Finished() {
			l.Pending = true
		}
	}
	return l, err
}

func (u *ui) exportsPage(c *gin.Context) {
	if !u.needReports(c) {
		return
	}
	tasks, err := u.exportTaskList(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := exportsPage{Forms: exportForms(), Tasks: tasks, Month: lastMonth(u.Now()), Region: u.Region, Threshold: u.Reports.BackgroundRows}
	for i := range p.Forms {
		p.Forms[i].Label = p.Forms[i].Kind.Label()
	}
	u.render(c, http.StatusOK, "sup_exports", view{Title: "报表导出", Section: "exports", Data: p})
}

// lastMonth is the month before now's, the usual one to report on.
func lastMonth(now time.Time) string {
	t := now.In(registry.Shanghai)
	return time.Date(t.Year(), t.Month()-1, 1, 0, 0, 0, 0, registry.Shanghai).Format("2006-01")
}

// exportTasksPartial is the task list alone, for htmx's polling.
func (u *ui) exportTasksPartial(c *gin.Context) {
	if !u.needReports(c) {
		return
	}
	if c.GetHeader("HX-Request") == "" {
		redirect(c, "/supervise/exports#tasks")
		return
	}
	tasks, err := u.exportTaskList(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := u.pages["sup_exports"].ExecuteTemplate(&buf, "export-tasks", tasks); err != nil {
		web.Fail(c, err)
		return
	}
	writePage(c, http.StatusOK, buf.Bytes())
}

// fieldMessage is the first field error of an invalid query, for a flash.
func fieldMessage(err error) string {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		return err.Error()
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return e.Fields[keys[0]]
}

// exportKind streams an export, or starts it in the background and goes
// back to the export page where its progress shows.
func (u *ui) exportKind(k reports.Kind) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !u.needReports(c) {
			return
		}
		ctx := c.Request.Context()
		f, err := reports.ParseFilters(k, c.Query)
		if apperr.Is(err, apperr.KindInvalid) {
			u.setFlash(c, "error", k.Label()+"的筛选条件有误："+fieldMessage(err))
			redirect(c, "/supervise/exports")
			return
		}
		n, err := u.Reports.Count(ctx, k, f)
		if err != nil {
			web.Fail(c, err)
			return
		}
		if u.Reports.Background(n) {
			t, err := u.Reports.Start(ctx, web.PrincipalOf(c).UserID, k, f, n)
			if err != nil {
				web.Fail(c, err)
				return
			}
			auditExport(c, "export:"+t.ID, fmt.Sprintf("后台导出%s（约 %d 行）；%s", k.Label(), n, f.Describe(k)))
			u.setFlash(c, "ok", fmt.Sprintf("%s约 %s 行，已转入后台生成。完成后可在“我的后台导出”中下载，文件保留 24 小时。", k.Label(), formatCount(n)))
			redirect(c, "/supervise/exports#tasks")
			return
		}
		download(c, reports.FileName(k, u.Now()))
		rows, err := u.Reports.Export(ctx, c.Writer, k, f, nil)
		if err != nil {
			failDownload(c, err)
			return
		}
		auditExport(c, "export:"+string(k), fmt.Sprintf("导出%s %d 行；%s", k.Label(), rows, f.Describe(k)))
	}
}

func download(c *gin.Context, name string) {
	h := c.Writer.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("Content-Disposition", contentDisposition("attachment", name))
	h.Set("Cache-Control", "no-store")
}

// failDownload shows an error page before the first byte of a workbook;
// after it the download can only end short, and the log says why.
func failDownload(c *gin.Context, err error) {
	if !c.Writer.Written() {
		c.Writer.Header().Del("Content-Disposition")
		web.Fail(c, err)
		return
	}
	web.Classify(c, err)
	c.Abort()
}

func auditExport(c *gin.Context, target, summary string) {
	if err := web.AuditRead(c, target, summary); err != nil {
		web.Classify(c, fmt.Errorf("audit export: %w", err))
	}
}

func (u *ui) exportTaskFile(c *gin.Context) {
	if !u.needReports(c) {
		return
	}
	t, rc, err := u.Reports.OpenFile(c.Request.Context(), web.PrincipalOf(c).UserID, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	defer rc.Close()
	download(c, t.FileName)
	if t.Size > 0 {
		c.Header("Content-Length", strconv.FormatInt(t.Size, 10))
	}
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, rc); err != nil {
		web.Classify(c, fmt.Errorf("send export %s: %w", t.ID, err))
		c.Abort()
		return
	}
	auditExport(c, "export:"+t.ID, fmt.Sprintf("下载导出文件 %s（%d 行）", t.FileName, t.Done))
}

func (u *ui) monthlyReport(c *gin.Context) {
	if !u.needReports(c) {
		return
	}
	month, region := strings.TrimSpace(c.Query("month")), strings.TrimSpace(c.Query("region"))
	if err := reports.CheckMonthly(month, region); err != nil {
		u.setFlash(c, "error", "月度运行报告："+fieldMessage(err))
		redirect(c, "/supervise/exports#monthly")
		return
	}
	download(c, reports.MonthlyFileName(month, region))
	if err := u.Reports.WriteMonthlyReport(c.Request.Context(), c.Writer, month, region); err != nil {
		failDownload(c, err)
		return
	}
	scope := "全部地区"
	if region != "" {
		scope = "地区 " + region
	}
	auditExport(c, "report:"+month, "导出月度运行报告 "+month+"（"+scope+"）")
}
