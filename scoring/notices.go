package scoring

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/hall"
)

// Notice kinds: what supervision tells its observer (Config.Observe) for
// notifications and webhooks. They are not stored as scoring events and
// never feed the credit score.
const (
	NoticeComplaintFiled = "complaint.filed"      // data: complaint, subject, target_*, project_id, complainant_user
	NoticeComplaintMoved = "complaint.moved"      // data: as filed, plus state, note, severity
	NoticeSanctionIssued = "sanction.issued"      // data: sanction, kind, cause, from, to
	NoticeSanctionLifted = "sanction.lifted"      // data: sanction, kind, reason
	NoticeDecision       = "credit.decision"      // data: kind (commendation|false_materials), note
	NoticeGradeChanged   = "credit.grade_changed" // data: from, to, score (tenths)
	NoticeAlertRaised    = "alert.raised"         // data: alert, kind, level, object_kind, object_id, message
)

// notice tells the observer, if any, of a supervision step that has been
// stored. complainant_user in the data is for routing only: the observer
// must never show it to anyone but that user.
func (s *Service) notice(ctx context.Context, kind, id, agency, project string, at time.Time, data map[string]string) {
	if s.Observe == nil {
		return
	}
	s.Observe(ctx, hall.Event{ID: id, Kind: kind, ProjectID: project, AgencyID: agency, At: at, Data: data})
}

// complaintNotice tells of a new complaint or a step of one.
func (s *Service) complaintNotice(ctx context.Context, kind string, c Complaint, note string) {
	data := map[string]string{"complaint": c.ID, "subject": c.Subject, "target_kind": c.TargetKind, "target_id": c.TargetID,
		"target_name": c.TargetName, "state": string(c.State), "complainant_user": c.ComplainantUser}
	if note != "" {
		data["note"] = note
	}
	if c.Severity != "" {
		data["severity"] = string(c.Severity)
	}
	agency := ""
	if c.TargetKind == "agency" {
		agency = c.TargetID
	}
	at := c.SubmittedAt
	if n := len(c.Log); n > 0 {
		at = c.Log[n-1].At
	}
	s.notice(ctx, kind, fmt.Sprintf("complaint:%s:%d", c.ID, len(c.Log)), agency, c.ProjectID, at, data)
}

// sanctionNotice tells of a sanction issued or ended.
func (s *Service) sanctionNotice(ctx context.Context, x Sanction, lifted bool) {
	data := map[string]string{"sanction": x.ID, "kind": string(x.Kind), "agency_name": x.AgencyName}
	if lifted {
		data["reason"] = x.LiftReason
		s.notice(ctx, NoticeSanctionLifted, "sanction:"+x.ID+":lifted", x.AgencyID, "", x.LiftedAt, data)
		return
	}
	data["cause"] = x.Cause
	data["from"] = x.From.Format(time.RFC3339)
	if !x.To.IsZero() {
		data["to"] = x.To.Format(time.RFC3339)
	}
	s.notice(ctx, NoticeSanctionIssued, "sanction:"+x.ID+":issued", x.AgencyID, "", x.IssuedAt, data)
}

// alertNotice tells of an alert raised or escalated.
func (s *Service) alertNotice(ctx context.Context, a Alert, at time.Time) {
	agency := ""
	if a.ObjectKind == "agency" {
		agency, _, _ = strings.Cut(a.ObjectID, "/")
	}
	project := ""
	if a.ObjectKind == "project" {
		project = a.ObjectID
	}
	id := fmt.Sprintf("alert:%s:%s:%d", strings.ReplaceAll(a.ID, "/", "~"), a.Level, a.RaisedAt.Unix())
	s.notice(ctx, NoticeAlertRaised, id, agency, project, at, map[string]string{"alert": a.ID, "kind": a.Kind, "level": a.Level,
		"object_kind": a.ObjectKind, "object_id": a.ObjectID, "message": a.Message})
}
