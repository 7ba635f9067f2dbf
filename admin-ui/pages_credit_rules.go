package adminui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// The admins' rule table: points and cap of each rule, changed one rule at
// a time (audited as credit.rule_update); the next scoring run uses them.

type adminRulesPage struct {
	Rules  []scoring.Rule
	Form   *form
	FormID string // the rule whose form is shown again
}

func (u *ui) adminRules(c *gin.Context) { u.showAdminRules(c, http.StatusOK, nil, "") }

func (u *ui) showAdminRules(c *gin.Context, status int, f *form, id string) {
	if !u.needScoring(c) {
		return
	}
	rules, err := u.Scoring.Rules(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	if f == nil {
		f = newForm()
	}
	u.render(c, status, "credit_admin_rules", view{Title: "评分规则管理", Section: "rules", Data: adminRulesPage{Rules: rules, Form: f, FormID: id}})
}

func (u *ui) updateRule(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	id := c.Param("id")
	f := postedForm(c, "points", "cap")
	v := apperr.Invalid()
	pts, ok := parseTenths(f.Get("points"))
	if !ok {
		v.Field("points", "请填写分值，如 -5、+0.5（最多一位小数）")
	}
	capPts, ok := parseTenths(f.Get("cap"))
	if f.Get("cap") == "" {
		capPts, ok = 0, true
	}
	if !ok {
		v.Field("cap", "请填写上限，如 -10、+10，不设上限填 0")
	}
	var before scoring.Rule
	if rules, err := u.Scoring.Rules(c.Request.Context()); err == nil {
		for _, r := range rules {
			if r.ID == id {
				before = r
			}
		}
	}
	err := v.OrNil()
	var r scoring.Rule
	if err == nil {
		r, err = u.Scoring.UpdateRule(c.Request.Context(), actor(c), id, pts, capPts)
	}
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) || !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showAdminRules(c, formStatus(err), f, id)
		return
	}
	web.Audit(c, "credit_rule:"+r.ID, "修改评分规则「"+ruleName(r.ID)+"」：分值 "+before.Points.String()+" → "+r.Points.String()+
		"，上限 "+capText(before.Cap)+" → "+capText(r.Cap))
	u.setFlash(c, "ok", "已修改「"+ruleName(r.ID)+"」，下次评分时生效")
	redirect(c, "/admin/credit/rules")
}

// capText shows a cap, or that there is none.
func capText(p scoring.Points) string {
	if p == 0 {
		return "不设上限"
	}
	return p.String()
}

// parseTenths reads a signed decimal with at most one decimal place as
// tenths of a point, e.g. "-5" → -50, "+0.5" → 5, "−2" → -20.
func parseTenths(s string) (scoring.Points, bool) {
	s = strings.TrimSpace(strings.NewReplacer("−", "-", "＋", "+", "－", "-", " ", "").Replace(s))
	neg := strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		s = s[1:] // one sign at most: "+-5" and "--5" are typos, not numbers
	}
	v, ok := parseDecimalTenths(s)
	if !ok {
		return 0, false
	}
	if neg {
		v = -v
	}
	return scoring.Points(v), true
}

// parseDecimalTenths reads digits with at most one decimal as tenths.
func parseDecimalTenths(s string) (int64, bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 6 || len(frac) > 1 || (dot && frac == "") {
		return 0, false
	}
	var v int64
	for _, r := range whole + frac + strings.Repeat("0", 1-len(frac)) {
		if r < '0' || r > '9' {
			return 0, false
		}
		v = v*10 + int64(r-'0')
	}
	return v, true
}
