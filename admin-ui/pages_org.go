package adminui

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/web"
)

// orgPage is an owner organisation's own profile.
type orgPage struct {
	Org  auth.Org
	Form *form
}

var orgFields = []string{"name", "region", "contact", "phone", "email"}

func (u *ui) showOrg(c *gin.Context, status int, f *form) {
	org, err := u.Auth.GetOrg(c.Request.Context(), web.PrincipalOf(c).OrgID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	if f == nil {
		f = newForm()
		for k, v := range map[string]string{"name": org.Name, "region": org.Region, "contact": org.Contact, "phone": org.Phone, "email": org.Email} {
			f.Values[k] = v
		}
	}
	u.render(c, status, "my_org", view{Title: "单位信息", Section: "org", Data: orgPage{Org: org, Form: f}})
}

func (u *ui) myOrg(c *gin.Context) { u.showOrg(c, http.StatusOK, nil) }

func (u *ui) updateOrg(c *gin.Context) {
	f := postedForm(c, orgFields...)
	org, err := u.Auth.UpdateOwnOrg(c.Request.Context(), web.PrincipalOf(c), auth.OrgProfileInput{
		Name: f.Get("name"), Region: f.Get("region"), Contact: f.Get("contact"), Phone: f.Get("phone"), Email: f.Get("email")})
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showOrg(c, formStatus(err), f)
		return
	}
	web.Audit(c, "org:"+org.ID, fmt.Sprintf("修改单位信息「%s」", org.Name))
	u.setFlash(c, "ok", "单位信息已保存")
	redirect(c, "/my/org")
}
