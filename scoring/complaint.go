package scoring

import (
	"time"
)

// ComplaintState is where a complaint (投诉) stands.
type ComplaintState string

const (
	ComplaintSubmitted       ComplaintState = "submitted"
	ComplaintAccepted        ComplaintState = "accepted"
	ComplaintRejected        ComplaintState = "rejected"
	ComplaintInvestigating   ComplaintState = "investigating"
	ComplaintSubstantiated   ComplaintState = "substantiated"
	ComplaintUnsubstantiated ComplaintState = "unsubstantiated"
	ComplaintWithdrawn       ComplaintState = "withdrawn"
)

// Label is the Chinese status text.
func (s ComplaintState) Label() string {
	return map[ComplaintState]string{ComplaintSubmitted: "待受理", ComplaintAccepted: "已受理", ComplaintRejected: "不予受理",
		ComplaintInvestigating: "调查中", ComplaintSubstantiated: "投诉属实", ComplaintUnsubstantiated: "投诉不属实",
		ComplaintWithdrawn: "已撤回"}[s]
}

// Open reports whether the complaint still waits for a decision.
func (s ComplaintState) Open() bool {
	return s == ComplaintSubmitted || s == ComplaintAccepted || s == ComplaintInvestigating
}

// Severity of a substantiated complaint.
type Severity string

const (
	SeverityMinor   Severity = "minor"
	SeverityGeneral Severity = "general"
	SeveritySerious Severity = "serious"
)

// Label is the Chinese name.
func (s Severity) Label() string {
	return map[Severity]string{SeverityMinor: "轻微", SeverityGeneral: "一般", SeveritySerious: "严重"}[s]
}

// Complaint is a complaint against an agency or an owner.
type Complaint struct {
	ID               string
	ComplainantKind  string // owner, agency, public
	ComplainantOrg   string
	ComplainantUser  string
	ComplainantName  string // public complainants: a name
	ComplainantPhone string // public complainants: a contact; hidden from the agency
	TargetKind       string // agency or owner
	TargetID         string
	TargetName       string
	ProjectID        string
	Subject          string
	Details          string
	EvidenceFiles    []string
	State            ComplaintState
	Severity         Severity
	Finding          string
	Response         string // the complained-about party's response
	RespondedAt      time.Time
	SubmittedAt      time.Time
	AcceptedAt       time.Time
	DecidedAt        time.Time
	Handler          string
	Log              []ComplaintStep
	Version          int64
}

// ComplaintStep is one entry of a complaint's history.
type ComplaintStep struct {
	At    time.Time
	Actor string
	State ComplaintState
	Note  string
}

// complaintMoves lists the allowed state changes.
var complaintMoves = map[ComplaintState][]ComplaintState{
	ComplaintSubmitted:     {ComplaintAccepted, ComplaintRejected, ComplaintWithdrawn},
	ComplaintAccepted:      {ComplaintInvestigating, ComplaintWithdrawn},
	ComplaintInvestigating: {ComplaintSubstantiated, ComplaintUnsubstantiated, ComplaintWithdrawn},
}

// CanMove reports whether a complaint may go from one state to another.
func CanMove(from, to ComplaintState) bool {
	for _, s := range complaintMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// SanctionKind is the kind of a sanction.
type SanctionKind string

const (
	SanctionWarning    SanctionKind = "warning"    // 警告
	SanctionSuspension SanctionKind = "suspension" // 暂停
	SanctionBlacklist  SanctionKind = "blacklist"  // 列入黑名单
)

// Label is the Chinese name.
func (k SanctionKind) Label() string {
	return map[SanctionKind]string{SanctionWarning: "警告", SanctionSuspension: "暂停承接业务", SanctionBlacklist: "列入黑名单"}[k]
}

// Sanction is a regulator's measure against an agency.
type Sanction struct {
	ID         string
	AgencyID   string
	AgencyName string
	Kind       SanctionKind
	Cause      string
	LegalBasis string
	From       time.Time
	To         time.Time // end of a suspension or blacklisting; zero: until lifted
	IssuedBy   string
	IssuedAt   time.Time
	LiftedAt   time.Time // credit repair (信用修复) or the end of its period
	LiftReason string
	Version    int64
}

// ActiveAt reports whether the sanction is in force at t.
func (s Sanction) ActiveAt(t time.Time) bool {
	if t.Before(s.From) || (!s.LiftedAt.IsZero() && !t.Before(s.LiftedAt)) {
		return false
	}
	return s.To.IsZero() || t.Before(s.To)
}

// Appeal is an agency's challenge of one line item of its score.
type Appeal struct {
	ID         string
	AgencyID   string
	LineItemID string
	Rule       string
	Points     Points
	ItemDate   time.Time
	Reason     string
	At         time.Time
	Decision   string // "", "upheld", "dismissed"
	Note       string
	DecidedAt  time.Time
	DecidedBy  string
	Version    int64
}

// AppealDays is how long after a line item's date an appeal may be filed.
const AppealDays = 14
