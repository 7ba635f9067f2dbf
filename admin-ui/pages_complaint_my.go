package adminui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// complaintStateFilter is one choice of a complaint list's state filter.
type complaintStateFilter struct {
	Key, Label string
	States     []scoring.ComplaintState
}

var complaintStateFilters = []complaintStateFilter{
	{"open", "办理中", []scoring.ComplaintState{scoring.ComplaintSubmitted, scoring.ComplaintAccepted, scoring.ComplaintInvestigating}},
	{"submitted", "待受理", []scoring.ComplaintState{scoring.ComplaintSubmitted}},
	{"investigating", "调查中", []scoring.ComplaintState{scoring.ComplaintAccepted, scoring.ComplaintInvestigating}},
	{"substantiated", "投诉属实", []scoring.ComplaintState{scoring.ComplaintSubstantiated}},
	{"unsubstantiated", "投诉不属实", []scoring.ComplaintState{scoring.ComplaintUnsubstantiated}},
	{"rejected", "不予受理", []scoring.ComplaintState{scoring.ComplaintRejected}},
	{"withdrawn", "已撤回", []scoring.ComplaintState{scoring.ComplaintWithdrawn}},
}

// complaintStates reads a list's state filter.
func complaintStates(c *gin.Context) (string, []scoring.ComplaintState) {
	for _, f := range complaintStateFilters {
		if f.Key == c.Query("state") {
			return f.Key, f.States
		}
	}
	return "", nil
}

// myComplaintsPage lists the complaints a user filed, or those against
// the user's organisation (without who filed them).
type myComplaintsPage struct {
	Scope   string // filed or against
	State   string
	States  []complaintStateFilter
	Rows    []scoring.Complaint
	Pager   pager
	IsAgent bool
}

func (u *ui) myComplaints(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	who := actor(c)
	p := myComplaintsPage{Scope: "filed", States: complaintStateFilters, IsAgent: who.Kind == registry.ActorAgency}
	if c.Query("scope") == "against" || (c.Query("scope") == "" && p.IsAgent) {
		p.Scope = "against"
	}
	var states []scoring.ComplaintState
	p.State, states = complaintStates(c)
	q := scoring.ComplaintQuery{States: states, Mine: p.Scope == "filed", Page: queryPage(c), PageSize: 20}
	if p.Scope == "against" {
		q.TargetID = who.OrgID
	}
	var total int
	p.Rows, total = u.Scoring.Complaints(who, q)
	p.Pager = newPager(c, total, q.Page, 20)
	u.render(c, http.StatusOK, "complaint_mine", view{Title: "投诉", Section: "complaints", Data: p})
}

// complaintPage is one complaint as its complainant or the complained-
// about party sees it.
type complaintPage struct {
	C           scoring.Complaint
	Complainant bool // the viewer filed it
	Target      bool // the viewer's organisation is complained about
	Evidence    []files.Meta
	Form        *form
}

func (u *ui) myComplaint(c *gin.Context) { u.showMyComplaint(c, http.StatusOK, nil) }

func (u *ui) showMyComplaint(c *gin.Context, status int, f *form) {
	if !u.needScoring(c) {
		return
	}
	who := actor(c)
	x, err := u.Scoring.ComplaintFor(who, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := complaintPage{C: x, Complainant: who.UserID != "" && x.ComplainantUser == who.UserID, Form: f}
	p.Target = !p.Complainant && who.OrgID != "" && x.TargetID == who.OrgID
	if p.Target {
		x = scoring.HideComplainant(x) // never more than the service's redacted view
		p.C = x
	}
	if p.Complainant {
		p.Evidence = u.evidence(c, x.EvidenceFiles)
	}
	if p.Form == nil {
		p.Form = newForm()
		p.Form.Values["response"] = x.Response
	}
	u.render(c, status, "complaint_detail", view{Title: "投诉 " + x.ID, Section: "complaints", Data: p})
}

// evidence lists the metadata of a complaint's files the viewer may read.
func (u *ui) evidence(c *gin.Context, ids []string) []files.Meta {
	var out []files.Meta
	for _, id := range ids {
		if m, err := u.Files.Stat(c.Request.Context(), fileReader(c), id); err == nil {
			out = append(out, m)
		}
	}
	return out
}

// respondComplaint is the complained-about party's statement.
func (u *ui) respondComplaint(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := postedForm(c, "response")
	x, err := u.Scoring.RespondToComplaint(c.Request.Context(), actor(c), c.Param("id"), f.Get("response"))
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) || !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showMyComplaint(c, formStatus(err), f)
		return
	}
	web.Audit(c, "complaint:"+x.ID, "被投诉方对投诉 "+x.ID+" 作出说明")
	u.setFlash(c, "ok", "说明已提交，监管部门办理时会一并考虑")
	redirect(c, "/my/complaints/"+x.ID)
}

// withdrawComplaint is the complainant's withdrawal before a decision.
func (u *ui) withdrawComplaint(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	who := actor(c)
	if _, err := u.Scoring.ComplaintFor(who, c.Param("id")); err != nil {
		web.Fail(c, err)
		return
	}
	f := postedForm(c, "note")
	x, err := u.Scoring.MoveComplaint(c.Request.Context(), who, c.Param("id"), scoring.ComplaintWithdrawn, "", f.Get("note"))
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showMyComplaint(c, formStatus(err), f)
		return
	}
	web.Audit(c, "complaint:"+x.ID, "撤回投诉 "+x.ID)
	u.setFlash(c, "ok", "投诉 "+x.ID+" 已撤回")
	redirect(c, "/my/complaints/"+x.ID)
}
