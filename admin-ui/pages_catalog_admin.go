package adminui

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// adminCatalogPage lists every service item, disabled ones included.
type adminCatalogPage struct {
	Query, Stage, State string
	Stages              []registry.Stage
	Items               []registry.ServiceItem
	Total, Enabled      int
	Filter              bool
	Back                string
}

func (u *ui) adminCatalog(c *gin.Context) {
	items, err := u.Catalog.List(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := adminCatalogPage{Query: strings.TrimSpace(c.Query("q")), Stages: registry.Stages, Total: len(items), Back: c.Request.URL.RequestURI()}
	if s := registry.Stage(c.Query("stage")); registry.ValidStage(s) {
		p.Stage = string(s)
	}
	if s := c.Query("state"); s == "enabled" || s == "disabled" {
		p.State = s
	}
	p.Filter = p.Query != "" || p.Stage != "" || p.State != ""
	for _, it := range items {
		if it.Enabled {
			p.Enabled++
		}
		if (p.Stage == "" || string(it.Stage) == p.Stage) && (p.State == "" || it.Enabled == (p.State == "enabled")) && matchesItem(it, p.Query) {
			p.Items = append(p.Items, it)
		}
	}
	u.render(c, http.StatusOK, "admin_catalog", view{Title: "服务事项管理", Section: "catalog", Data: p})
}

// itemFormPage is the create and edit form of a service item.
type itemFormPage struct {
	Form   *form
	New    bool
	Code   string // the edited item's code
	Stages []registry.Stage
}

var itemFields = []string{"code", "name", "category", "stage", "approval_matter", "department", "legal_basis",
	"qualifications", "qual_mode", "fee_basis", "time_limit_days", "source"}

func itemForm(it registry.ServiceItem) *form {
	f := newForm()
	for k, v := range map[string]string{"code": it.Code, "name": it.Name, "category": it.Category, "stage": string(it.Stage),
		"approval_matter": it.ApprovalMatter, "department": it.Department, "legal_basis": it.LegalBasis,
		"qualifications": strings.Join(it.Qualifications, "\n"), "qual_mode": string(it.QualMode), "fee_basis": string(it.FeeBasis),
		"time_limit_days": strconv.Itoa(it.TimeLimitDays), "source": it.Source} {
		f.Values[k] = v
	}
	if it.Enabled {
		f.Values["enabled"] = "1"
	}
	if it.TimeLimitDays == 0 {
		f.Values["time_limit_days"] = ""
	}
	return f
}

func (u *ui) showItemForm(c *gin.Context, status int, p itemFormPage) {
	p.Stages = registry.Stages
	title := "新增服务事项"
	if !p.New {
		title = "编辑服务事项 " + p.Code
	}
	u.render(c, status, "admin_catalog_form", view{Title: title, Section: "catalog", Data: p})
}

func (u *ui) newItemForm(c *gin.Context) {
	u.showItemForm(c, http.StatusOK, itemFormPage{New: true,
		Form: itemForm(registry.ServiceItem{QualMode: registry.QualAnyOf, FeeBasis: registry.FeeMarket, Enabled: true})})
}

func (u *ui) editItemForm(c *gin.Context) {
	it, err := u.Catalog.Get(c.Request.Context(), c.Param("code"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	u.showItemForm(c, http.StatusOK, itemFormPage{Form: itemForm(it), Code: it.Code})
}

// readItem reads the posted item; a malformed time limit is noted on f.
func readItem(c *gin.Context, f *form) registry.ServiceItem {
	it := registry.ServiceItem{Code: registry.NormalizeCode(f.Get("code")), Name: f.Get("name"), Category: f.Get("category"),
		Stage: registry.Stage(f.Get("stage")), ApprovalMatter: f.Get("approval_matter"), Department: f.Get("department"),
		LegalBasis: f.Get("legal_basis"), QualMode: registry.QualMode(f.Get("qual_mode")), FeeBasis: registry.FeeBasis(f.Get("fee_basis")),
		Source: f.Get("source"), Enabled: c.PostForm("enabled") == "1"}
	if it.Enabled {
		f.Values["enabled"] = "1"
	}
	for _, q := range strings.FieldsFunc(f.Get("qualifications"), func(r rune) bool { return r == '\n' || r == '；' || r == ';' }) {
		if q = strings.TrimSpace(q); q != "" && !slices.Contains(it.Qualifications, q) {
			it.Qualifications = append(it.Qualifications, q)
		}
	}
	if d := f.Get("time_limit_days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			f.Errors["time_limit_days"] = "法定时限应为整数天数"
		}
		it.TimeLimitDays = n
	}
	return it
}

// saveItem creates (code empty) or updates an item from the posted form.
func (u *ui) saveItem(c *gin.Context) {
	ctx := c.Request.Context()
	f := postedForm(c, itemFields...)
	code := c.Param("code")
	isNew := code == ""
	if !isNew {
		old, err := u.Catalog.Get(ctx, code)
		if err != nil {
			web.Fail(c, err)
			return
		}
		f.Values["code"] = old.Code // the code is the item's identity
	}
	it := readItem(c, f)
	show := func(status int) {
		if f.Message == "" {
			f.Message = "提交的内容有误，请检查标出的字段"
		}
		u.showItemForm(c, status, itemFormPage{Form: f, New: isNew, Code: it.Code})
	}
	if isNew && it.Code != "" {
		if _, err := u.Catalog.Get(ctx, it.Code); err == nil {
			f.Errors["code"] = "该编码已存在，请换一个编码，或编辑已有事项"
		} else if !apperr.Is(err, apperr.KindNotFound) {
			web.Fail(c, err)
			return
		}
	}
	if len(f.Errors) > 0 {
		show(http.StatusBadRequest)
		return
	}
	saved, err := u.Catalog.Put(ctx, it)
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		show(formStatus(err))
		return
	}
	if err := u.Registry.RefreshCatalog(ctx); err != nil {
		web.Fail(c, err)
		return
	}
	verb := "修改"
	if isNew {
		verb = "新增"
	}
	web.Audit(c, "item:"+saved.Code, fmt.Sprintf("%s服务事项 %s「%s」", verb, saved.Code, saved.Name))
	u.setFlash(c, "ok", fmt.Sprintf("已%s服务事项 %s「%s」", verb, saved.Code, saved.Name))
	redirect(c, "/admin/catalog")
}

// setItemEnabled enables or disables an item; listings of a disabled item
// stop counting at once.
func (u *ui) setItemEnabled(enabled bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		it, err := u.Catalog.Get(ctx, c.Param("code"))
		if err != nil {
			web.Fail(c, err)
			return
		}
		it.Enabled = enabled
		if it, err = u.Catalog.Put(ctx, it); err != nil {
			web.Fail(c, err)
			return
		}
		if err := u.Registry.RefreshCatalog(ctx); err != nil {
			web.Fail(c, err)
			return
		}
		verb := "停用"
		if enabled {
			verb = "启用"
		}
		web.Audit(c, "item:"+it.Code, fmt.Sprintf("%s服务事项 %s「%s」", verb, it.Code, it.Name))
		u.setFlash(c, "ok", fmt.Sprintf("已%s服务事项 %s「%s」", verb, it.Code, it.Name))
		back, ok := localPath(c.PostForm("back"))
		if !ok || !strings.HasPrefix(back, "/admin/catalog") {
			back = "/admin/catalog"
		}
		redirect(c, back)
	}
}

// exportCatalog downloads the whole catalog in the import template's
// layout, so it can be edited and imported again.
func (u *ui) exportCatalog(c *gin.Context) {
	items, err := u.Catalog.List(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	sendWorkbookBytes(c, "中介服务事项清单-"+stamp(u.Now())+".xlsx", func(w io.Writer) error {
		return excel.WriteCatalog(w, items, u.Now())
	})
}

// sendXLSX answers with a workbook built in memory (small ones: the
// catalog and its template).
func sendXLSX(c *gin.Context, name string, data []byte) {
	h := c.Writer.Header()
	h.Set("Content-Disposition", contentDisposition("attachment", name))
	h.Set("Cache-Control", "no-store")
	c.Data(http.StatusOK, xlsxType, data)
}
