package adminui

import (
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// importPage is the catalog import form and, after an upload, its result.
type importPage struct {
	Form    *form
	Done    bool
	Result  registry.ImportResult
	Invalid int
	Errors  []excel.CatalogRow // the first few bad rows, shown on the page
	MaxRows int
}

func (u *ui) showImport(c *gin.Context, status int, p importPage) {
	if p.Form == nil {
		p.Form = newForm()
	}
	p.MaxRows = excel.MaxCatalogRows
	u.render(c, status, "admin_catalog_import", view{Title: "导入服务事项", Section: "catalog", Data: p})
}

func (u *ui) importForm(c *gin.Context) { u.showImport(c, http.StatusOK, importPage{}) }

func (u *ui) importCatalog(c *gin.Context) {
	ctx := c.Request.Context()
	name, rows, problem, err := readImport(c, excel.ReadCatalog)
	if err != nil {
		web.Fail(c, err)
		return
	}
	if problem != "" {
		u.showImport(c, http.StatusBadRequest, importPage{Form: uploadProblemForm(problem)})
		return
	}
	var valid []registry.ServiceItem
	var bad []excel.CatalogRow
	for _, row := range rows {
		if row.OK() {
			valid = append(valid, row.Item)
		} else {
			bad = append(bad, row)
		}
	}
	res, err := u.Catalog.Import(ctx, valid)
	if err == nil {
		err = u.Registry.RefreshCatalog(ctx)
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := importPage{Done: true, Result: res, Invalid: len(bad), Errors: bad[:min(len(bad), maxShownErrors)]}
	if len(bad) > 0 {
		err := u.keepErrorBook(web.PrincipalOf(c).UserID, func(w io.Writer) error { return excel.WriteCatalogErrors(w, bad) })
		if err != nil {
			web.Fail(c, err)
			return
		}
	}
	web.Audit(c, "catalog", fmt.Sprintf("导入服务事项清单「%s」：新增 %d 项，更新 %d 项，未变 %d 项，错误 %d 行",
		name, res.Created, res.Updated, res.Unchanged, len(bad)))
	// Shown directly rather than redirected: the result belongs to this upload.
	u.showImport(c, http.StatusOK, p)
}

func (u *ui) importErrorsDownload(c *gin.Context) {
	u.sendErrorBook(c, web.PrincipalOf(c).UserID, "服务事项导入错误")
}

func (u *ui) catalogTemplate(c *gin.Context) {
	sendWorkbookBytes(c, "中介服务事项导入模板.xlsx", excel.WriteCatalogTemplate)
}
