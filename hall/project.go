package hall

import (
	"time"

	"github.com/agencyhall/agencyhall/registry"
)

// State is where a project stands.
type State string

const (
	StateDraft       State = "draft"       // 草稿
	StateReview      State = "review"      // 公告待审核
	StateOpen        State = "open"        // 报名中
	StateOpening     State = "opening"     // 选取中
	StatePublicity   State = "publicity"   // 公示中
	StateObjection   State = "objection"   // 质疑处理中（公示暂停）
	StateContracting State = "contracting" // 待签约
	StateInService   State = "in_service"  // 服务中
	StateDelivered   State = "delivered"   // 已交付（待验收）
	StateAccepted    State = "accepted"    // 已验收（待评价）
	StateEvaluated   State = "evaluated"   // 已评价
	StateFailed      State = "failed"      // 流标
	StateCancelled   State = "cancelled"   // 已终止
)

// Label is the Chinese status text shown on badges.
func (s State) Label() string {
	return map[State]string{
		StateDraft: "草稿", StateReview: "待审核", StateOpen: "报名中", StateOpening: "选取中", StatePublicity: "公示中",
		StateObjection: "质疑处理中", StateContracting: "待签约", StateInService: "服务中", StateDelivered: "待验收",
		StateAccepted: "待评价", StateEvaluated: "已完成", StateFailed: "流标", StateCancelled: "已终止",
	}[s]
}

// AllStates lists every state in lifecycle order.
var AllStates = []State{StateDraft, StateReview, StateOpen, StateOpening, StatePublicity, StateObjection, StateContracting,
	StateInService, StateDelivered, StateAccepted, StateEvaluated, StateFailed, StateCancelled}

// Public reports whether the project is visible to everybody.
func (s State) Public() bool { return s != StateDraft && s != StateReview }

// Cancellable reports whether the owner may still cancel (before contract).
func (s State) Cancellable() bool {
	switch s {
	case StateDraft, StateReview, StateOpen, StatePublicity, StateObjection, StateContracting:
		return true
	}
	return false
}

// Exclusion keeps an agency out of a project (回避), with the reason.
type Exclusion struct {
	AgencyID string
	Reason   string
}

// Signup is an agency's sign-up. Quotes are not here: they live sealed in
// their own documents (project:agency), which are their commit point.
type Signup struct {
	AgencyID   string
	AgencyName string
	At         time.Time
}

// OpenedBid is one quote as published in the opening record.
type OpenedBid struct {
	AgencyID string
	Amount   int64
	Receipt  string
	Nonce    string
	At       time.Time
	Valid    bool
	Invalid  string // why a quote was not valid
}

// OpeningRecord is everything published at the opening.
type OpeningRecord struct {
	At         time.Time
	Candidates []string // eligible sign-ups at the deadline
	Refused    map[string]string
	Bids       []OpenedBid
	Secret     string // the revealed draw secret
	Witness    string
	Outcome    Outcome
}

// Contract is the signed service contract.
type Contract struct {
	AgencyID  string
	AmountFen int64
	SignedOn  time.Time
	FileID    string
	DueAt     time.Time // contract date + committed time limit, moved by extensions and pauses
}

// Extension moves the due date, approved by the owner.
type Extension struct {
	Days   int
	Reason string
	At     time.Time
}

// Pause stops the service clock while the agency waits for the owner's
// materials (中止计时).
type Pause struct {
	From   time.Time
	To     time.Time // zero while running
	Reason string
}

// Delivery is one upload of the agency's result.
type Delivery struct {
	FileID    string
	At        time.Time
	Decision  string // "", "accepted", "returned"
	Reason    string
	DecidedAt time.Time
	Silent    bool // accepted by silence after the deadline
}

// Evaluation is the owner's rating: five dimensions of 1–5 stars.
type Evaluation struct {
	Quality, Timeliness, Attitude, Fees, Conduct int
	Comment                                      string
	At                                           time.Time
	Default                                      bool // none given in time: 5 stars
	Response                                     string
	ResponseAt                                   time.Time
}

// Objection is a participant's challenge of the result (质疑).
type Objection struct {
	ID        string
	AgencyID  string
	Reason    string
	At        time.Time
	Decision  string // "", "upheld", "dismissed"
	Note      string
	DecidedAt time.Time
	DecidedBy string
}

// Step is one entry of the project's timeline.
type Step struct {
	At     time.Time
	Actor  string // the user who acted ("system" for scheduled steps)
	Agency string // the agency the step concerns, if any
	Kind   string // an event type, see events.go
	Note   string
	Data   map[string]string // facts supervision scores from (e.g. due_at of a delivery)
}

// Project is one service need published in the hall. It embeds its
// sign-ups, opening record and everything after, so each state change is
// one compare-and-swap on one document.
type Project struct {
	ID               string
	Round            int    // 1, or more after a failed round is re-published
	PreviousID       string // the failed round this one re-publishes
	OwnerOrg         string
	OwnerName        string
	Name             string
	InvestmentCode   string // 投资项目代码
	ItemCode         string
	ItemName         string
	Stage            string
	Region           string
	Scope            string
	Funding          Funding
	CeilingFen       int64 // the fixed price for random draws
	FloorFen         int64 // optional
	QualTypes        []string
	QualAll          bool
	TimeLimitDays    int
	Method           Method
	Weights          *Weights
	DirectAgency     string
	DirectReason     string
	PublishedAt      time.Time
	SignupDeadline   time.Time
	OpeningTime      time.Time
	Excluded         []Exclusion
	Witnesses        []string
	ComplaintContact string
	State            State
	CancelReason     string
	Commitment       string // SHA-256 of the draw secret, published
	Secret           string // hex; never shown before the opening
	Signups          []Signup
	Opening          *OpeningRecord
	CriteriaScores   map[string][]int64 // scoring: owner's criteria scores per agency
	Winner           string
	Ranking          []string
	PublicityEnd     time.Time
	Objections       []Objection
	Contract         *Contract
	Extensions       []Extension
	Pauses           []Pause
	Deliveries       []Delivery
	Evaluation       *Evaluation
	Timeline         []Step
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Version          int64 // storage compare-and-swap version, read only
}

// SignupOf returns an agency's sign-up.
func (p *Project) SignupOf(agencyID string) (*Signup, bool) {
	for i := range p.Signups {
		if p.Signups[i].AgencyID == agencyID {
			return &p.Signups[i], true
		}
	}
	return nil, false
}

// Redacted is the project as anyone but the platform itself may see it:
// the draw secret stays hidden until the outcome is decided (a
// comprehensive-scoring owner who knew it while scoring could steer
// tie-breaks).
func (p Project) Redacted() Project {
	if p.Opening == nil || p.Opening.Outcome.Method == "" {
		p.Secret = ""
	}
	return p
}

// RedactedFor is the project as who may see it: besides the secret, until
// the opening nobody but supervisors learns which agencies signed up (a
// list of bidders helps bid rigging); an agency sees its own sign-up and
// everyone sees how many there are.
func (p Project) RedactedFor(who registry.Actor) Project {
	p = p.Redacted()
	if p.Opening != nil || who.Supervises() || len(p.Signups) == 0 {
		return p
	}
	hidden := make([]Signup, len(p.Signups))
	for i, su := range p.Signups {
		if who.Kind == registry.ActorAgency && su.AgencyID == who.OrgID {
			hidden[i] = su
		} else {
			hidden[i] = Signup{AgencyName: "（开启前不公开）", At: su.At}
		}
	}
	p.Signups = hidden
	return p
}
