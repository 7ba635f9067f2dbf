package server

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// 监管 (supervision): complaints, sanctions and regulators' decisions.
// Credit and appeals are in supervision_credit_handlers.go; alerts,
// inspections, risks and the dashboard in supervision_watch_handlers.go.
// Every rule is the scoring package's. Audit summaries name the object and
// the step, never a complainant's name or phone.

// Tags of supervision's operations.
const (
	tagComplaint    = "投诉"
	tagCredit       = "信用评价与处理公示"
	tagAgencyCredit = "中介机构·信用与申诉"
	tagSupervise    = "监管·投诉处理与信用"
	tagWatch        = "监管·预警、抽查与风险"
	tagInspection   = "双随机一公开"
)

// seesComplainant reports whether who may see who complained: supervisors
// and the complainant.
func seesComplainant(who registry.Actor, c scoring.Complaint) bool {
	return who.Supervises() || (who.UserID != "" && who.UserID == c.ComplainantUser)
}

func complaintsFor(who registry.Actor) func(scoring.Complaint) complaintDTO {
	return func(c scoring.Complaint) complaintDTO { return toComplaint(c, seesComplainant(who, c)) }
}

// parseStates reads a comma-separated list of complaint states.
func parseStates(s string) ([]scoring.ComplaintState, error) {
	var out []scoring.ComplaintState
	for _, x := range splitList(s) {
		st := scoring.ComplaintState(x)
		if st.Label() == "" {
			return nil, apperr.Invalid().Field("state", "状态应为 submitted、accepted、rejected、investigating、substantiated、unsubstantiated 或 withdrawn")
		}
		out = append(out, st)
	}
	return out, nil
}

func (h *handlers) fileComplaint(c *gin.Context) {
	var req complaintRequest
	if !bindJSON(c, &req) {
		return
	}
	who := actorOf(web.PrincipalOf(c))
	v := apperr.Invalid()
	evidenceErrors(v, who.OrgID, req.Evidence, func(id string) bool { return h.Files.Owned(c, who.OrgID, id) })
	if err := v.OrNil(); err != nil {
		web.Fail(c, err)
		return
	}
	var evidence []string
	for _, id := range req.Evidence {
		evidence = append(evidence, strings.TrimSpace(id))
	}
	x, err := h.Scoring.FileComplaint(c, who, scoring.ComplaintInput{Name: req.Name, Phone: req.Phone, TargetKind: strings.TrimSpace(req.TargetKind),
		TargetID: strings.TrimSpace(req.TargetID), ProjectID: strings.TrimSpace(req.ProjectID), Subject: req.Subject, Details: req.Details,
		EvidenceFiles: evidence})
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, x.ID, "提交投诉 "+x.ID+"，被投诉方「"+x.TargetName+"」")
	c.JSON(http.StatusOK, toComplaint(x, true))
}

// myComplaints lists the caller's own complaints, or those against the
// caller's organisation.
func (h *handlers) myComplaints(c *gin.Context) {
	var in myComplaintQuery
	if !bindQueryOK(c, &in) {
		return
	}
	states, err := parseStates(in.State)
	if err != nil {
		web.Fail(c, err)
		return
	}
	who := actorOf(web.PrincipalOf(c))
	q := scoring.ComplaintQuery{States: states, Mine: true, Page: in.Page, PageSize: in.PageSize}
	switch in.Scope {
	case "", "filed":
	case "against":
		q.Mine, q.TargetID = false, who.OrgID
	default:
		web.Fail(c, apperr.Invalid().Field("scope", "应为 filed（本人提交的）或 against（针对本单位的）"))
		return
	}
	items, total := h.Scoring.Complaints(who, q)
	c.JSON(http.StatusOK, newPage(items, total, in.Paging, complaintsFor(who)))
}

func (h *handlers) getComplaint(c *gin.Context) {
	who := actorOf(web.PrincipalOf(c))
	x, err := h.Scoring.ComplaintFor(who, c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toComplaint(x, seesComplainant(who, x)))
}

// withdrawComplaint is the complainant's withdrawal, with an optional note.
func (h *handlers) withdrawComplaint(c *gin.Context) {
	var req noteRequest
	if !bindOptionalJSON(c, &req) {
		return
	}
	who := actorOf(web.PrincipalOf(c))
	if _, err := h.Scoring.ComplaintFor(who, c.Param("id")); err != nil {
		web.Fail(c, err) // not visible to the caller: 404
		return
	}
	x, err := h.Scoring.MoveComplaint(c, who, c.Param("id"), scoring.ComplaintWithdrawn, "", req.Note)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, x.ID, "撤回投诉 "+x.ID)
	c.JSON(http.StatusOK, toComplaint(x, true))
}

// respondComplaint is the complained-about party's response.
func (h *handlers) respondComplaint(c *gin.Context) {
	var req complaintResponseRequest
	if !bindJSON(c, &req) {
		return
	}
	x, err := h.Scoring.RespondToComplaint(c, actorOf(web.PrincipalOf(c)), c.Param("id"), req.Response)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, x.ID, "被投诉方回复投诉 "+x.ID)
	c.JSON(http.StatusOK, toComplaint(x, false))
}

