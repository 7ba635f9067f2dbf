package hall

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/registry"
)

// ListQuery filters the hall's project lists.
type ListQuery struct {
	Text     string // part of the name or the project ID
	States   []State
	Method   Method
	ItemCode string
	Stage    string
	Region   string // a region code or its prefix
	OwnerOrg string // an owner's own projects
	AgencyID string // projects the agency signed up for (or won)
	Sort     string // "deadline" (soonest first), "newest" (default)
	Page     int
	PageSize int
}

// List returns one page of projects visible to who, and the total. The
// public sees published projects only; owners also their own drafts.
func (s *Service) List(who registry.Actor, q ListQuery) ([]Project, int) {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PageSize < 1 || q.PageSize > 100 {
		q.PageSize = 20
	}
	region := strings.TrimRight(q.Region, "0")
	text := strings.TrimSpace(q.Text)
	match := func(p *Project) bool {
		visible := p.State.Public() || (who.Kind == registry.ActorOwner && who.OrgID == p.OwnerOrg) || who.Supervises()
		switch {
		case !visible:
			return false
		case len(q.States) > 0 && !slices.Contains(q.States, p.State):
			return false
		case q.Method != "" && p.Method != q.Method:
			return false
		case q.ItemCode != "" && p.ItemCode != q.ItemCode:
			return false
		case q.Stage != "" && p.Stage != q.Stage:
			return false
		case region != "" && !strings.HasPrefix(p.Region, region):
			return false
		case q.OwnerOrg != "" && p.OwnerOrg != q.OwnerOrg:
			return false
		case q.AgencyID != "" && !isParticipant(p, q.AgencyID) && p.Winner != q.AgencyID:
			return false
		case text != "" && !strings.Contains(p.Name, text) && !strings.Contains(p.ID, text):
			return false
		}
		return true
	}
	from := (q.Page - 1) * q.PageSize
	page := make([]Project, 0, q.PageSize)
	newest, counts := s.cache.view()
	// The hall's common lists — everything public, or some states of it,
	// newest first — take their total from the kept counts and stop at the
	// end of their page: a full walk touched every project (20,000 at a
	// city) per uncached page.
	known, counted := publicTotal(who, q, counts)
	if q.OwnerOrg != "" {
		newest = s.cache.ownedNewestFirst(q.OwnerOrg) // nobody else's can match
	}
	total := 0
	take := func(p *Project) {
		if total >= from && len(page) < q.PageSize {
			page = append(page, p.RedactedFor(who))
		}
		total++
	}
	if q.Sort != "deadline" {
		// The read model keeps this order: filter in it, copy the page only.
		for _, p := range newest {
			if counted && len(page) == q.PageSize {
				break
			}
			if match(p) {
				take(p)
			}
		}
		if counted {
			total = known
		}
		return page, total
	}
	var hits []*Project
	for _, p := range newest {
		if match(p) {
			hits = append(hits, p)
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if !hits[i].SignupDeadline.Equal(hits[j].SignupDeadline) {
			return hits[i].SignupDeadline.Before(hits[j].SignupDeadline)
		}
		return hits[i].ID < hits[j].ID
	})
	for _, p := range hits {
		take(p)
	}
	return page, total
}

// publicTotal is the total of a list that filters on nothing but states,
// newest first, for someone who sees exactly the public projects (not an
// owner, who also sees its own drafts, nor a supervisor): the sum of the
// kept counts. ok is false for any other list.
func publicTotal(who registry.Actor, q ListQuery, counts map[State]int) (total int, ok bool) {
	if q.Sort == "deadline" || q.Method != "" || q.ItemCode != "" || q.Stage != "" || q.Region != "" || q.OwnerOrg != "" ||
		q.AgencyID != "" || strings.TrimSpace(q.Text) != "" || who.Kind == registry.ActorOwner || who.Supervises() {
		return 0, false
	}
	for st, n := range counts {
		if st.Public() && (len(q.States) == 0 || slices.Contains(q.States, st)) {
			total += n
		}
	}
	return total, true
}

// Counts reports how many projects are in each state (a copy, kept by the
// read model as it changes: every hall page shows some).
func (s *Service) Counts() map[State]int {
	_, counts := s.cache.view()
	return counts
}

// Opportunities lists open projects the agency may sign up for now, with
// the reason for those it may not.
func (s *Service) Opportunities(ctx context.Context, agencyID string) []Opportunity {
	var out []Opportunity
	now := s.Now()
	agency, err := s.Agencies.Get(ctx, s.system, agencyID) // once, not per project
	for _, p := range s.cache.openNow() {
		if !now.Before(p.SignupDeadline) {
			continue
		}
		reason := "已报名"
		if _, signed := p.SignupOf(agencyID); !signed {
			reason = s.agencyMay(agency, err, p, agencyID, now)
		}
		out = append(out, Opportunity{Project: p.RedactedFor(registry.Actor{Kind: registry.ActorAgency, OrgID: agencyID}), Eligible: reason == "", Reason: reason})
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].Project.SignupDeadline, out[j].Project.SignupDeadline; !a.Equal(b) {
			return a.Before(b)
		}
		return out[i].Project.ID < out[j].Project.ID
	})
	return out
}

// Opportunity is an open project as an agency sees it.
type Opportunity struct {
	Project  Project
	Eligible bool
	Reason   string
}

// Deadline is the next deadline of a project for countdowns: sign-up
// deadline while open, the end of publicity, the due date in service.
func (p Project) Deadline() (time.Time, string) {
	switch p.State {
	case StateOpen:
		return p.SignupDeadline, "报名截止"
	case StatePublicity:
		return p.PublicityEnd, "公示截止"
	case StateInService:
		if p.Contract != nil {
			return p.Contract.DueAt, "服务期限"
		}
	}
	return time.Time{}, ""
}

// All returns every project of the read model, newest first (for
// supervision's batch work: alerts, risk indicators, dashboards): the
// model's own shared pointers, not copies, so callers must not modify them.
func (s *Service) All() []*Project { return s.cache.newestFirst() }
