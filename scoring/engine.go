package scoring

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/agencyhall/agencyhall/hall"
)

// Supervision's own event kinds, stored beside the hall's events.
const (
	EventComplaintSubstantiated = "complaint_substantiated" // data: severity minor|general|serious, complaint
	EventCommendation           = "commendation"
	EventFalseMaterials         = "false_materials"
)

// LineItem is one reason for a score: the rule, the event or decision it
// comes from, the points and the date. Anyone can read why a score is what
// it is by reading its line items.
type LineItem struct {
	ID        string // rule:source, stable across runs (appeals name it)
	Rule      string
	Source    string // event ID or project ID
	ProjectID string
	Points    Points
	Date      time.Time
	Note      string
	Voided    bool // an upheld appeal removed it
}

// Scorecard is an agency's credit score at a moment.
type Scorecard struct {
	AgencyID string
	AsOf     time.Time
	Score    Points
	Grade    string
	Items    []LineItem
}

// Window is the rolling period a score looks back over.
const Window = 365 * 24 * time.Hour

// projectFacts accumulates what one agency did on one project.
type projectFacts struct {
	dueAt        time.Time
	contractedAt time.Time
	lastDelivery time.Time
	returns      []time.Time
	acceptedAt   time.Time
	evaluatedAt  time.Time
	evalID       string
	starsSum     int
	abandoned    []hall.Event
}

// Engine computes scorecards from a stream of events. Add every event once
// (in any order); Scorecards is then a pure function of what was added,
// the rules, the voided line items and the as-of time.
type Engine struct {
	projects map[string]map[string]*projectFacts // agency → project → facts
	direct   map[string][]hall.Event             // agency → complaint/commendation/false-material events
}

// NewEngine makes an empty engine.
func NewEngine() *Engine {
	return &Engine{projects: map[string]map[string]*projectFacts{}, direct: map[string][]hall.Event{}}
}

func (e *Engine) facts(agency, project string) *projectFacts {
	m := e.projects[agency]
	if m == nil {
		m = map[string]*projectFacts{}
		e.projects[agency] = m
	}
	f := m[project]
	if f == nil {
		f = &projectFacts{}
		m[project] = f
	}
	return f
}

// Add takes one event into account.
func (e *Engine) Add(ev hall.Event) {
	if ev.AgencyID == "" {
		return
	}
	switch ev.Kind {
	case hall.EventContracted, hall.EventExtended, hall.EventResumed:
		f := e.facts(ev.AgencyID, ev.ProjectID)
		if due, err := time.Parse(time.RFC3339, ev.Data["due_at"]); err == nil && !ev.At.Before(f.contractedAt) {
			f.dueAt, f.contractedAt = due, ev.At
		}
	case hall.EventDelivered:
		f := e.facts(ev.AgencyID, ev.ProjectID)
		if ev.At.After(f.lastDelivery) {
			f.lastDelivery = ev.At
		}
		if due, err := time.Parse(time.RFC3339, ev.Data["due_at"]); err == nil {
			f.dueAt = due // the due date in force at delivery
		}
	case hall.EventReturnedDelivery:
		f := e.facts(ev.AgencyID, ev.ProjectID)
		f.returns = append(f.returns, ev.At)
	case hall.EventAccepted:
		e.facts(ev.AgencyID, ev.ProjectID).acceptedAt = ev.At
	case hall.EventEvaluated:
		f := e.facts(ev.AgencyID, ev.ProjectID)
		if n, err := strconv.Atoi(ev.Data["stars_sum"]); err == nil {
			f.starsSum, f.evaluatedAt, f.evalID = n, ev.At, ev.ID
		}
	case hall.EventAbandoned:
		f := e.facts(ev.AgencyID, ev.ProjectID)
		f.abandoned = append(f.abandoned, ev)
	case EventComplaintSubstantiated, EventCommendation, EventFalseMaterials:
		e.direct[ev.AgencyID] = append(e.direct[ev.AgencyID], ev)
	}
}

