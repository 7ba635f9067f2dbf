package ocds

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// Builder turns projects into releases.
type Builder struct {
	// Prefix is the deployment's OCID prefix, registered with the Open
	// Contracting Partnership (e.g. "ocds-213czf").
	Prefix string
	// Name returns an agency's name for IDs no sign-up names (direct choice).
	Name func(id string) (string, bool)
}

// OCID is the contracting-process identifier of a project.
func (b Builder) OCID(projectID string) string { return b.Prefix + "-" + projectID }

// releaseTags says which timeline steps are releases and how they are
// tagged. Steps before publication (drafts, review) and steps that change
// nothing public (sign-ups, sealed quotes, replies to evaluations) are not
// releases: sign-ups and quotes stay secret until the opening.
var releaseTags = map[string][]string{
	hall.EventPublished:        {"tender"},
	hall.EventOpened:           {"tenderUpdate"},
	hall.EventSelected:         {"award"},
	hall.EventFailed:           {"tenderUpdate"},
	hall.EventCancelled:        {"tenderCancellation"},
	hall.EventObjected:         {"awardUpdate"},
	hall.EventObjectionDecided: {"awardUpdate"},
	hall.EventPublicityEnded:   {"awardUpdate"},
	hall.EventAbandoned:        {"awardCancellation"},
	hall.EventContracted:       {"contract"},
	hall.EventExtended:         {"contractUpdate"},
	hall.EventPaused:           {"contractUpdate"},
	hall.EventResumed:          {"contractUpdate"},
	hall.EventDelivered:        {"implementation"},
	hall.EventReturnedDelivery: {"implementation"},
	hall.EventAccepted:         {"implementation"},
	hall.EventEvaluated:        {"implementation"},
}

// ReleaseSteps lists the timeline positions of p that are releases: every
// listed kind from the first publication on.
func ReleaseSteps(p *hall.Project) []int {
	var out []int
	published := false
	for i, st := range p.Timeline {
		if st.Kind == hall.EventPublished {
			published = true
		}
		if _, ok := releaseTags[st.Kind]; ok && published {
			out = append(out, i)
		}
	}
	return out
}

// ReleaseID is the release of timeline step i of a project.
func (b Builder) ReleaseID(projectID string, step int) string {
	return fmt.Sprintf("%s-%04d", b.OCID(projectID), step)
}

// Releases returns every release of p, oldest first. Each is built by
// replaying the timeline up to its step, so a release says only what was
// known then and stays the same when it is fetched again later.
func (b Builder) Releases(p *hall.Project) []Release {
	steps := ReleaseSteps(p)
	out := make([]Release, 0, len(steps))
	r := replay{b: b, p: p}
	next := 0
	for i, st := range p.Timeline {
		r.apply(i, st)
		if next < len(steps) && steps[next] == i {
			out = append(out, r.release(i, st))
			next++
		}
	}
	return out
}

// replay is the public state of a project while its timeline is walked.
type replay struct {
	b            Builder
	p            *hall.Project
	tenderStatus string
	opened       bool
	awards       []Award
	contract     *Contract
	dueAt        time.Time
	implemented  bool // an implementation release was already given
	cancelledNow bool // an award was cancelled by the current step
}

func (r *replay) apply(i int, st hall.Step) {
	r.cancelledNow = false
	switch st.Kind {
	case hall.EventPublished:
		r.tenderStatus = "active"
	case hall.EventOpened:
		r.opened = true
	case hall.EventSelected:
		r.opened = true
		r.cancelCurrent()
		r.tenderStatus = "complete"
		winner := st.Agency
		if winner == "" && r.p.Method == hall.MethodDirect {
			winner = r.p.DirectAgency
		}
		r.awards = append(r.awards, Award{
			ID: fmt.Sprintf("%s-A%d", r.p.ID, len(r.awards)+1), Title: r.p.Name, Status: "pending", Date: date(st.At),
			Value: r.awardValue(winner), Suppliers: []OrgRef{r.agency(winner)},
		})
	case hall.EventFailed:
		r.cancelCurrent()
		r.tenderStatus = "unsuccessful"
	case hall.EventCancelled:
		r.cancelCurrent()
		r.tenderStatus = "cancelled"
	case hall.EventPublicityEnded:
		if a := r.current(); a != nil {
			a.Status = "active"
		}
	case hall.EventAbandoned:
		r.cancelCurrent()
	case hall.EventContracted:
		if c := r.p.Contract; c != nil && len(r.awards) > 0 {
			r.contract = &Contract{ID: r.p.ID + "-C1", AwardID: r.awards[len(r.awards)-1].ID, Title: r.p.Name, Status: "active",
				Value: money(c.AmountFen), DateSigned: date(c.SignedOn)}
		}
	case hall.EventEvaluated:
		if r.contract != nil {
			r.contract.Status = "terminated" // the service is complete
		}
	}
	if due := st.Data["due_at"]; due != "" {
		if t, err := time.Parse(time.RFC3339, due); err == nil {
			r.dueAt = t
		}
	}
}

