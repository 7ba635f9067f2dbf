package server

import (
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// Selection hall bodies. They are built from the project as the domain
// returns it and never from Project.Secret: the draw secret appears only as
// the opening record's revealed secret, once the outcome is decided, and
// quotes only as the opening record's bids, once the quotes are opened.

// deadlineDTO is the next deadline of a project, for countdowns.
type deadlineDTO struct {
	At    time.Time `json:"at"`
	Label string    `json:"label"`
}

// projectSummaryDTO is one project in the hall's lists.
type projectSummaryDTO struct {
	ID             string       `json:"id"`
	Name           string       `json:"name"`
	OwnerName      string       `json:"owner_name"`
	ItemCode       string       `json:"item_code"`
	ItemName       string       `json:"item_name"`
	Stage          string       `json:"stage"`
	Region         string       `json:"region"`
	Funding        string       `json:"funding"`
	FundingLabel   string       `json:"funding_label"`
	CeilingFen     int64        `json:"ceiling_fen"`
	FloorFen       int64        `json:"floor_fen"`
	Method         string       `json:"method"`
	MethodLabel    string       `json:"method_label"`
	State          string       `json:"state"`
	StateLabel     string       `json:"state_label"`
	Round          int          `json:"round"`
	SignupDeadline *time.Time   `json:"signup_deadline,omitempty"`
	OpeningTime    *time.Time   `json:"opening_time,omitempty"`
	SignupCount    int          `json:"signup_count"`
	NextDeadline   *deadlineDTO `json:"next_deadline,omitempty"`
	WinnerID       string       `json:"winner_id,omitempty"`
	WinnerName     string       `json:"winner_name,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
}

func toProjectSummary(p hall.Project) projectSummaryDTO {
	d := projectSummaryDTO{ID: p.ID, Name: p.Name, OwnerName: p.OwnerName, ItemCode: p.ItemCode, ItemName: p.ItemName,
		Stage: p.Stage, Region: p.Region, Funding: string(p.Funding), FundingLabel: p.Funding.Label(), CeilingFen: p.CeilingFen,
		FloorFen: p.FloorFen, Method: string(p.Method), MethodLabel: p.Method.Label(), State: string(p.State),
		StateLabel: p.State.Label(), Round: p.Round, SignupDeadline: optTime(p.SignupDeadline), OpeningTime: optTime(p.OpeningTime),
		SignupCount: len(p.Signups), WinnerID: p.Winner, WinnerName: agencyName(p, p.Winner), CreatedAt: p.CreatedAt.UTC()}
	if at, label := p.Deadline(); !at.IsZero() {
		d.NextDeadline = &deadlineDTO{At: at.UTC(), Label: label}
	}
	return d
}

// agencyName is the name an agency signed up under ("" for none).
func agencyName(p hall.Project, id string) string {
	if id == "" {
		return ""
	}
	if su, ok := p.SignupOf(id); ok && su.AgencyName != "" {
		return su.AgencyName
	}
	return id
}

// projectDTO is everything public about a project.
type projectDTO struct {
	projectSummaryDTO
	PreviousID       string         `json:"previous_id,omitempty"`
	InvestmentCode   string         `json:"investment_code,omitempty"`
	Scope            string         `json:"scope,omitempty"`
	Qualifications   []string       `json:"qualifications"`
	QualAll          bool           `json:"qual_all"`
	TimeLimitDays    int            `json:"time_limit_days"`
	Weights          *weightsDTO    `json:"weights,omitempty"`
	DirectAgency     string         `json:"direct_agency,omitempty"`
	DirectReason     string         `json:"direct_reason,omitempty"`
	PublishedAt      *time.Time     `json:"published_at,omitempty"`
	Excluded         []exclusionDTO `json:"excluded"`
	Witnesses        []string       `json:"witnesses"`
	ComplaintContact string         `json:"complaint_contact,omitempty"`
	CancelReason     string         `json:"cancel_reason,omitempty"`
	Commitment       string         `json:"commitment,omitempty"`
	Signups          []signupDTO    `json:"signups"`
	Opening          *openingDTO    `json:"opening,omitempty"`
	Result           *resultDTO     `json:"result,omitempty"`
	Objections       []objectionDTO `json:"objections"`
	Contract         *contractDTO   `json:"contract,omitempty"`
	Extensions       []extensionDTO `json:"extensions"`
	Pauses           []pauseDTO     `json:"pauses"`
	Deliveries       []deliveryDTO  `json:"deliveries"`
	Evaluation       *evaluationDTO `json:"evaluation,omitempty"`
	Timeline         []stepDTO      `json:"timeline"`
	UpdatedAt        time.Time      `json:"updated_at"`
}

// weightsDTO are comprehensive scoring's published points (total 100).
type weightsDTO struct {
	Price    int64          `json:"price"`
	Credit   int64          `json:"credit"`
	Criteria []criterionDTO `json:"criteria"`
}

type criterionDTO struct {
	Name string `json:"name"`
	Max  int64  `json:"max"`
}

type exclusionDTO struct {
	AgencyID string `json:"agency_id"`
	Reason   string `json:"reason"`
}

type signupDTO struct {
	AgencyID   string    `json:"agency_id"`
	AgencyName string    `json:"agency_name"`
	At         time.Time `json:"at"`
}

// openingDTO is the opening record, public once the project is opened.
type openingDTO struct {
	At         time.Time    `json:"at"`
	Candidates []string     `json:"candidates"`
	Refused    []refusedDTO `json:"refused"`
	Bids       []bidDTO     `json:"bids"`
	// Secret is the revealed draw secret, set when the outcome is decided
	// (comprehensive scoring: after the owner's criteria scores).
	Secret  string      `json:"secret,omitempty"`
	Witness string      `json:"witness,omitempty"`
	Outcome *outcomeDTO `json:"outcome,omitempty"`
}

type refusedDTO struct {
	AgencyID   string `json:"agency_id"`
	AgencyName string `json:"agency_name"`
	Reason     string `json:"reason"`
}

// bidDTO is an opened quote with its receipt, so each agency can check its own.
type bidDTO struct {
	AgencyID   string    `json:"agency_id"`
	AgencyName string    `json:"agency_name"`
	AmountFen  int64     `json:"amount_fen"`
	Receipt    string    `json:"receipt"`
	Nonce      string    `json:"nonce"`
	At         time.Time `json:"at"`
	Valid      bool      `json:"valid"`
	Invalid    string    `json:"invalid,omitempty"`
}

// outcomeDTO is how the result was computed. Scores are in ten-thousandths
// of a point.
type outcomeDTO struct {
	Method         string     `json:"method"`
	MethodLabel    string     `json:"method_label"`
	Failed         bool       `json:"failed"`
	FailReason     string     `json:"fail_reason,omitempty"`
	Note           string     `json:"note,omitempty"`
	Winner         string     `json:"winner,omitempty"`
	Ranking        []string   `json:"ranking"`
	TrimmedMeanFen int64      `json:"trimmed_mean_fen,omitempty"`
	CoefficientBP  int        `json:"coefficient_bp,omitempty"`
	BenchmarkFen   int64      `json:"benchmark_fen,omitempty"`
	Scores         []scoreDTO `json:"scores"`
	Draws          []drawDTO  `json:"draws"`
}

type scoreDTO struct {
	AgencyID   string `json:"agency_id"`
	AgencyName string `json:"agency_name"`
	Price      int64  `json:"price"`
	Credit     int64  `json:"credit"`
	Criteria   int64  `json:"criteria"`
	Total      int64  `json:"total"`
}

// drawDTO is one verifiable draw as published.
type drawDTO struct {
	Purpose      string   `json:"purpose"`
	PurposeLabel string   `json:"purpose_label"`
	Candidates   []string `json:"candidates"`
	Witness      string   `json:"witness"`
	Seed         string   `json:"seed"`
	Picks        []int    `json:"picks"`
	Winners      []string `json:"winners"`
}

var drawPurposes = map[string]string{"winner": "抽取中选机构", "tie-break": "同分（同价）排序", "coefficient": "抽取下浮系数",
	"redraw": "重新抽取中选机构"}

type rankDTO struct {
	AgencyID   string `json:"agency_id"`
	AgencyName string `json:"agency_name"`
}

// resultDTO is the selection result while it stands.
type resultDTO struct {
	WinnerID     string     `json:"winner_id"`
	WinnerName   string     `json:"winner_name"`
	Ranking      []rankDTO  `json:"ranking"`
	PublicityEnd *time.Time `json:"publicity_end,omitempty"`
}

type objectionDTO struct {
	ID         string     `json:"id"`
	AgencyID   string     `json:"agency_id"`
	AgencyName string     `json:"agency_name"`
	Reason     string     `json:"reason"`
	At         time.Time  `json:"at"`
	Decision   string     `json:"decision,omitempty"`
	Note       string     `json:"note,omitempty"`
	DecidedAt  *time.Time `json:"decided_at,omitempty"`
}

// contractDTO summarises the contract; the file itself is not public.
type contractDTO struct {
	AgencyID   string    `json:"agency_id"`
	AgencyName string    `json:"agency_name"`
	AmountFen  int64     `json:"amount_fen"`
	SignedOn   string    `json:"signed_on"`
	DueAt      time.Time `json:"due_at"`
	DueOn      string    `json:"due_on"`
}

type extensionDTO struct {
	Days   int       `json:"days"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

type pauseDTO struct {
	From   time.Time  `json:"from"`
	To     *time.Time `json:"to,omitempty"`
	Reason string     `json:"reason"`
}

type deliveryDTO struct {
	At        time.Time  `json:"at"`
	Decision  string     `json:"decision,omitempty"`
	Reason    string     `json:"reason,omitempty"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	Silent    bool       `json:"silent"`
}

type evaluationDTO struct {
	Quality    int        `json:"quality"`
	Timeliness int        `json:"timeliness"`
	Attitude   int        `json:"attitude"`
	Fees       int        `json:"fees"`
	Conduct    int        `json:"conduct"`
	Comment    string     `json:"comment,omitempty"`
	At         time.Time  `json:"at"`
	Default    bool       `json:"default"`
	Response   string     `json:"response,omitempty"`
	ResponseAt *time.Time `json:"response_at,omitempty"`
}

// stepDTO is one timeline entry; who acted is not published beyond
// whether it was the platform's schedule.
type stepDTO struct {
	At         time.Time `json:"at"`
	Kind       string    `json:"kind"`
	Label      string    `json:"label"`
	AgencyID   string    `json:"agency_id,omitempty"`
	AgencyName string    `json:"agency_name,omitempty"`
	Note       string    `json:"note,omitempty"`
	System     bool      `json:"system"`
}

func toProject(p hall.Project) projectDTO {
	d := projectDTO{projectSummaryDTO: toProjectSummary(p), PreviousID: p.PreviousID, InvestmentCode: p.InvestmentCode,
		Scope: p.Scope, Qualifications: nonNil(p.QualTypes), QualAll: p.QualAll, TimeLimitDays: p.TimeLimitDays,
		DirectAgency: p.DirectAgency, DirectReason: p.DirectReason, PublishedAt: optTime(p.PublishedAt),
		Excluded: []exclusionDTO{}, Witnesses: nonNil(p.Witnesses), ComplaintContact: p.ComplaintContact,
		CancelReason: p.CancelReason, Commitment: p.Commitment, Signups: []signupDTO{}, Objections: []objectionDTO{},
		Extensions: []extensionDTO{}, Pauses: []pauseDTO{}, Deliveries: []deliveryDTO{}, Timeline: []stepDTO{},
		UpdatedAt: p.UpdatedAt.UTC()}
	if w := p.Weights; w != nil {
		d.Weights = &weightsDTO{Price: w.Price, Credit: w.Credit, Criteria: []criterionDTO{}}
		for _, c := range w.Criteria {
			d.Weights.Criteria = append(d.Weights.Criteria, criterionDTO{Name: c.Name, Max: c.Max})
		}
	}
	for _, e := range p.Excluded {
		d.Excluded = append(d.Excluded, exclusionDTO{AgencyID: e.AgencyID, Reason: e.Reason})
	}
	for _, s := range p.Signups {
		d.Signups = append(d.Signups, signupDTO{AgencyID: s.AgencyID, AgencyName: s.AgencyName, At: s.At.UTC()})
	}
	d.Opening = toOpening(p)
	if p.Winner != "" {
		r := &resultDTO{WinnerID: p.Winner, WinnerName: agencyName(p, p.Winner), Ranking: []rankDTO{}, PublicityEnd: optTime(p.PublicityEnd)}
		for _, id := range p.Ranking {
			r.Ranking = append(r.Ranking, rankDTO{AgencyID: id, AgencyName: agencyName(p, id)})
		}
		d.Result = r
	}
	for _, o := range p.Objections {
		d.Objections = append(d.Objections, objectionDTO{ID: o.ID, AgencyID: o.AgencyID, AgencyName: agencyName(p, o.AgencyID),
			Reason: o.Reason, At: o.At.UTC(), Decision: o.Decision, Note: o.Note, DecidedAt: optTime(o.DecidedAt)})
	}
	if c := p.Contract; c != nil {
		d.Contract = &contractDTO{AgencyID: c.AgencyID, AgencyName: agencyName(p, c.AgencyID), AmountFen: c.AmountFen,
			SignedOn: registry.DateOf(c.SignedOn).String(), DueAt: c.DueAt.UTC(),
			DueOn: registry.DateOf(c.DueAt.Add(-time.Second)).String()}
	}
	for _, e := range p.Extensions {
		d.Extensions = append(d.Extensions, extensionDTO{Days: e.Days, Reason: e.Reason, At: e.At.UTC()})
	}
	for _, x := range p.Pauses {
		d.Pauses = append(d.Pauses, pauseDTO{From: x.From.UTC(), To: optTime(x.To), Reason: x.Reason})
	}
	for _, x := range p.Deliveries {
		d.Deliveries = append(d.Deliveries, deliveryDTO{At: x.At.UTC(), Decision: x.Decision, Reason: x.Reason,
			DecidedAt: optTime(x.DecidedAt), Silent: x.Silent})
	}
	if e := p.Evaluation; e != nil {
		d.Evaluation = &evaluationDTO{Quality: e.Quality, Timeliness: e.Timeliness, Attitude: e.Attitude, Fees: e.Fees,
			Conduct: e.Conduct, Comment: e.Comment, At: e.At.UTC(), Default: e.Default, Response: e.Response,
			ResponseAt: optTime(e.ResponseAt)}
	}
	d.Timeline = toSteps(p)
	return d
}

func toSteps(p hall.Project) []stepDTO {
	out := make([]stepDTO, 0, len(p.Timeline))
	for _, s := range p.Timeline {
		out = append(out, stepDTO{At: s.At.UTC(), Kind: s.Kind, Label: hall.EventLabel(s.Kind), AgencyID: s.Agency,
			AgencyName: agencyName(p, s.Agency), Note: s.Note, System: s.Actor == "system"})
	}
	return out
}

// toOpening publishes the opening record: nil before the opening.
func toOpening(p hall.Project) *openingDTO {
	o := p.Opening
	if o == nil {
		return nil
	}
	d := &openingDTO{At: o.At.UTC(), Candidates: nonNil(o.Candidates), Refused: []refusedDTO{}, Bids: []bidDTO{},
		Secret: o.Secret, Witness: o.Witness}
	for _, su := range p.Signups { // sign-up order, so the list is stable
		if reason, ok := o.Refused[su.AgencyID]; ok {
			d.Refused = append(d.Refused, refusedDTO{AgencyID: su.AgencyID, AgencyName: su.AgencyName, Reason: reason})
		}
	}
	for _, b := range o.Bids {
		d.Bids = append(d.Bids, bidDTO{AgencyID: b.AgencyID, AgencyName: agencyName(p, b.AgencyID), AmountFen: b.Amount,
			Receipt: b.Receipt, Nonce: b.Nonce, At: b.At.UTC(), Valid: b.Valid, Invalid: b.Invalid})
	}
	if out := o.Outcome; out.Method != "" {
		od := &outcomeDTO{Method: string(out.Method), MethodLabel: out.Method.Label(), Failed: out.Failed, FailReason: out.FailReason,
			Note: out.Note, Winner: out.Winner, Ranking: nonNil(out.Ranking), TrimmedMeanFen: out.TrimmedMean,
			CoefficientBP: out.Coefficient, BenchmarkFen: out.Benchmark, Scores: []scoreDTO{}, Draws: []drawDTO{}}
		for _, s := range out.Scores {
			od.Scores = append(od.Scores, scoreDTO{AgencyID: s.AgencyID, AgencyName: agencyName(p, s.AgencyID), Price: s.Price,
				Credit: s.Credit, Criteria: s.Criteria, Total: s.Total})
		}
		for _, dr := range out.Draws {
			od.Draws = append(od.Draws, toDraw(dr))
		}
		d.Outcome = od
	}
	return d
}

func toDraw(d hall.Draw) drawDTO {
	picks := d.Picks
	if picks == nil {
		picks = []int{}
	}
	return drawDTO{Purpose: d.Purpose, PurposeLabel: drawPurposes[d.Purpose], Candidates: nonNil(d.Candidates), Witness: d.Witness,
		Seed: d.Seed, Picks: picks, Winners: nonNil(d.Winners)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// verificationDTO is what `agencyhall verify-draw --url` reads (see
// publishedDraws in verifydraw.go), with the server's own verification of
// each draw added.
type verificationDTO struct {
	ProjectID  string            `json:"project_id"`
	Commitment string            `json:"commitment"`
	Secret     string            `json:"secret"`
	Revealed   bool              `json:"revealed"`
	Verified   bool              `json:"verified"`
	Message    string            `json:"message"`
	Draws      []verifiedDrawDTO `json:"draws"`
}

type verifiedDrawDTO struct {
	Purpose      string   `json:"purpose"`
	PurposeLabel string   `json:"purpose_label"`
	Candidates   []string `json:"candidates"`
	Witness      string   `json:"witness"`
	Seed         string   `json:"seed"`
	Winners      []string `json:"winners"`
	Verified     bool     `json:"verified"`
	Message      string   `json:"message"`
}

// toVerification recomputes every published draw with hall.VerifyDraw.
func toVerification(p hall.Project) verificationDTO {
	v := verificationDTO{ProjectID: p.ID, Commitment: p.Commitment, Draws: []verifiedDrawDTO{}}
	if p.Opening == nil || p.Opening.Secret == "" {
		v.Message = "抽取密钥在开启并确定结果时公布，届时可在此验证"
		return v
	}
	v.Secret, v.Revealed, v.Verified = p.Opening.Secret, true, true
	for _, d := range p.Opening.Outcome.Draws {
		ok, msg := hall.VerifyDraw(v.Secret, v.Commitment, hall.Draw{Purpose: d.Purpose, ProjectID: p.ID,
			Candidates: d.Candidates, Witness: d.Witness, Winners: d.Winners})
		v.Verified = v.Verified && ok
		v.Draws = append(v.Draws, verifiedDrawDTO{Purpose: d.Purpose, PurposeLabel: drawPurposes[d.Purpose],
			Candidates: nonNil(d.Candidates), Witness: d.Witness, Seed: d.Seed, Winners: nonNil(d.Winners), Verified: ok, Message: msg})
	}
	switch {
	case len(v.Draws) == 0:
		v.Message = "本项目的选取没有用到抽取；密钥已公布，可核对承诺值"
		s, err := hall.ParseDrawSecret(v.Secret)
		v.Verified = err == nil && s.Commitment() == v.Commitment
	case v.Verified:
		v.Message = "全部抽取均按公开算法重算一致"
	default:
		v.Message = "有抽取与重算结果不一致"
	}
	return v
}

// timelineDTO is a project's timeline on its own.
type timelineDTO struct {
	ProjectID  string    `json:"project_id"`
	State      string    `json:"state"`
	StateLabel string    `json:"state_label"`
	Steps      []stepDTO `json:"steps"`
}

// receiptDTO is a sealed quote's receipt: never the amount.
type receiptDTO struct {
	ProjectID string    `json:"project_id"`
	Receipt   string    `json:"receipt"`
	Nonce     string    `json:"nonce"`
	At        time.Time `json:"at"`
}

// opportunityDTO is an open project as an agency sees it.
type opportunityDTO struct {
	projectSummaryDTO
	Eligible bool   `json:"eligible"`
	Reason   string `json:"reason,omitempty"`
}

// mySignupDTO is a project the agency signed up for or won.
type mySignupDTO struct {
	projectSummaryDTO
	SignedUpAt *time.Time `json:"signed_up_at,omitempty"`
	Won        bool       `json:"won"`
}
