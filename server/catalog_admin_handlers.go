package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// Catalog maintenance by admins, and the catalog's Excel files.

type serviceItemRequest struct {
	Code           string   `json:"code"`
	Name           string   `json:"name"`
	Category       string   `json:"category,omitempty"`
	Stage          string   `json:"stage"`
	ApprovalMatter string   `json:"approval_matter,omitempty"`
	Department     string   `json:"department,omitempty"`
	LegalBasis     string   `json:"legal_basis,omitempty"`
	Qualifications []string `json:"qualifications,omitempty"`
	QualMode       string   `json:"qual_mode"`
	FeeBasis       string   `json:"fee_basis"`
	TimeLimitDays  int      `json:"time_limit_days"`
	// Enabled defaults to the stored value, or true for a new item.
	Enabled *bool  `json:"enabled,omitempty"`
	Source  string `json:"source,omitempty"`
}

// putServiceItem answers POST (code in the body) and PUT (code in the path).
func (h *handlers) putServiceItem(c *gin.Context) {
	var in serviceItemRequest
	if !bindJSON(c, &in) {
		return
	}
	if code := c.Param("code"); code != "" {
		if in.Code != "" && registry.NormalizeCode(in.Code) != registry.NormalizeCode(code) {
			web.Fail(c, apperr.Invalid().Field("code", "事项编码与地址中的编码不一致；编码不能修改"))
			return
		}
		in.Code = code
	}
	old, err := h.Catalog.Get(c, in.Code)
	exists := err == nil
	if err != nil && !apperr.Is(err, apperr.KindNotFound) {
		web.Fail(c, err)
		return
	}
	if c.Param("code") != "" && !exists {
		web.Fail(c, apperr.NotFound("服务事项"))
		return
	}
	enabled := !exists || old.Enabled
	if in.Enabled != nil {
		enabled = *in.Enabled
	}
	it, err := h.Catalog.Put(c, registry.ServiceItem{Code: in.Code, Name: in.Name, Category: in.Category, Stage: registry.Stage(in.Stage),
		ApprovalMatter: in.ApprovalMatter, Department: in.Department, LegalBasis: in.LegalBasis, Qualifications: in.Qualifications,
		QualMode: registry.QualMode(in.QualMode), FeeBasis: registry.FeeBasis(in.FeeBasis), TimeLimitDays: in.TimeLimitDays,
		Enabled: enabled, Source: in.Source})
	if err != nil {
		web.Fail(c, err)
		return
	}
	if err := h.refreshCatalog(c); err != nil {
		web.Fail(c, err)
		return
	}
	what := "新增服务事项 "
	if exists {
		what = "修改服务事项 "
	}
	web.Audit(c, "service_item:"+it.Code, what+it.Code+"「"+it.Name+"」")
	c.JSON(http.StatusOK, toServiceItem(it))
}

// refreshCatalog tells the directory that items changed.
func (h *handlers) refreshCatalog(ctx context.Context) error {
	if err := h.Registry.RefreshCatalog(ctx); err != nil {
		return fmt.Errorf("refresh directory catalog: %w", err)
	}
	return nil
}

func (h *handlers) catalogTemplate(c *gin.Context) {
	sendWorkbookBytes(c, "中介服务事项导入模板.xlsx", "catalog template", excel.WriteCatalogTemplate)
}

// exportCatalog exports the enabled items, and for admins every item, in
// the template's format.
func (h *handlers) exportCatalog(c *gin.Context) {
	all, err := h.Catalog.List(c)
	if err != nil {
		web.Fail(c, err)
		return
	}
	items := all
	if web.PrincipalOf(c).Role != auth.RoleAdmin {
		items = nil
		for _, it := range all {
			if it.Enabled {
				items = append(items, it)
			}
		}
	}
	now := h.now()
	sendWorkbookBytes(c, "中介服务事项清单-"+now.In(registry.Shanghai).Format("20060102")+".xlsx", "catalog export",
		func(w io.Writer) error { return excel.WriteCatalog(w, items, now) })
}

type importRowError struct {
	Line     int      `json:"line"`
	Code     string   `json:"code,omitempty"`
	Messages []string `json:"messages"`
}

type importResponse struct {
	Created   int              `json:"created"`
	Updated   int              `json:"updated"`
	Unchanged int              `json:"unchanged"`
	Invalid   int              `json:"invalid"`
	Errors    []importRowError `json:"errors"`
}

// Import counts also go out as headers with the error workbook.
const (
	headerImportCreated   = "X-Import-Created"
	headerImportUpdated   = "X-Import-Updated"
	headerImportUnchanged = "X-Import-Unchanged"
	headerImportInvalid   = "X-Import-Invalid"
)

// importCatalog imports the valid rows of an uploaded workbook (create or
// update by code; unchanged rows are left alone) and reports the invalid
// ones: in JSON, or with ?format=xlsx as the error workbook itself when
// there are any (the counts then in X-Import-* headers).
func (h *handlers) importCatalog(c *gin.Context) {
	name, rows, xlsx, ok := readImport(c, excel.ReadCatalog)
	if !ok {
		return
	}
	var valid []registry.ServiceItem
	out := importResponse{Errors: []importRowError{}}
	for _, r := range rows {
		if r.OK() {
			valid = append(valid, r.Item)
			continue
		}
		out.Invalid++
		out.Errors = append(out.Errors, importRowError{Line: r.Line, Code: r.Item.Code, Messages: r.Errors})
	}
	errBook, ok := importErrorBook(c, xlsx && out.Invalid > 0, "catalog import errors",
		func(w io.Writer) error { return excel.WriteCatalogErrors(w, rows) })
	if !ok {
		return
	}
	res, err := h.Catalog.Import(c, valid)
	if err == nil {
		err = h.refreshCatalog(c)
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	out.Created, out.Updated, out.Unchanged = res.Created, res.Updated, res.Unchanged
	web.Audit(c, "service_items", fmt.Sprintf("导入服务事项「%s」：新增 %d，更新 %d，未变 %d，有误 %d",
		name, out.Created, out.Updated, out.Unchanged, out.Invalid))
	answerImport(c, out, errBook, "中介服务事项导入错误.xlsx", map[string]string{
		headerImportCreated: strconv.Itoa(out.Created), headerImportUpdated: strconv.Itoa(out.Updated),
		headerImportUnchanged: strconv.Itoa(out.Unchanged), headerImportInvalid: strconv.Itoa(out.Invalid)})
}
