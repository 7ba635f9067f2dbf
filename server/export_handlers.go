package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/reports"
	"github.com/agencyhall/agencyhall/web"
)

// The regulators' Excel exports (DESIGN.md §2.4). A small export streams
// straight into the response; one over the threshold (20,000 rows) becomes
// a background task: 202 with the task, whose progress and file are read
// from /api/v1/exports/tasks/:id. Every export is audited.

// exportFilterQuery documents the exports' filters; each export reads the
// ones it knows (reports.Params).
type exportFilterQuery struct {
	Q        string `form:"q" doc:"项目：名称的一部分或项目编号"`
	Region   string `form:"region" doc:"项目、信用评分：行政区划代码或其前缀（6201 为整个兰州市）"`
	State    string `form:"state" doc:"项目、投诉：状态，多个用逗号分隔（与对应列表相同）"`
	Method   string `form:"method" doc:"项目：选取方式 direct、random、lowest、reasonable、scoring"`
	Item     string `form:"item" doc:"项目：服务事项编码"`
	Stage    string `form:"stage" doc:"项目：审批阶段"`
	Funding  string `form:"funding" doc:"项目：资金来源 fiscal 或 social"`
	Month    string `form:"month" doc:"项目：发布月份；投诉：提交月份（YYYY-MM，北京时间）"`
	Grade    string `form:"grade" doc:"信用评分：等级 A、B、C 或 D"`
	Target   string `form:"target" doc:"投诉：被投诉对象 id"`
	Status   string `form:"status" doc:"预警：open（默认）未关闭，all 全部"`
	Level    string `form:"level" doc:"预警：yellow 黄牌或 red 红牌"`
	AgencyID string `form:"agency_id" doc:"处理记录：只导出某机构的"`
	Active   string `form:"active" doc:"处理记录：true 只导出正在执行的"`
	Actor    string `form:"actor" doc:"审计日志：操作人登录名"`
	Action   string `form:"action" doc:"审计日志：动作名前缀，如 project."`
	From     string `form:"from" doc:"审计日志：起始时间（含），日期（北京时间）或 RFC 3339"`
	To       string `form:"to" doc:"审计日志：截止时间；只写日期时含当天"`
}

type monthlyQuery struct {
	Month  string `form:"month" doc:"月份 YYYY-MM（北京时间），必填"`
	Region string `form:"region" doc:"行政区划代码或其前缀；不填为全部地区"`
}

