package adminui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/web"
)

// auditPageSize is the page size of the audit browser.
const auditPageSize = 50

// auditPage is the audit log browser for regulators and admins.
type auditPage struct {
	Form    *form
	Records []audit.Record
	Pager   pager
	Filter  bool
	Actions []string // suggestions for the action prefix
}

// actionSuggestions are the action prefixes the platform writes today.
var actionSuggestions = []string{"user.", "user.login", "user.register", "user.disable", "token.", "regulator."}

func (u *ui) auditLog(c *gin.Context) {
	f := newForm()
	for _, k := range []string{"actor", "action", "from", "to"} {
		f.Values[k] = strings.TrimSpace(c.Query(k))
	}
	filter := audit.Filter{Actor: strings.ToLower(f.Get("actor")), Action: f.Get("action"), Page: queryPage(c), PageSize: auditPageSize}
	// Dates are days in Asia/Shanghai; "to" includes its whole day.
	if s := f.Get("from"); s != "" {
		if t, ok := parseLocalDate(s); ok {
			filter.From = t
		} else {
			f.Errors["from"] = "日期格式应为 2026-11-26"
		}
	}
	if s := f.Get("to"); s != "" {
		if t, ok := parseLocalDate(s); ok {
			filter.To = t.AddDate(0, 0, 1)
		} else {
			f.Errors["to"] = "日期格式应为 2026-11-26"
		}
	}
	if !filter.From.IsZero() && !filter.To.IsZero() && !filter.From.Before(filter.To) {
		f.Errors["to"] = "结束日期不能早于开始日期"
	}
	page := auditPage{Form: f, Actions: actionSuggestions}
	if len(f.Errors) > 0 {
		// No list under a filter the visitor did not mean: show what to fix.
		f.Message = "筛选条件有误，请检查标出的字段"
		u.render(c, http.StatusBadRequest, "audit", view{Title: "审计日志", Section: "audit", Data: page})
		return
	}
	page.Filter = filter.Actor != "" || filter.Action != "" || !filter.From.IsZero() || !filter.To.IsZero()
	records, total, err := u.Audit.List(c.Request.Context(), filter)
	if err != nil {
		web.Fail(c, err)
		return
	}
	page.Records = records
	page.Pager = newPager(c, total, filter.Page, auditPageSize)
	u.render(c, http.StatusOK, "audit", view{Title: "审计日志", Section: "audit", Data: page})
}
