package adminui

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// view is what the layout renders around every page.
type view struct {
	Title     string
	Nav       string // the active public navigation entry
	Section   string // the active sidebar entry on workspace pages
	Sidebar   []navItem
	SiteName  string
	User      auth.Principal
	csrf      func() string // the token is made only for pages with a form: the others stay cacheable
	Flash     flash
	RequestID string
	Unread    int // the visitor's unread notifications (消息 in the top bar)
	Data      any
}

// CSRF is the token the page's forms carry, made on first use: a page
// without a form sets no CSRF cookie and so can be served to every
// anonymous visitor from the response cache.
func (v view) CSRF() string {
	if v.csrf == nil {
		return ""
	}
	return v.csrf()
}

// navItem is one link of the sidebar.
type navItem struct {
	Key, Label, Href string
}

// mustParseTemplates builds one template set per page: the shared layout and
// partials (files starting with "_") plus the page's own "content".
func mustParseTemplates(funcs template.FuncMap) map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/_*.html"))
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		file := path.Base(n)
		if strings.HasPrefix(file, "_") {
			continue
		}
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
		pages[strings.TrimSuffix(file, ".html")] = t
	}
	return pages
}

func (u *ui) funcs() template.FuncMap {
	m := template.FuncMap{
		"asset":       u.assets.url,
		"yuan":        formatYuan,
		"wan":         formatWan,
		"datetime":    formatDateTime,
		"date":        formatDate,
		"isotime":     isoDateTime,
		"count":       formatCount,
		"actionLabel": actionLabel,
		"province":    registry.ProvinceName,
		"field":       newField,
		"join":        strings.Join,
		"statusClass": statusClass,
		"size":        formatSize,
		"region":      regionName,
		"itemName":    u.itemName,
		"seq":         seq,
		"add1":        func(i int) int { return i + 1 },
		"fieldID":     fieldID,
	}
	for k, f := range u.hallFuncs() { // 选取大厅
		m[k] = f
	}
	addFuncs(m, supFuncs())    // 监管
	addFuncs(m, notifyFuncs()) // 消息中心
	return m
}

// render writes a page. The page is executed into a buffer first, so a
// template error becomes a clean error page instead of half a page.
func (u *ui) render(c *gin.Context, status int, page string, v view) {
	t, ok := u.pages[page]
	if !ok {
		panic("adminui: no template " + page)
	}
	u.fillView(c, &v)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		web.Classify(c, err) // logs it
		if page != "error" {
			u.render(c, http.StatusInternalServerError, "error", errorView(http.StatusInternalServerError, "页面显示出错，请稍后再试"))
			return
		}
		c.String(http.StatusInternalServerError, "服务器内部错误")
		return
	}
	writePage(c, status, buf.Bytes())
}

func (u *ui) fillView(c *gin.Context, v *view) {
	v.SiteName = u.SiteName
	v.User = web.PrincipalOf(c)
	v.csrf = func() string { return web.CSRFToken(c) }
	v.RequestID = web.RequestID(c)
	v.Unread = u.unread(c, v.User)
	if v.Flash.Message == "" {
		v.Flash = u.takeFlash(c)
	}
	if v.Sidebar == nil && v.Section != "" {
		v.Sidebar = sidebarFor(v.User.Role)
	}
}

func writePage(c *gin.Context, status int, body []byte) {
	h := c.Writer.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages carry CSRF tokens, personal data and once-shown secrets.
	h.Set("Cache-Control", "no-store")
	c.Status(status)
	_, _ = c.Writer.Write(body) // a visitor who has gone away needs no answer
}

// sidebarFor lists the workspace sections a role may open.
func sidebarFor(r auth.Role) []navItem {
	items := []navItem{{"workspace", "工作台", "/workspace"}}
	items = append(items, notifySidebar(r)...)      // 消息中心
	items = append(items, hallSidebar(r)...)        // 选取大厅
	items = append(items, supervisionSidebar(r)...) // 监管
	items = append(items, reportsSidebar(r)...)     // 报表导出
	switch r {
	case auth.RoleAdmin:
		items = append(items,
			navItem{"review", "入驻审核", "/registry/review"},
			navItem{"agencies", "中介机构管理", "/registry/agencies"},
			navItem{"catalog", "服务事项管理", "/admin/catalog"},
			navItem{"calendar", "节假日安排", "/admin/calendar"},
			navItem{"users", "用户管理", "/admin/users"},
			navItem{"orgs", "单位管理", "/admin/orgs"},
			navItem{"regulators", "新建监管账号", "/admin/regulators/new"},
			navItem{"audit", "审计日志", "/audit"})
	case auth.RoleRegulator:
		items = append(items,
			navItem{"review", "入驻审核", "/registry/review"},
			navItem{"agencies", "中介机构管理", "/registry/agencies"},
			navItem{"audit", "审计日志", "/audit"})
	case auth.RoleAgency:
		items = append(items, navItem{"agency", "入驻申请与机构资料", "/my/agency"})
	case auth.RoleOwner:
		items = append(items, navItem{"org", "单位信息", "/my/org"})
	}
	return append(items, navItem{"account", "账号与 API 令牌", "/account"})
}

// seq is 0, 1, …, n-1, for ranging over form rows.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// itemName is a service item's name for a listing, or its code when the
// catalog no longer has it.
func (u *ui) itemName(code string) string {
	if it, ok := u.Registry.Directory().Item(code); ok {
		return it.Name
	}
	return code
}