// exportTaskDTO is a background export as the API shows it.
type exportTaskDTO struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	KindLabel   string     `json:"kind_label"`
	Filters     string     `json:"filters"`
	State       string     `json:"state" doc:"queued 排队中、running 生成中、done 已完成、failed 失败"`
	StateLabel  string     `json:"state_label"`
	RowsDone    int        `json:"rows_done"`
	RowsTotal   int        `json:"rows_total"`
	Percent     int        `json:"percent"`
	FileName    string     `json:"file_name,omitempty"`
	Size        int64      `json:"size,omitempty"`
	DownloadURL string     `json:"download_url,omitempty"`
	Error       string     `json:"error,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	FinishedAt  *time.Time `json:"finished_at,omitempty"`
	ExpiresAt   time.Time  `json:"expires_at"`
}

func toExportTask(t reports.Task) exportTaskDTO {
	d := exportTaskDTO{ID: t.ID, Kind: string(t.Kind), KindLabel: t.Kind.Label(), Filters: t.FilterText, State: string(t.State),
		StateLabel: t.State.Label(), RowsDone: t.Done, RowsTotal: t.Total, Percent: t.Percent(), Error: t.Error,
		CreatedAt: t.Created, ExpiresAt: t.Expires()}
	if !t.Finished.IsZero() {
		f := t.Finished
		d.FinishedAt = &f
	}
	if t.State == reports.TaskDone {
		d.FileName, d.Size, d.DownloadURL = t.FileName, t.Size, "/api/v1/exports/tasks/"+t.ID+"/file"
	}
	return d
}

var exampleExportTask = exportTaskDTO{ID: "EX3f9a0c2d41b7e85a6c10", Kind: "projects", KindLabel: "选取项目与结果",
	Filters: "地区：6201（甘肃省）", State: "running", StateLabel: "生成中", RowsDone: 12000, RowsTotal: 48210, Percent: 24,
	CreatedAt: time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC), ExpiresAt: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)}

func (h *handlers) needReports(c *gin.Context) bool {
	if h.Reports == nil {
		web.Fail(c, apperr.Unavailable(errors.New("server: Deps.Reports is nil")))
		return false
	}
	return true
}

// export streams one export, or starts it in the background when large.
func (h *handlers) export(k reports.Kind) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !h.needReports(c) {
			return
		}
		ctx := c.Request.Context()
		f, err := reports.ParseFilters(k, c.Query)
		if err != nil {
			web.Fail(c, err)
			return
		}
		n, err := h.Reports.Count(ctx, k, f)
		if err != nil {
			web.Fail(c, err)
			return
		}
		filters := f.Describe(k)
		if h.Reports.Background(n) {
			t, err := h.Reports.Start(ctx, web.PrincipalOf(c).UserID, k, f, n)
			if err != nil {
				web.Fail(c, err)
				return
			}
			h.auditExport(c, "export:"+t.ID, fmt.Sprintf("后台导出%s（约 %d 行）；%s", k.Label(), n, filters))
			c.Header("Location", "/api/v1/exports/tasks/"+t.ID)
			c.JSON(http.StatusAccepted, toExportTask(t))
			return
		}
		setDownload(c, xlsxType, "attachment", reports.FileName(k, h.now()))
		c.Header("Cache-Control", "no-store")
		rows, err := h.Reports.Export(ctx, c.Writer, k, f, nil)
		if err != nil {
			failDownload(c, err)
			return
		}
		h.auditExport(c, "export:"+string(k), fmt.Sprintf("导出%s %d 行；%s", k.Label(), rows, filters))
	}
}

// failDownload answers an error before the workbook's first byte, and
// after it can only log it (the client sees a truncated download).
func failDownload(c *gin.Context, err error) {
	if !c.Writer.Written() {
		c.Writer.Header().Del("Content-Disposition")
		web.Fail(c, err)
		return
	}
	web.Classify(c, err)
	c.Abort()
}

// auditExport records an export; the data has gone out, so a lost record is
// only logged.
func (h *handlers) auditExport(c *gin.Context, target, summary string) {
	if err := web.AuditRead(c, target, summary); err != nil {
		web.Classify(c, fmt.Errorf("audit export: %w", err))
	}
}

func (h *handlers) exportTasks(c *gin.Context) {
	if !h.needReports(c) {
		return
	}
	list, err := h.Reports.RecentTasks(c.Request.Context(), web.PrincipalOf(c).UserID, 20)
	if err != nil {
		web.Fail(c, err)
		return
	}
	out := make([]exportTaskDTO, 0, len(list))
	for _, t := range list {
		out = append(out, toExportTask(t))
	}
	c.JSON(http.StatusOK, out)
}

func (h *handlers) exportTask(c *gin.Context) {
	if !h.needReports(c) {
		return
	}
	t, err := h.Reports.Task(c.Request.Context(), web.PrincipalOf(c).UserID, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, toExportTask(t))
}

func (h *handlers) exportTaskFile(c *gin.Context) {
	if !h.needReports(c) {
		return
	}
	t, rc, err := h.Reports.OpenFile(c.Request.Context(), web.PrincipalOf(c).UserID, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	defer rc.Close()
	setDownload(c, xlsxType, "attachment", t.FileName)
	c.Header("Cache-Control", "no-store")
	if t.Size > 0 {
		c.Header("Content-Length", strconv.FormatInt(t.Size, 10))
	}
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, rc); err != nil {
		web.Classify(c, fmt.Errorf("send export %s: %w", t.ID, err))
		c.Abort()
		return
	}
	h.auditExport(c, "export:"+t.ID, fmt.Sprintf("下载导出文件 %s（%d 行）", t.FileName, t.Done))
}

func (h *handlers) monthlyReport(c *gin.Context) {
	if !h.needReports(c) {
		return
	}
	month, region := c.Query("month"), c.Query("region")
	if err := reports.CheckMonthly(month, region); err != nil {
		web.Fail(c, err)
		return
	}
	setDownload(c, xlsxType, "attachment", reports.MonthlyFileName(month, region))
	c.Header("Cache-Control", "no-store")
	if err := h.Reports.WriteMonthlyReport(c.Request.Context(), c.Writer, month, region); err != nil {
		failDownload(c, err)
		return
	}
	scope := "全部地区"
	if region != "" {
		scope = "地区 " + region
	}
	h.auditExport(c, "report:"+month, "导出月度运行报告 "+month+"（"+scope+"）")
}