// current is the award still standing, if any.
func (r *replay) current() *Award {
	if n := len(r.awards); n > 0 && (r.awards[n-1].Status == "pending" || r.awards[n-1].Status == "active") {
		return &r.awards[n-1]
	}
	return nil
}

func (r *replay) cancelCurrent() {
	if a := r.current(); a != nil {
		a.Status = "cancelled"
		r.cancelledNow = true
	}
}

// awardValue is what the winner is paid: its opened quote for price
// methods, the fixed ceiling for random draws and direct choice.
func (r *replay) awardValue(winner string) *Value {
	if o := r.p.Opening; o != nil {
		for _, bid := range o.Bids {
			if bid.AgencyID == winner && bid.Valid {
				return money(bid.Amount)
			}
		}
	}
	if r.p.CeilingFen > 0 {
		return money(r.p.CeilingFen)
	}
	return nil
}

func (r *replay) agency(id string) OrgRef {
	if su, ok := r.p.SignupOf(id); ok && su.AgencyName != "" {
		return OrgRef{ID: id, Name: su.AgencyName}
	}
	if r.b.Name != nil {
		if name, ok := r.b.Name(id); ok {
			return OrgRef{ID: id, Name: name}
		}
	}
	return OrgRef{ID: id, Name: id}
}

// release is the state after step i as one release.
func (r *replay) release(i int, st hall.Step) Release {
	p := r.p
	owner := OrgRef{ID: p.OwnerOrg, Name: p.OwnerName}
	rel := Release{
		OCID: r.b.OCID(p.ID), ID: r.b.ReleaseID(p.ID, i), Date: date(st.At), Tag: r.tags(st.Kind),
		InitiationType: "tender", Language: "zh", Buyer: &owner, Tender: r.tender(),
	}
	if len(r.awards) > 0 {
		rel.Awards = append([]Award(nil), r.awards...)
	}
	if r.contract != nil {
		c := *r.contract
		c.Period = &Period{StartDate: date(p.Contract.SignedOn), EndDate: lastDay(r.dueAt), DurationInDays: p.TimeLimitDays}
		c.Implementation = &Implementation{Milestones: r.milestones(st.At)}
		rel.Contracts = []Contract{c}
	}
	rel.Parties = r.parties(owner, rel)
	return rel
}

func (r *replay) tags(kind string) []string {
	tags := append([]string(nil), releaseTags[kind]...)
	switch {
	case kind == hall.EventSelected && r.cancelledNow:
		tags = []string{"award", "awardCancellation"}
	case kind == hall.EventFailed && r.cancelledNow:
		tags = append(tags, "awardCancellation")
	case tags[0] == "implementation" && r.implemented:
		tags = []string{"implementationUpdate"}
	}
	if tags[0] == "implementation" {
		r.implemented = true
	}
	return tags
}

// tender is the announcement; the bidders appear only once the quotes
// are opened (the hall's secrecy rule: a list of bidders helps rigging).
func (r *replay) tender() *Tender {
	p := r.p
	owner := OrgRef{ID: p.OwnerOrg, Name: p.OwnerName}
	t := &Tender{
		ID: p.ID, Title: p.Name, Description: p.Scope, Status: r.tenderStatus, ProcuringEntity: &owner,
		Items: []Item{{ID: "1", Description: p.ItemName, Quantity: 1,
			Classification: &Classification{Scheme: "中介服务事项", ID: p.ItemCode, Description: p.ItemName}}},
		ProcurementMethod: "open", ProcurementMethodDetails: p.Method.Label(), MainProcurementCategory: "services",
		EligibilityCriteria: eligibility(p),
		ContractPeriod:      &Period{DurationInDays: p.TimeLimitDays},
	}
	if p.CeilingFen > 0 {
		t.Value = money(p.CeilingFen)
	}
	if p.FloorFen > 0 {
		t.MinValue = money(p.FloorFen)
	}
	switch p.Method {
	case hall.MethodDirect:
		t.ProcurementMethod = "direct"
	case hall.MethodRandom:
		t.AwardCriteria, t.AwardCriteriaDetails = "priceOnly", "固定价格，随机抽取（可验证抽签）"
	case hall.MethodLowest, hall.MethodReasonable:
		t.AwardCriteria, t.AwardCriteriaDetails = "priceOnly", p.Method.Label()+"，密封报价"
		t.SubmissionMethod = []string{"electronicSubmission"}
	case hall.MethodScoring:
		t.AwardCriteria, t.AwardCriteriaDetails = "ratedCriteria", "综合评分，密封报价"
		t.SubmissionMethod = []string{"electronicSubmission"}
	}
	if !p.PublishedAt.IsZero() {
		t.TenderPeriod = &Period{StartDate: date(p.PublishedAt)}
		if !p.SignupDeadline.IsZero() {
			t.TenderPeriod.EndDate = date(p.SignupDeadline)
		}
	}
	if !p.OpeningTime.IsZero() {
		t.AwardPeriod = &Period{StartDate: date(p.OpeningTime)}
	}
	if r.opened && p.Opening != nil {
		n := len(p.Opening.Candidates)
		t.NumberOfTenderers = &n
		for _, id := range p.Opening.Candidates {
			t.Tenderers = append(t.Tenderers, r.agency(id))
		}
	}
	return t
}