func (h *handlers) superviseComplaints(c *gin.Context) {
	var in complaintQuery
	if !bindQueryOK(c, &in) {
		return
	}
	states, err := parseStates(in.State)
	if err != nil {
		web.Fail(c, err)
		return
	}
	who := actorOf(web.PrincipalOf(c))
	items, total := h.Scoring.Complaints(who, scoring.ComplaintQuery{States: states, TargetID: in.Target, Page: in.Page, PageSize: in.PageSize})
	c.JSON(http.StatusOK, newPage(items, total, in.Paging, complaintsFor(who)))
}

// regulatorMoves are the steps a regulator may take on a complaint.
var regulatorMoves = map[scoring.ComplaintState]bool{scoring.ComplaintAccepted: true, scoring.ComplaintRejected: true,
	scoring.ComplaintInvestigating: true, scoring.ComplaintSubstantiated: true, scoring.ComplaintUnsubstantiated: true}

func (h *handlers) moveComplaint(c *gin.Context) {
	var req moveComplaintRequest
	if !bindJSON(c, &req) {
		return
	}
	to, err := req.target()
	if err != nil {
		web.Fail(c, err)
		return
	}
	x, err := h.Scoring.MoveComplaint(c, actorOf(web.PrincipalOf(c)), c.Param("id"), to, scoring.Severity(strings.TrimSpace(req.Severity)), req.Note)
	if err != nil {
		web.Fail(c, err)
		return
	}
	label := to.Label()
	if to == scoring.ComplaintSubstantiated {
		label += "（" + x.Severity.Label() + "）"
	}
	web.Audit(c, x.ID, "处理投诉 "+x.ID+"：改为“"+label+"”")
	c.JSON(http.StatusOK, toComplaint(x, true))
}

// publicSanctions is the public list of sanctions, like an exclusion list.
func (h *handlers) publicSanctions(c *gin.Context) {
	var in sanctionQuery
	if !bindQueryOK(c, &in) {
		return
	}
	items, total := h.Scoring.Sanctions(in.AgencyID, yes(in.Active), in.Page, in.PageSize)
	c.JSON(http.StatusOK, newPage(items, total, in.Paging, toSanction(h.Scoring.Now())))
}

func (h *handlers) issueSanction(c *gin.Context) {
	var req sanctionRequest
	if !bindJSON(c, &req) {
		return
	}
	in, err := req.input()
	if err != nil {
		web.Fail(c, err)
		return
	}
	x, err := h.Scoring.Issue(c, actorOf(web.PrincipalOf(c)), in)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, x.ID, x.Kind.Label()+"："+x.AgencyName+"（"+x.AgencyID+"，处理编号 "+x.ID+"）")
	c.JSON(http.StatusOK, toSanction(h.Scoring.Now())(x))
}

func (h *handlers) liftSanction(c *gin.Context) {
	var req liftRequest
	if !bindJSON(c, &req) {
		return
	}
	x, err := h.Scoring.Lift(c, actorOf(web.PrincipalOf(c)), c.Param("id"), req.Reason)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, x.ID, "信用修复：解除"+x.Kind.Label()+"（"+x.AgencyName+"，处理编号 "+x.ID+"）")
	c.JSON(http.StatusOK, toSanction(h.Scoring.Now())(x))
}

// recordDecision records a commendation or a finding of false materials
// as a scoring event (counted at the next run).
func (h *handlers) recordDecision(c *gin.Context) {
	var req decisionRecordRequest
	if !bindJSON(c, &req) {
		return
	}
	d := decisionDTO{AgencyID: strings.TrimSpace(req.AgencyID), Kind: strings.TrimSpace(req.Kind), ProjectID: strings.TrimSpace(req.ProjectID),
		Note: strings.TrimSpace(req.Note), At: h.Scoring.Now().UTC()}
	if err := h.Scoring.RecordDecision(c, actorOf(web.PrincipalOf(c)), d.AgencyID, d.Kind, d.ProjectID, d.Note); err != nil {
		web.Fail(c, err)
		return
	}
	d.KindLabel = decisionKinds[d.Kind]
	web.Audit(c, d.AgencyID, "记录"+d.KindLabel+"："+d.AgencyID)
	c.JSON(http.StatusOK, d)
}

// dateField reads an optional date (YYYY-MM-DD, Beijing time; with end,
// the day is included: the time is the start of the next day) or RFC 3339
// time; a malformed one is a field error.
func dateField(v *apperr.Error, field, raw string, end bool) time.Time {
	if raw = strings.TrimSpace(raw); raw == "" {
		return time.Time{}
	}
	t, err := parseTimeParam(raw, end)
	if err != nil {
		v.Field(field, "日期格式应为 YYYY-MM-DD 或 RFC 3339（如 2026-12-31T17:00:00+08:00）")
	}
	return t
}

// bindOptionalJSON decodes a body that may be empty; on failure it has
// answered.
func bindOptionalJSON(c *gin.Context, v any) bool {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		web.Fail(c, apperr.InvalidMsg("body_too_large", "请求体过大或读取失败"))
		return false
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return true
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(raw))
	return bindJSON(c, v)
}
