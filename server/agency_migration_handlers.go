package server

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// 历史平台迁移: regulators import the agencies a legacy platform had
// admitted (registry.ImportMigrated), and open the first account of a
// migrated agency once they have checked who is asking (auth.OpenAgencyAccount
// says why accounts are not claimed by registration).

// agencyImportMaxBody bounds the import upload: one workbook of at most
// files.MaxSize and the multipart framing.
const agencyImportMaxBody = files.MaxSize + maxFormOverhead

type agencyRowError struct {
	Line     int      `json:"line"`
	USCC     string   `json:"uscc,omitempty"`
	Name     string   `json:"name,omitempty"`
	Messages []string `json:"messages"`
}

type agencyImportResponse struct {
	Created   int              `json:"created"`   // 新增
	Updated   int              `json:"updated"`   // 更新
	Unchanged int              `json:"unchanged"` // 未变
	Invalid   int              `json:"invalid"`   // 错误：未导入的行
	Errors    []agencyRowError `json:"errors"`
}

var exampleAgencyImport = agencyImportResponse{Created: 38, Updated: 2, Unchanged: 0, Invalid: 2, Errors: []agencyRowError{
	{Line: 9, USCC: "91620102MA71XK3L0X", Name: "甘肃陇原环境咨询有限公司",
		Messages: []string{"B 列“统一社会信用代码”：该统一社会信用代码的机构“甘肃陇原环境咨询有限公司”已在本平台自行注册（状态：已入驻），迁移数据不能覆盖"}},
	{Line: 14, USCC: "91620105MA73QW8N26", Name: "甘肃金城测绘有限公司",
		Messages: []string{"I 列“服务事项编码”：服务事项“ZJ-JG-001”：缺少该事项要求的资质：测绘资质（具备其中任一项即可）"}},
}}

type agencyAccountRequest struct {
	Login    string `json:"login"`
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Password string `json:"password"` // temporary: tell it to the person, who changes it after logging in
}

func (h *handlers) migrationTemplate(c *gin.Context) {
	sendWorkbookBytes(c, "中介机构迁移导入模板.xlsx", "agency migration template", excel.WriteAgencyTemplate)
}

// importAgencies imports the valid rows of an uploaded migration workbook
// and reports the others — the reader's errors and the registry's
// refusals — in JSON, or with ?format=xlsx as the error workbook when there
// are any (counts in X-Import-* headers). Unlike the catalog's, the error
// workbook is written after the import, since the registry's refusals are
// only known then; if writing it fails, importing the same file again
// changes nothing and gives it.
func (h *handlers) importAgencies(c *gin.Context) {
	name, rows, xlsx, ok := readImport(c, excel.ReadAgencies)
	if !ok {
		return
	}
	results, err := excel.ImportRows(rows, func(in []registry.MigrationInput) ([]registry.MigrationResult, error) {
		return h.Registry.ImportMigrated(c, actorOf(web.PrincipalOf(c)), in, h.Auth.MigrationHooks())
	})
	if err != nil {
		// Rows before the failure are imported; failed requests are not
		// audited around the handler, so leave the trace here.
		n := registry.CountMigration(results)
		if aerr := web.AuditRead(c, "agencies", fmt.Sprintf("迁移导入中介机构「%s」中断：已新增 %d，更新 %d，未变 %d，错误 %d",
			name, n.Created, n.Updated, n.Unchanged, n.Rejected)); aerr != nil {
			err = fmt.Errorf("%w (audit: %v)", err, aerr)
		}
		web.Fail(c, err)
		return
	}
	n := registry.CountMigration(results)
	out := agencyImportResponse{Created: n.Created, Updated: n.Updated, Unchanged: n.Unchanged, Errors: []agencyRowError{}}
	for _, r := range rows {
		if !r.OK() {
			out.Invalid++
			out.Errors = append(out.Errors, agencyRowError{Line: r.Line, USCC: r.Input.Profile.USCC, Name: r.Input.Profile.Name, Messages: r.Errors})
		}
	}
	errBook, ok := importErrorBook(c, xlsx && out.Invalid > 0, "agency migration errors",
		func(w io.Writer) error { return excel.WriteAgencyErrors(w, rows) })
	if !ok {
		return
	}
	web.Audit(c, "agencies", fmt.Sprintf("迁移导入中介机构「%s」：新增 %d，更新 %d，未变 %d，错误 %d",
		name, out.Created, out.Updated, out.Unchanged, out.Invalid))
	answerImport(c, out, errBook, "中介机构迁移导入错误.xlsx", map[string]string{
		headerImportCreated: strconv.Itoa(out.Created), headerImportUpdated: strconv.Itoa(out.Updated),
		headerImportUnchanged: strconv.Itoa(out.Unchanged), headerImportInvalid: strconv.Itoa(out.Invalid)})
}

// openAgencyAccount opens the first account of a migrated agency.
func (h *handlers) openAgencyAccount(c *gin.Context) {
	var in agencyAccountRequest
	if !bindJSON(c, &in) {
		return
	}
	p := web.PrincipalOf(c)
	a, err := h.Registry.Get(c, actorOf(p), c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	if a.Migration == nil {
		web.Fail(c, apperr.Conflict("not_migrated", "该机构在本平台自行注册，账号由机构自行管理"))
		return
	}
	u, err := h.Auth.OpenAgencyAccount(c, p, auth.AgencyAccountInput{OrgID: a.ID, Login: in.Login, Name: in.Name,
		Email: in.Email, Phone: in.Phone, Password: in.Password})
	if err != nil {
		web.Fail(c, err)
		return
	}
	org, err := h.Auth.GetOrg(c, a.ID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, a.ID, "为迁移机构「"+a.Profile.Name+"」开通账号 "+u.ID+"（"+u.Name+"）")
	c.JSON(http.StatusOK, accountResponse{User: toUser(u), Org: toOrg(org)})
}