// milestones are the service's steps as known at time at.
func (r *replay) milestones(at time.Time) []Milestone {
	p := r.p
	result := Milestone{ID: "M1", Title: "提交服务成果", Type: "delivery", DueDate: lastDay(r.dueAt), Status: "scheduled"}
	accept := Milestone{ID: "M2", Title: "成果验收", Type: "assessment", Status: "scheduled"}
	evaluate := Milestone{ID: "M3", Title: "服务评价", Type: "assessment", Status: "scheduled"}
	for _, d := range p.Deliveries {
		if d.At.After(at) {
			break
		}
		if d.Decision == "accepted" && !d.DecidedAt.After(at) {
			result.Status, result.DateMet = "met", date(d.At)
			accept.Status, accept.DateMet = "met", date(d.DecidedAt)
			if d.Silent {
				accept.Description = "业主逾期未验收，视为验收通过"
			}
		}
	}
	if e := p.Evaluation; e != nil && !e.At.After(at) {
		evaluate.Status, evaluate.DateMet = "met", date(e.At)
		if e.Default {
			evaluate.Description = "业主逾期未评价，默认五星"
		}
	}
	return []Milestone{result, accept, evaluate}
}

// parties lists every organisation the release names, with its roles.
func (r *replay) parties(owner OrgRef, rel Release) []Organization {
	var out []Organization
	index := map[string]int{}
	add := func(ref OrgRef, role string) {
		if i, ok := index[ref.ID]; ok {
			for _, have := range out[i].Roles {
				if have == role {
					return
				}
			}
			out[i].Roles = append(out[i].Roles, role)
			return
		}
		index[ref.ID] = len(out)
		out = append(out, Organization{ID: ref.ID, Name: ref.Name, Identifier: identifier(ref), Roles: []string{role}})
	}
	add(owner, "buyer")
	add(owner, "procuringEntity")
	for _, t := range rel.Tender.Tenderers {
		add(t, "tenderer")
	}
	for _, a := range rel.Awards {
		if a.Status == "cancelled" {
			continue
		}
		for _, s := range a.Suppliers {
			add(s, "supplier")
		}
	}
	return out
}

// identifier is an organisation's unified social credit code, which its
// AgencyHall ID ("owner:<USCC>", "agency:<USCC>") carries.
func identifier(ref OrgRef) Identifier {
	code := ref.ID
	if _, after, ok := strings.Cut(code, ":"); ok {
		code = after
	}
	return Identifier{Scheme: "CN-USCC", ID: code, LegalName: ref.Name}
}

func eligibility(p *hall.Project) string {
	if len(p.QualTypes) == 0 {
		return "已入驻本平台并可承接该服务事项的中介机构"
	}
	join := "任一"
	if p.QualAll {
		join = "全部"
	}
	return fmt.Sprintf("须具备以下%s资质：%s", join, strings.Join(p.QualTypes, "、"))
}

// money writes fen as yuan with two decimals, exactly.
func money(fen int64) *Value {
	return &Value{Amount: json.Number(fmt.Sprintf("%d.%02d", fen/100, fen%100)), Currency: "CNY"}
}

// lastDay is the end of a due period: due times are the midnight after
// the last day, shown as the last second of that day.
func lastDay(due time.Time) string {
	if due.IsZero() {
		return ""
	}
	return date(due.Add(-time.Second))
}

// date is an OCDS date-time: RFC 3339 in China Standard Time, which is
// what the owner and agencies read on the announcement.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(registry.Shanghai).Format(time.RFC3339)
}