// Agencies lists every agency seen, sorted.
func (e *Engine) Agencies() []string {
	seen := map[string]bool{}
	for a := range e.projects {
		seen[a] = true
	}
	for a := range e.direct {
		seen[a] = true
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Scorecard computes one agency's scorecard. voided holds the line item
// IDs removed by upheld appeals. Agencies without any event score the base.
func (e *Engine) Scorecard(agency string, rules []Rule, voided map[string]bool, asOf time.Time) Scorecard {
	r := map[string]Rule{}
	for _, x := range rules {
		r[x.ID] = x
	}
	from := asOf.Add(-Window)
	in := func(t time.Time) bool { return t.After(from) && !t.After(asOf) }
	var items []LineItem
	add := func(rule, source, project string, pts Points, date time.Time, note string) {
		if _, ok := r[rule]; !ok || pts == 0 || !in(date) {
			return
		}
		items = append(items, LineItem{ID: rule + ":" + source, Rule: rule, Source: source, ProjectID: project, Points: pts, Date: date, Note: note})
	}
	projects := make([]string, 0, len(e.projects[agency]))
	for p := range e.projects[agency] {
		projects = append(projects, p)
	}
	sort.Strings(projects)
	for _, pid := range projects {
		f := e.projects[agency][pid]
		if !f.dueAt.IsZero() {
			end := f.lastDelivery
			if end.IsZero() || end.After(asOf) {
				end = asOf // still not delivered: late so far
			}
			if late := end.Sub(f.dueAt); late > 0 {
				weeks := int64((late + 7*24*time.Hour - 1) / (7 * 24 * time.Hour)) // every started week
				pts := Points(weeks) * r[RuleLateDelivery].Points
				if c := r[RuleLateDelivery].Cap; c != 0 && pts < c {
					pts = c
				}
				add(RuleLateDelivery, pid, pid, pts, end, fmt.Sprintf("逾期 %d 周（%.1f 天）", weeks, late.Hours()/24))
			} else if !f.acceptedAt.IsZero() && !f.lastDelivery.IsZero() {
				add(RuleOnTime, pid, pid, r[RuleOnTime].Points, f.acceptedAt, "按期交付并通过验收")
			}
		}
		if len(f.returns) > 2 {
			add(RuleReturnedOften, pid, pid, r[RuleReturnedOften].Points, f.returns[2], fmt.Sprintf("成果被退回 %d 次", len(f.returns)))
		}
		if f.evalID != "" {
			// Average of five dimensions, compared exactly: sum/5 < 2 ⇔ sum < 10.
			rule := ratingRule(f.starsSum, 5)
			add(rule, pid, pid, r[rule].Points, f.evaluatedAt, fmt.Sprintf("评价平均 %.1f 星", float64(f.starsSum)/5))
		}
		for _, ev := range f.abandoned {
			add(RuleAbandonment, ev.ID, pid, r[RuleAbandonment].Points, ev.At, ev.Data["note"])
		}
	}
	for _, ev := range e.direct[agency] {
		switch ev.Kind {
		case EventComplaintSubstantiated:
			rule := map[string]string{"minor": RuleComplaintMinor, "general": RuleComplaintGeneral, "serious": RuleComplaintSerious}[ev.Data["severity"]]
			if rule != "" {
				add(rule, ev.ID, ev.ProjectID, r[rule].Points, ev.At, ev.Data["note"])
			}
		case EventCommendation:
			add(RuleCommendation, ev.ID, ev.ProjectID, r[RuleCommendation].Points, ev.At, ev.Data["note"])
		case EventFalseMaterials:
			add(RuleFalseMaterials, ev.ID, ev.ProjectID, r[RuleFalseMaterials].Points, ev.At, ev.Data["note"])
		}
	}
	sort.Slice(items, func(i, j int) bool {
		if !items[i].Date.Equal(items[j].Date) {
			return items[i].Date.Before(items[j].Date)
		}
		return items[i].ID < items[j].ID
	})
	score := BaseScore
	onTime := Points(0)
	for i := range items {
		it := &items[i]
		if voided[it.ID] {
			it.Voided = true
			continue
		}
		if it.Rule == RuleOnTime {
			if c := r[RuleOnTime].Cap; c != 0 && onTime+it.Points > c {
				it.Points = max(c-onTime, 0)
				it.Note += "（本年度加分已达上限）"
			}
			onTime += it.Points
		}
		score += it.Points
	}
	score = min(max(score, MinScore), MaxScore)
	return Scorecard{AgencyID: agency, AsOf: asOf, Score: score, Grade: Grade(score), Items: items}
}

// ratingRule picks the rating rule for an average of sum over n stars,
// compared in integers: avg < 2 ⇔ sum < 2n; avg ≥ 4.5 ⇔ 2·sum ≥ 9n.
func ratingRule(sum, n int) string {
	switch {
	case sum < 2*n:
		return RuleRatingBelow2
	case sum < 3*n:
		return RuleRatingBelow3
	case 2*sum >= 9*n:
		return RuleRatingExcellent
	}
	return ""
}
