package adminui

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// importMaxBody bounds the import post: one workbook of at most
// files.MaxSize and the form fields.
const importMaxBody = files.MaxSize + 1<<20

// errorBookTTL is how long the error workbook of an import can be
// downloaded. It is kept in this process's memory, one per user: a
// download is right after the import, and a restart (or, with several
// replicas, another replica) only means importing the file again.
const errorBookTTL = 30 * time.Minute

// errorBooks holds each user's latest import error workbook.
type errorBooks struct {
	mu    sync.Mutex
	books map[string]errorBook
}

type errorBook struct {
	data    []byte
	expires time.Time
}

func (b *errorBooks) put(user string, data []byte, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, v := range b.books { // drop expired ones, so memory stays bounded by active users
		if now.After(v.expires) {
			delete(b.books, k)
		}
	}
	b.books[user] = errorBook{data: data, expires: now.Add(errorBookTTL)}
}

func (b *errorBooks) get(user string, now time.Time) ([]byte, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.books[user]
	if !ok || now.After(e.expires) {
		return nil, false
	}
	return e.data, true
}

// importPage is the catalog import form and, after an upload, its result.
type importPage struct {
	Form    *form
	Done    bool
	Result  registry.ImportResult
	Invalid int
	Errors  []excel.CatalogRow // the first few bad rows, shown on the page
	MaxRows int
}

// maxShownErrors is how many bad rows the result page lists; all of them
// are in the error workbook.
const maxShownErrors = 20

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
	f := newForm()
	fail := func(msg string) {
		f.Errors["file"] = msg
		f.Message = "文件未能导入：" + msg
		u.showImport(c, http.StatusBadRequest, importPage{Form: f})
	}
	fh := postedFile(c, "file")
	if fh == nil {
		fail("请选择要上传的 Excel 文件（.xlsx）")
		return
	}
	if fh.Size > files.MaxSize {
		fail("文件不能超过 10 MB")
		return
	}
	r, err := fh.Open()
	if err != nil {
		fail("文件读取失败，请重新选择文件")
		return
	}
	defer r.Close()
	rows, err := excel.ReadCatalog(io.LimitReader(r, files.MaxSize))
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Kind != apperr.KindInvalid {
			web.Fail(c, err)
			return
		}
		msg := e.Message
		if d := e.Fields["header"]; d != "" {
			msg += "（" + d + "）"
		}
		fail(msg)
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
		var buf bytes.Buffer
		if err := excel.WriteCatalogErrors(&buf, bad); err != nil {
			web.Fail(c, err)
			return
		}
		u.importErrors.put(web.PrincipalOf(c).UserID, buf.Bytes(), u.Now())
	}
	web.Audit(c, "catalog", fmt.Sprintf("导入服务事项清单「%s」：新增 %d 项，更新 %d 项，未变 %d 项，错误 %d 行",
		fh.Filename, res.Created, res.Updated, res.Unchanged, len(bad)))
	// Shown directly rather than redirected: the result belongs to this upload.
	u.showImport(c, http.StatusOK, p)
}

func (u *ui) importErrorsDownload(c *gin.Context) {
	data, ok := u.importErrors.get(web.PrincipalOf(c).UserID, u.Now())
	if !ok {
		web.Fail(c, &apperr.Error{Kind: apperr.KindNotFound, Code: "not_found", Message: "错误文件已过期或不存在：导入后 30 分钟内可以下载，请重新导入"})
		return
	}
	sendXLSX(c, "服务事项导入错误-"+stamp(u.Now())+".xlsx", data)
}

func (u *ui) catalogTemplate(c *gin.Context) {
	var buf bytes.Buffer
	if err := excel.WriteCatalogTemplate(&buf); err != nil {
		web.Fail(c, err)
		return
	}
	sendXLSX(c, "中介服务事项导入模板.xlsx", buf.Bytes())
}
