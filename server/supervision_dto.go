package server

import (
	"fmt"
	"time"

	"github.com/agencyhall/agencyhall/scoring"
)

// Supervision bodies (监管: complaints, sanctions, credit, alerts,
// inspections). A public complainant's name and phone reach only
// supervisors and the complainant: complaintDTO is built from what
// scoring.ComplaintFor / Complaints return for the caller, and full=false
// also drops who acted on each step.

// scoreText formats a score in tenths with one decimal: 950 → "95.0".
func scoreText(p scoring.Points) string {
	return fmt.Sprintf("%d.%d", int64(p)/10, int64(p)%10)
}

var gradeLabels = map[string]string{"A": "A 级（推荐）", "B": "B 级", "C": "C 级", "D": "D 级（限制参加财政资金项目）", "": "尚未评分"}

type complaintStepDTO struct {
	At         time.Time `json:"at"`
	Actor      string    `json:"actor,omitempty"`
	State      string    `json:"state"`
	StateLabel string    `json:"state_label"`
	Note       string    `json:"note,omitempty"`
}

type complaintDTO struct {
	ID                   string             `json:"id"`
	State                string             `json:"state"`
	StateLabel           string             `json:"state_label"`
	ComplainantKind      string             `json:"complainant_kind"`
	ComplainantKindLabel string             `json:"complainant_kind_label"`
	ComplainantOrg       string             `json:"complainant_org,omitempty"`
	ComplainantName      string             `json:"complainant_name,omitempty"`
	ComplainantPhone     string             `json:"complainant_phone,omitempty"`
	TargetKind           string             `json:"target_kind"`
	TargetID             string             `json:"target_id"`
	TargetName           string             `json:"target_name"`
	ProjectID            string             `json:"project_id,omitempty"`
	Subject              string             `json:"subject"`
	Details              string             `json:"details"`
	Evidence             []string           `json:"evidence"`
	Severity             string             `json:"severity,omitempty"`
	SeverityLabel        string             `json:"severity_label,omitempty"`
	Finding              string             `json:"finding,omitempty"`
	Response             string             `json:"response,omitempty"`
	RespondedAt          *time.Time         `json:"responded_at,omitempty"`
	SubmittedAt          time.Time          `json:"submitted_at"`
	AcceptedAt           *time.Time         `json:"accepted_at,omitempty"`
	DecidedAt            *time.Time         `json:"decided_at,omitempty"`
	Log                  []complaintStepDTO `json:"log"`
}

var complainantKinds = map[string]string{"public": "公众", "owner": "项目业主", "agency": "中介机构", "regulator": "监管部门", "admin": "平台管理员"}

// toComplaint converts a complaint already filtered for the caller; full
// is true for supervisors and the complainant, who also see who acted.
func toComplaint(c scoring.Complaint, full bool) complaintDTO {
	d := complaintDTO{ID: c.ID, State: string(c.State), StateLabel: c.State.Label(), ComplainantKind: c.ComplainantKind,
		ComplainantKindLabel: complainantKinds[c.ComplainantKind], ComplainantName: c.ComplainantName, TargetKind: c.TargetKind,
		TargetID: c.TargetID, TargetName: c.TargetName, ProjectID: c.ProjectID, Subject: c.Subject, Details: c.Details,
		Evidence: nonNil(c.EvidenceFiles), Severity: string(c.Severity), SeverityLabel: c.Severity.Label(), Finding: c.Finding,
		Response: c.Response, RespondedAt: optTime(c.RespondedAt), SubmittedAt: c.SubmittedAt.UTC(), AcceptedAt: optTime(c.AcceptedAt),
		DecidedAt: optTime(c.DecidedAt), Log: make([]complaintStepDTO, 0, len(c.Log))}
	if full {
		d.ComplainantOrg, d.ComplainantPhone = c.ComplainantOrg, c.ComplainantPhone
	} else if c.ComplainantKind != "public" {
		d.ComplainantName = ""
	}
	for _, s := range c.Log {
		st := complaintStepDTO{At: s.At.UTC(), State: string(s.State), StateLabel: s.State.Label(), Note: s.Note}
		if full {
			st.Actor = s.Actor
		}
		d.Log = append(d.Log, st)
	}
	return d
}

type sanctionDTO struct {
	ID         string     `json:"id"`
	AgencyID   string     `json:"agency_id"`
	AgencyName string     `json:"agency_name"`
	Kind       string     `json:"kind"`
	KindLabel  string     `json:"kind_label"`
	Cause      string     `json:"cause"`
	LegalBasis string     `json:"legal_basis,omitempty"`
	From       time.Time  `json:"from"`
	To         *time.Time `json:"to,omitempty"`
	IssuedAt   time.Time  `json:"issued_at"`
	LiftedAt   *time.Time `json:"lifted_at,omitempty"`
	LiftReason string     `json:"lift_reason,omitempty"`
	// Active: in force now (not lifted, not expired).
	Active bool `json:"active"`
}

func toSanction(now time.Time) func(scoring.Sanction) sanctionDTO {
	return func(x scoring.Sanction) sanctionDTO {
		return sanctionDTO{ID: x.ID, AgencyID: x.AgencyID, AgencyName: x.AgencyName, Kind: string(x.Kind), KindLabel: x.Kind.Label(),
			Cause: x.Cause, LegalBasis: x.LegalBasis, From: x.From.UTC(), To: optTime(x.To), IssuedAt: x.IssuedAt.UTC(),
			LiftedAt: optTime(x.LiftedAt), LiftReason: x.LiftReason, Active: x.ActiveAt(now)}
	}
}

