package adminui

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// Sanctions (处理) and credit repair (信用修复), and the regulators'
// decisions that score: commendations and false materials.

type sanctionsPage struct {
	Form     *form // the issue form
	Agencies []agencyChoice
	Kinds    []scoring.SanctionKind
	Rows     []sanctionRow
	Pager    pager
	Status   string
	Lift     *form  // a lift form shown again after an error
	LiftID   string // the sanction it was for
	Today    string
}

var sanctionFields = []string{"target", "kind", "cause", "legal_basis", "from", "to"}

func (u *ui) superviseSanctions(c *gin.Context) {
	f := newForm()
	f.Values["kind"] = c.Query("kind")
	if id := c.Query("agency"); id != "" {
		if a, ok := u.resolveAgency(u.agencyChoices(false), id); ok {
			f.Values["target"] = a.Name
		}
	}
	u.showSanctions(c, http.StatusOK, f, nil, "")
}

func (u *ui) showSanctions(c *gin.Context, status int, f, lift *form, liftID string) {
	if !u.needScoring(c) {
		return
	}
	p := sanctionsPage{Form: f, Agencies: u.agencyChoices(false), Kinds: sanctionKinds, Lift: lift, LiftID: liftID,
		Today: u.Now().In(shanghai).Format(layoutDate)}
	if lift == nil {
		p.Lift = newForm()
	}
	if s := c.Query("status"); s == "active" || s == "lifted" {
		p.Status = s
	}
	now := u.Now()
	var rows []sanctionRow
	for _, x := range u.allSanctions("") {
		if (p.Status == "active" && !x.ActiveAt(now)) || (p.Status == "lifted" && x.LiftedAt.IsZero()) {
			continue
		}
		rows = append(rows, sanctionState(x, now))
	}
	p.Rows, p.Pager = pageSlice(c, rows, 20)
	u.render(c, status, "sup_sanctions", view{Title: "处理与信用修复", Section: "sanctions", Data: p})
}

// issueSanction records a warning, a suspension or a blacklisting; its
// effect on the agency is immediate (the service applies it).
func (u *ui) issueSanction(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := postedForm(c, sanctionFields...)
	in := scoring.SanctionInput{Kind: scoring.SanctionKind(f.Get("kind")), Cause: f.Get("cause"), LegalBasis: f.Get("legal_basis")}
	v := apperr.Invalid()
	if a, ok := u.resolveAgency(u.agencyChoices(false), f.Get("target")); ok {
		in.AgencyID = a.ID
	} else {
		v.Field("target", "请从列表中选择被处理的中介机构，或填写其统一社会信用代码")
	}
	if s := f.Get("from"); s != "" {
		if d, ok := parseLocalDate(s); ok {
			in.From = d.UTC()
		} else {
			v.Field("from", "请填写起始日期，如 2026-12-01")
		}
	}
	if s := f.Get("to"); s != "" {
		if d, ok := parseLocalDate(s); ok {
			in.To = d.AddDate(0, 0, 1).UTC() // through the whole last day
		} else {
			v.Field("to", "请填写截止日期，如 2026-12-31")
		}
	}
	err := v.OrNil()
	var x scoring.Sanction
	if err == nil {
		x, err = u.Scoring.Issue(c.Request.Context(), actor(c), in)
	}
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		if m, ok := f.Errors["agency_id"]; ok {
			f.Errors["target"] = m
		}
		u.showSanctions(c, formStatus(err), f, nil, "")
		return
	}
	web.Audit(c, "sanction:"+x.ID, x.Kind.Label()+" "+x.ID+"：「"+x.AgencyName+"」")
	u.setFlash(c, "ok", "已对「"+x.AgencyName+"」作出处理："+x.Kind.Label()+"（编号 "+x.ID+"），已在信用公示中公开")
	redirect(c, "/supervise/sanctions")
}

// liftSanction ends a sanction early by credit repair, with a reason.
func (u *ui) liftSanction(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := postedForm(c, "reason")
	x, err := u.Scoring.Lift(c.Request.Context(), actor(c), c.Param("id"), f.Get("reason"))
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) || !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showSanctions(c, formStatus(err), newForm(), f, c.Param("id"))
		return
	}
	web.Audit(c, "sanction:"+x.ID, "信用修复：解除「"+x.AgencyName+"」的"+x.Kind.Label()+" "+x.ID)
	u.setFlash(c, "ok", "已为「"+x.AgencyName+"」办理信用修复，"+x.Kind.Label()+"已解除")
	redirect(c, "/supervise/sanctions")
}

// lastDay is the last day a period ending at t covers.
func lastDay(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(-time.Nanosecond)
}

// decisionsPage records a commendation or a finding of false materials.
type decisionsPage struct {
	Form     *form
	Agencies []agencyChoice
	Rules    map[string]scoring.Rule
}

func (u *ui) decisionForm(c *gin.Context) {
	f := newForm()
	f.Values["kind"] = scoring.EventCommendation
	if id := c.Query("agency"); id != "" {
		if a, ok := u.resolveAgency(u.agencyChoices(false), id); ok {
			f.Values["target"] = a.Name
		}
	}
	u.showDecisions(c, http.StatusOK, f)
}

func (u *ui) showDecisions(c *gin.Context, status int, f *form) {
	if !u.needScoring(c) {
		return
	}
	rules, err := u.Scoring.Rules(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := decisionsPage{Form: f, Agencies: u.agencyChoices(false), Rules: map[string]scoring.Rule{}}
	for _, r := range rules {
		p.Rules[r.ID] = r
	}
	u.render(c, status, "sup_decisions", view{Title: "表扬与失信认定", Section: "decisions", Data: p})
}

func (u *ui) recordDecision(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := postedForm(c, "target", "kind", "project_id", "note")
	a, ok := u.resolveAgency(u.agencyChoices(false), f.Get("target"))
	var err error
	if !ok {
		err = apperr.Invalid().Field("target", "请从列表中选择中介机构，或填写其统一社会信用代码")
	} else {
		err = u.Scoring.RecordDecision(c.Request.Context(), actor(c), a.ID, f.Get("kind"), f.Get("project_id"), f.Get("note"))
	}
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		if m, ok := f.Errors["agency_id"]; ok {
			f.Errors["target"] = m
		}
		u.showDecisions(c, formStatus(err), f)
		return
	}
	if f.Get("kind") == scoring.EventFalseMaterials {
		web.Audit(c, "agency:"+a.ID, "认定「"+a.Name+"」提供虚假材料或围标串标")
		u.setFlash(c, "ok", "已记录对「"+a.Name+"」的失信认定，下次评分时扣分。请根据调查结论作出列入黑名单的处理")
		redirect(c, "/supervise/sanctions?kind=blacklist&agency="+a.ID)
		return
	}
	web.Audit(c, "agency:"+a.ID, "通报表扬「"+a.Name+"」")
	u.setFlash(c, "ok", "已记录对「"+a.Name+"」的通报表扬，下次评分时加分")
	redirect(c, "/supervise/decisions")
}
