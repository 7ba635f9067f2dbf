package adminui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

// listPageSize is the page size of the admin lists.
const listPageSize = 20

// usersPage is the admin's user list.
type usersPage struct {
	Query  string
	Role   string
	Roles  []auth.Role
	Users  []userRow
	Pager  pager
	Back   string // this list's address, so an action returns to it
	Self   string
	Filter bool // whether any filter is set, to explain an empty list
}

type userRow struct {
	auth.User
	OrgName string
}

func (u *ui) adminUsers(c *gin.Context) {
	ctx := c.Request.Context()
	p := web.PrincipalOf(c)
	page := usersPage{Query: strings.TrimSpace(c.Query("q")), Roles: auth.Roles, Back: c.Request.URL.RequestURI(), Self: p.UserID}
	f := auth.UserFilter{Query: page.Query, Page: queryPage(c), PageSize: listPageSize}
	for _, r := range auth.Roles {
		if c.Query("role") == string(r) {
			f.Role, page.Role = r, string(r)
		}
	}
	page.Filter = page.Query != "" || page.Role != ""
	res, err := u.Auth.ListUsers(ctx, p, f)
	if err != nil {
		web.Fail(c, err)
		return
	}
	// One lookup by _id per distinct organisation on the page: cheap on
	// every engine, unlike a filtered scan.
	orgNames := map[string]string{}
	for _, usr := range res.Items {
		if _, ok := orgNames[usr.OrgID]; !ok {
			if org, err := u.Auth.GetOrg(ctx, usr.OrgID); err == nil {
				orgNames[usr.OrgID] = org.Name
			} else if !apperr.Is(err, apperr.KindNotFound) {
				web.Fail(c, err)
				return
			}
		}
		page.Users = append(page.Users, userRow{User: usr, OrgName: orgNames[usr.OrgID]})
	}
	page.Pager = newPager(c, res.Total, res.Page, res.PageSize)
	u.render(c, http.StatusOK, "admin_users", view{Title: "用户管理", Section: "users", Data: page})
}

// setUserDisabled disables or enables an account, then returns to the list
// the admin came from.
func (u *ui) setUserDisabled(disabled bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.Param("id")
		usr, err := u.Auth.SetUserDisabled(c.Request.Context(), web.PrincipalOf(c), id, disabled)
		if err != nil {
			web.Fail(c, err)
			return
		}
		back, ok := localPath(c.PostForm("back"))
		if !ok || !strings.HasPrefix(back, "/admin/users") {
			back = "/admin/users"
		}
		verb := "启用"
		if disabled {
			verb = "停用"
		}
		web.Audit(c, "user:"+usr.ID, fmt.Sprintf("%s账号 %s（%s）", verb, usr.ID, usr.Name))
		msg := fmt.Sprintf("已%s账号 %s（%s）", verb, usr.ID, usr.Name)
		if disabled {
			msg += "，其登录会话已全部结束"
		}
		u.setFlash(c, "ok", msg)
		redirect(c, back)
	}
}

// orgsPage is the admin's organisation list.
type orgsPage struct {
	Query  string
	Kind   string
	Kinds  []auth.OrgKind
	Orgs   []auth.Org
	Pager  pager
	Filter bool
}

var orgKinds = []auth.OrgKind{auth.OrgOwner, auth.OrgAgency, auth.OrgRegulator, auth.OrgPlatform}

func (u *ui) adminOrgs(c *gin.Context) {
	page := orgsPage{Query: strings.TrimSpace(c.Query("q")), Kinds: orgKinds}
	f := auth.OrgFilter{Query: page.Query, Page: queryPage(c), PageSize: listPageSize}
	for _, k := range orgKinds {
		if c.Query("kind") == string(k) {
			f.Kind, page.Kind = k, string(k)
		}
	}
	page.Filter = page.Query != "" || page.Kind != ""
	res, err := u.Auth.ListOrgs(c.Request.Context(), web.PrincipalOf(c), f)
	if err != nil {
		web.Fail(c, err)
		return
	}
	page.Orgs = res.Items
	page.Pager = newPager(c, res.Total, res.Page, res.PageSize)
	u.render(c, http.StatusOK, "admin_orgs", view{Title: "单位管理", Section: "orgs", Data: page})
}

// regulatorPage is the form that creates a regulator account, for a new
// department or an existing one.
type regulatorPage struct {
	Form        *form
	Departments []auth.Org
}

var regulatorFields = []string{"org_id", "org_name", "department", "region", "login", "name", "email", "phone"}

func (u *ui) showRegulatorForm(c *gin.Context, status int, f *form) {
	deps, err := u.Auth.ListOrgs(c.Request.Context(), web.PrincipalOf(c), auth.OrgFilter{Kind: auth.OrgRegulator, PageSize: 100})
	if err != nil {
		web.Fail(c, err)
		return
	}
	u.render(c, status, "admin_regulator_new", view{Title: "新建监管账号", Section: "regulators",
		Data: regulatorPage{Form: f, Departments: deps.Items}})
}

func (u *ui) regulatorForm(c *gin.Context) {
	f := newForm()
	f.Values["region"] = u.Region
	u.showRegulatorForm(c, http.StatusOK, f)
}

func (u *ui) createRegulator(c *gin.Context) {
	f := postedForm(c, regulatorFields...)
	in := auth.CreateRegulatorInput{OrgID: f.Get("org_id"), OrgName: f.Get("org_name"), Department: f.Get("department"),
		Region: f.Get("region"), Login: f.Get("login"), Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"),
		Password: c.PostForm("password")}
	usr, org, err := u.Auth.CreateRegulator(c.Request.Context(), web.PrincipalOf(c), in)
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showRegulatorForm(c, formStatus(err), f)
		return
	}
	web.Audit(c, "user:"+usr.ID, fmt.Sprintf("为监管部门「%s」创建账号 %s（%s）", org.Name, usr.ID, usr.Name))
	u.setFlash(c, "ok", fmt.Sprintf("已为「%s」创建监管账号 %s，请将初始密码安全地告知使用人", org.Name, usr.ID))
	redirect(c, "/admin/users?role=regulator")
}
