package adminui

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// Complaint handling (投诉处理): the queue and one complaint's page with
// the steps its state allows.

// complaintRow is a complaint of the queue with its deadlines.
type complaintRow struct {
	scoring.Complaint
	Due     time.Time // accept by (submitted) or decide by (accepted, investigating)
	DueNote string
	Overdue bool
}

type superviseComplaintsPage struct {
	State  string
	States []complaintStateFilter
	Target string
	Rows   []complaintRow
	Pager  pager
	Counts map[string]int
}

func (u *ui) superviseComplaints(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	who := actor(c)
	p := superviseComplaintsPage{States: complaintStateFilters, Target: c.Query("target"), Counts: map[string]int{}}
	var states []scoring.ComplaintState
	p.State, states = complaintStates(c)
	rows, total := u.Scoring.Complaints(who, scoring.ComplaintQuery{States: states, TargetID: p.Target, Page: queryPage(c), PageSize: 20})
	for _, x := range rows {
		p.Rows = append(p.Rows, u.complaintRow(x))
	}
	p.Pager = newPager(c, total, queryPage(c), 20)
	for _, f := range complaintStateFilters[:2] {
		_, p.Counts[f.Key] = u.Scoring.Complaints(who, scoring.ComplaintQuery{States: f.States, PageSize: 1})
	}
	u.render(c, http.StatusOK, "sup_complaints", view{Title: "投诉处理", Section: "sup-complaints", Data: p})
}

// complaintRow adds the SLA deadlines: accept or reject within 2 working
// days, decide within 15 working days of submission.
func (u *ui) complaintRow(x scoring.Complaint) complaintRow {
	r := complaintRow{Complaint: x}
	switch x.State {
	case scoring.ComplaintSubmitted:
		r.Due, r.DueNote = u.Scoring.Calendar.EndOfWorkday(x.SubmittedAt, 2), "受理期限"
	case scoring.ComplaintAccepted, scoring.ComplaintInvestigating:
		r.Due, r.DueNote = u.Scoring.Calendar.EndOfWorkday(x.SubmittedAt, 15), "办结期限"
	}
	r.Overdue = !r.Due.IsZero() && !u.Now().Before(r.Due)
	return r
}

// superviseComplaintPage is one complaint with the regulator's actions.
type superviseComplaintPage struct {
	Row      complaintRow
	Evidence []files.Meta
	Form     *form
	Action   string // the action whose form is shown again
}

func (u *ui) superviseComplaint(c *gin.Context) { u.showComplaint(c, http.StatusOK, nil) }

func (u *ui) showComplaint(c *gin.Context, status int, f *form) {
	if !u.needScoring(c) {
		return
	}
	x, err := u.Scoring.ComplaintFor(actor(c), c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := superviseComplaintPage{Row: u.complaintRow(x), Evidence: u.evidence(c, x.EvidenceFiles), Form: f}
	if f == nil {
		p.Form = newForm()
	} else {
		p.Action = f.Get("to")
	}
	u.render(c, status, "sup_complaint", view{Title: "投诉 " + x.ID, Section: "sup-complaints", Data: p})
}

// complaintMoves are the regulator's steps and their messages.
var complaintMoves = map[string]struct {
	to       scoring.ComplaintState
	did, msg string // for the audit log and for the flash
}{
	"accept":         {scoring.ComplaintAccepted, "受理投诉", "已受理投诉"},
	"reject":         {scoring.ComplaintRejected, "不予受理投诉", "已决定不予受理"},
	"investigate":    {scoring.ComplaintInvestigating, "开始调查投诉", "已开始调查"},
	"substantiate":   {scoring.ComplaintSubstantiated, "认定投诉属实", "已认定投诉属实，下次信用评分时扣分"},
	"unsubstantiate": {scoring.ComplaintUnsubstantiated, "认定投诉不属实", "已认定投诉不属实"},
}

func (u *ui) moveComplaint(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := postedForm(c, "to", "severity", "note")
	m, ok := complaintMoves[f.Get("to")]
	if !ok {
		web.Fail(c, apperr.Invalid().Field("to", "未知的办理步骤"))
		return
	}
	x, err := u.Scoring.MoveComplaint(c.Request.Context(), actor(c), c.Param("id"), m.to, scoring.Severity(f.Get("severity")), f.Get("note"))
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) || !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showComplaint(c, formStatus(err), f)
		return
	}
	summary := m.did + " " + x.ID + "（被投诉方「" + x.TargetName + "」）"
	if x.State == scoring.ComplaintSubstantiated {
		summary += "，情节" + x.Severity.Label()
	}
	web.Audit(c, "complaint:"+x.ID, summary)
	u.setFlash(c, "ok", m.msg+"："+x.ID)
	redirect(c, "/supervise/complaints/"+x.ID)
}
