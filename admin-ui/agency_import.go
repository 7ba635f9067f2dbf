package adminui

import (
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// 历史平台迁移: the page where regulators import the agencies a legacy
// platform had admitted, and the opening of a migrated agency's first
// account on its detail page (auth.OpenAgencyAccount says why).

// agencyImportPage is the migration form and, after an upload, its result.
type agencyImportPage struct {
	Form    *form
	Done    bool
	Result  registry.MigrationCounts
	Invalid int               // rows not imported: the reader's errors and the registry's refusals
	Errors  []excel.AgencyRow // the first few of them, shown on the page
	MaxRows int
}

func (u *ui) showAgencyImport(c *gin.Context, status int, p agencyImportPage) {
	if p.Form == nil {
		p.Form = newForm()
	}
	p.MaxRows = excel.MaxAgencyRows
	u.render(c, status, "registry_import", view{Title: "迁移导入中介机构", Section: "agencies", Data: p})
}

func (u *ui) agencyImportForm(c *gin.Context) {
	u.showAgencyImport(c, http.StatusOK, agencyImportPage{})
}

// agencyErrorKey keeps the migration's error workbook apart from the
// user's other imports.
func agencyErrorKey(c *gin.Context) string { return "agencies:" + web.PrincipalOf(c).UserID }

func (u *ui) importAgencies(c *gin.Context) {
	ctx := c.Request.Context()
	name, rows, problem, err := readImport(c, excel.ReadAgencies)
	if err != nil {
		web.Fail(c, err)
		return
	}
	if problem != "" {
		u.showAgencyImport(c, http.StatusBadRequest, agencyImportPage{Form: uploadProblemForm(problem)})
		return
	}
	results, err := excel.ImportRows(rows, func(in []registry.MigrationInput) ([]registry.MigrationResult, error) {
		return u.Registry.ImportMigrated(ctx, actor(c), in, u.Auth.MigrationHooks())
	})
	if err != nil {
		n := registry.CountMigration(results)
		if aerr := web.AuditRead(c, "agencies", fmt.Sprintf("迁移导入中介机构「%s」中断：已新增 %d 家，更新 %d 家，未变 %d 家，错误 %d 行",
			name, n.Created, n.Updated, n.Unchanged, n.Rejected)); aerr != nil {
			err = fmt.Errorf("%w (audit: %v)", err, aerr)
		}
		web.Fail(c, err)
		return
	}
	var bad []excel.AgencyRow
	for _, r := range rows {
		if !r.OK() {
			bad = append(bad, r)
		}
	}
	p := agencyImportPage{Done: true, Result: registry.CountMigration(results), Invalid: len(bad), Errors: bad[:min(len(bad), maxShownErrors)]}
	if len(bad) > 0 {
		if err := u.keepErrorBook(agencyErrorKey(c), func(w io.Writer) error { return excel.WriteAgencyErrors(w, bad) }); err != nil {
			web.Fail(c, err)
			return
		}
	}
	web.Audit(c, "agencies", fmt.Sprintf("迁移导入中介机构「%s」：新增 %d 家，更新 %d 家，未变 %d 家，错误 %d 行",
		name, p.Result.Created, p.Result.Updated, p.Result.Unchanged, p.Invalid))
	// Shown directly rather than redirected: the result belongs to this upload.
	u.showAgencyImport(c, http.StatusOK, p)
}

func (u *ui) agencyImportErrors(c *gin.Context) {
	u.sendErrorBook(c, agencyErrorKey(c), "中介机构迁移导入错误")
}

func (u *ui) agencyImportTemplate(c *gin.Context) {
	sendWorkbookBytes(c, "中介机构迁移导入模板.xlsx", excel.WriteAgencyTemplate)
}

// accountFields are the fields of the account opening form; the password
// is read apart so it is never echoed back.
var accountFields = []string{"login", "name", "phone", "email"}

// openAgencyAccount opens the first account of a migrated agency from its
// detail page.
func (u *ui) openAgencyAccount(c *gin.Context) {
	ctx := c.Request.Context()
	f := postedForm(c, accountFields...)
	a, err := u.Registry.Get(ctx, actor(c), c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	if a.Migration == nil {
		web.Fail(c, apperr.Conflict("not_migrated", "该机构在本平台自行注册，账号由机构自行管理"))
		return
	}
	usr, err := u.Auth.OpenAgencyAccount(ctx, web.PrincipalOf(c), auth.AgencyAccountInput{OrgID: a.ID, Login: f.Get("login"),
		Name: f.Get("name"), Phone: f.Get("phone"), Email: f.Get("email"), Password: c.PostForm("password")})
	if err != nil {
		if !f.fail(err) || apperr.Is(err, apperr.KindNotFound) {
			web.Fail(c, err)
			return
		}
		u.showRegistryAgency(c, formStatus(err), regForms{account: f})
		return
	}
	web.Audit(c, a.ID, fmt.Sprintf("为迁移机构「%s」开通账号 %s（%s）", a.Profile.Name, usr.ID, usr.Name))
	u.setFlash(c, "ok", fmt.Sprintf("已为「%s」开通账号 %s，请将初始密码安全地告知使用人，并提醒其登录后修改", a.Profile.Name, usr.ID))
	redirect(c, "/registry/agencies/"+a.ID)
}