type ruleDTO struct {
	ID           string `json:"id"`
	Description  string `json:"description"`
	Points       string `json:"points"`
	PointsTenths int64  `json:"points_tenths"`
	Cap          string `json:"cap,omitempty"`
	CapTenths    int64  `json:"cap_tenths"`
}

func toRule(r scoring.Rule) ruleDTO {
	d := ruleDTO{ID: r.ID, Description: r.Description, Points: r.Points.String(), PointsTenths: int64(r.Points), CapTenths: int64(r.Cap)}
	if r.Cap != 0 {
		d.Cap = r.Cap.String()
	}
	return d
}

type rulesDTO struct {
	Items []ruleDTO `json:"items"`
	Note  string    `json:"note"`
}

type lineItemDTO struct {
	ID              string    `json:"id"`
	Rule            string    `json:"rule"`
	RuleDescription string    `json:"rule_description"`
	Source          string    `json:"source"`
	ProjectID       string    `json:"project_id,omitempty"`
	Points          string    `json:"points"`
	PointsTenths    int64     `json:"points_tenths"`
	Date            time.Time `json:"date"`
	Note            string    `json:"note,omitempty"`
	// Voided: an upheld appeal removed it; it no longer counts.
	Voided bool `json:"voided"`
}

type historyPointDTO struct {
	Date        string `json:"date"`
	Score       string `json:"score"`
	ScoreTenths int64  `json:"score_tenths"`
	Grade       string `json:"grade"`
}

// creditDTO is an agency's score and why it is what it is.
type creditDTO struct {
	AgencyID    string            `json:"agency_id"`
	AgencyName  string            `json:"agency_name,omitempty"`
	Scored      bool              `json:"scored"`
	Score       string            `json:"score"`
	ScoreTenths int64             `json:"score_tenths"`
	Grade       string            `json:"grade"`
	GradeLabel  string            `json:"grade_label"`
	Recommended bool              `json:"recommended"`
	AsOf        *time.Time        `json:"as_of,omitempty"`
	Items       []lineItemDTO     `json:"items"`
	History     []historyPointDTO `json:"history"`
}

func toCredit(id, name string, card scoring.Scorecard, scored bool, rules []scoring.Rule, hist []scoring.HistoryPoint, since string) creditDTO {
	desc := map[string]string{}
	for _, r := range rules {
		desc[r.ID] = r.Description
	}
	d := creditDTO{AgencyID: id, AgencyName: name, Scored: scored, Score: scoreText(scoring.BaseScore), ScoreTenths: int64(scoring.BaseScore),
		Items: []lineItemDTO{}, History: []historyPointDTO{}}
	if scored {
		d.Score, d.ScoreTenths, d.Grade, d.AsOf = scoreText(card.Score), int64(card.Score), card.Grade, optTime(card.AsOf)
	}
	d.GradeLabel, d.Recommended = gradeLabels[d.Grade], d.Grade == "A"
	for _, it := range card.Items {
		d.Items = append(d.Items, lineItemDTO{ID: it.ID, Rule: it.Rule, RuleDescription: desc[it.Rule], Source: it.Source,
			ProjectID: it.ProjectID, Points: it.Points.String(), PointsTenths: int64(it.Points), Date: it.Date.UTC(), Note: it.Note, Voided: it.Voided})
	}
	for _, p := range hist {
		if p.Date >= since {
			d.History = append(d.History, historyPointDTO{Date: p.Date, Score: scoreText(p.Score), ScoreTenths: int64(p.Score), Grade: p.Grade})
		}
	}
	return d
}

type appealDTO struct {
	ID            string     `json:"id"`
	AgencyID      string     `json:"agency_id"`
	LineItemID    string     `json:"line_item_id"`
	Rule          string     `json:"rule"`
	Points        string     `json:"points"`
	ItemDate      time.Time  `json:"item_date"`
	Reason        string     `json:"reason"`
	At            time.Time  `json:"at"`
	Decision      string     `json:"decision"`
	DecisionLabel string     `json:"decision_label"`
	Note          string     `json:"note,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
}

var appealDecisions = map[string]string{"": "待处理", "upheld": "申诉成立（该项下次评分时作废）", "dismissed": "申诉驳回"}

func toAppeal(a scoring.Appeal) appealDTO {
	return appealDTO{ID: a.ID, AgencyID: a.AgencyID, LineItemID: a.LineItemID, Rule: a.Rule, Points: a.Points.String(),
		ItemDate: a.ItemDate.UTC(), Reason: a.Reason, At: a.At.UTC(), Decision: a.Decision, DecisionLabel: appealDecisions[a.Decision],
		Note: a.Note, DecidedAt: optTime(a.DecidedAt)}
}

type decisionDTO struct {
	AgencyID  string    `json:"agency_id"`
	Kind      string    `json:"kind"`
	KindLabel string    `json:"kind_label"`
	ProjectID string    `json:"project_id,omitempty"`
	Note      string    `json:"note"`
	At        time.Time `json:"at"`
}

var decisionKinds = map[string]string{scoring.EventCommendation: "通报表扬（下次评分时计入）",
	scoring.EventFalseMaterials: "提供虚假材料或围标串标（下次评分时计入，并建议列入黑名单）"}
