package scoring

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// Rules returns the rule table in force (the defaults until an admin
// changes one).
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	rules, err := s.Store.Rules(ctx)
	if err != nil || len(rules) > 0 {
		return rules, err
	}
	return DefaultRules(), nil
}

// UpdateRule changes one rule's points and cap (admins); it takes effect at
// the next scoring run.
func (s *Service) UpdateRule(ctx context.Context, who registry.Actor, id string, points, capPts Points) (Rule, error) {
	if who.Kind != registry.ActorAdmin {
		return Rule{}, apperr.Forbidden("只有平台管理员可以修改评分规则")
	}
	if points < -1000 || points > 1000 || capPts < -1000 || capPts > 1000 {
		return Rule{}, apperr.Invalid().Field("points", "分值应在 −100 到 100 分之间")
	}
	rules, err := s.Rules(ctx)
	if err != nil {
		return Rule{}, err
	}
	for i := range rules {
		if rules[i].ID == id {
			rules[i].Points, rules[i].Cap = points, capPts
			return rules[i], s.Store.PutRules(ctx, rules)
		}
	}
	return Rule{}, apperr.NotFound("评分规则")
}

// Today is the Shanghai date of t, as snapshots name it.
func Today(t time.Time) string { return t.In(registry.Shanghai).Format("2006-01-02") }

// RunScoring scores every admitted agency (and any agency with events) as
// of asOf: it streams the events once, computes each scorecard, and stores
// the day's snapshot and history point, both keyed by agency and date, so
// a rerun after a crash replaces instead of duplicating.
func (s *Service) RunScoring(ctx context.Context, asOf time.Time) (int, error) {
	rules, err := s.Rules(ctx)
	if err != nil {
		return 0, err
	}
	eng := NewEngine()
	if err := s.Store.EachEvent(ctx, func(e hall.Event) error {
		if !e.At.After(asOf) {
			eng.Add(e)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	voided := s.voidedItems()
	agencies := map[string]bool{}
	for _, id := range eng.Agencies() {
		agencies[id] = true
	}
	for _, id := range s.Registry.Directory().IDs(registry.StatusActive, registry.StatusSuspended, registry.StatusBlacklisted) {
		agencies[id] = true
	}
	date := Today(asOf)
	n := 0
	for _, id := range sortedKeys(agencies) {
		card := eng.Scorecard(id, rules, voided[id], asOf)
		if err := s.Store.PutSnapshot(ctx, Snapshot{ID: SnapshotID(id, date), AgencyID: id, Date: date, Card: card}); err != nil {
			return n, err
		}
		pt := HistoryPoint{Date: date, Score: card.Score, Grade: card.Grade}
		if err := s.Store.PutHistoryPoint(ctx, id, pt); err != nil {
			return n, err
		}
		s.mu.Lock()
		cur, had := s.current[id]
		if !had || cur.Date <= date {
			s.current[id] = pt
		}
		s.mu.Unlock()
		if had && cur.Date < date && cur.Grade != "" && cur.Grade != pt.Grade {
			s.notice(ctx, NoticeGradeChanged, "grade:"+id+":"+date, id, "", asOf, map[string]string{"from": cur.Grade, "to": pt.Grade,
				"score": fmt.Sprint(int64(pt.Score))})
		}
		n++
	}
	return n, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Scorecard returns an agency's latest scorecard with its line items.
func (s *Service) Scorecard(ctx context.Context, agency string) (Scorecard, bool, error) {
	cur, ok := s.Current(agency)
	if !ok {
		return Scorecard{}, false, nil
	}
	snap, err := s.Store.GetSnapshot(ctx, SnapshotID(agency, cur.Date))
	if apperr.Is(err, apperr.KindNotFound) {
		return Scorecard{}, false, nil
	}
	return snap.Card, err == nil, err
}

// History returns an agency's daily scores, oldest first.
func (s *Service) History(ctx context.Context, agency string) ([]HistoryPoint, error) {
	return s.Store.GetHistory(ctx, agency)
}

// voidedItems maps each agency to the line items its upheld appeals void.
func (s *Service) voidedItems() map[string]map[string]bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m := map[string]map[string]bool{}
	for _, a := range s.appeals {
		if a.Decision == "upheld" {
			if m[a.AgencyID] == nil {
				m[a.AgencyID] = map[string]bool{}
			}
			m[a.AgencyID][a.LineItemID] = true
		}
	}
	return m
}

// FileAppeal lets an agency challenge a line item of its current score
// within 14 days of the item's date.
func (s *Service) FileAppeal(ctx context.Context, who registry.Actor, lineItemID, reason string) (Appeal, error) {
	if who.Kind != registry.ActorAgency {
		return Appeal{}, apperr.Forbidden("只有中介机构可以对本机构的扣分提出申诉")
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 10 || n > 2000 {
		return Appeal{}, apperr.Invalid().Field("reason", "请写明申诉理由（10–2000 字）")
	}
	card, ok, err := s.Scorecard(ctx, who.OrgID)
	if err != nil {
		return Appeal{}, err
	}
	var item LineItem
	for _, it := range card.Items {
		if it.ID == lineItemID {
			item = it
		}
	}
	if !ok || item.ID == "" {
		return Appeal{}, apperr.Invalid().Field("line_item", "评分明细不存在")
	}
	now := s.Now().UTC()
	if now.After(item.Date.AddDate(0, 0, AppealDays)) {
		return Appeal{}, apperr.Conflict("appeal_late", "已超过 14 天申诉期限")
	}
	s.mu.RLock()
	for _, a := range s.appeals {
		if a.AgencyID == who.OrgID && a.LineItemID == lineItemID {
			s.mu.RUnlock()
			return Appeal{}, apperr.Conflict("already_appealed", "该评分明细已申诉过")
		}
	}
	s.mu.RUnlock()
	id, err := s.newID(ctx, "SS")
	if err != nil {
		return Appeal{}, err
	}
	a := Appeal{ID: id, AgencyID: who.OrgID, LineItemID: lineItemID, Rule: item.Rule, Points: item.Points, ItemDate: item.Date,
		Reason: reason, At: now}
	if err := s.Store.CreateAppeal(ctx, a); err != nil {
		return Appeal{}, err
	}
	a.Version = 1
	s.mu.Lock()
	s.appeals[a.ID] = a
	s.mu.Unlock()
	return a, nil
}

// DecideAppeal upholds (the item is voided at the next run) or dismisses an
// appeal, with a reason.
func (s *Service) DecideAppeal(ctx context.Context, who registry.Actor, id string, upheld bool, note string) (Appeal, error) {
	if !who.Supervises() {
		return Appeal{}, apperr.Forbidden("只有监管部门可以处理申诉")
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return Appeal{}, apperr.Invalid().Field("note", "请填写处理意见")
	}
	s.mu.RLock()
	cur, found := s.appeals[id]
	s.mu.RUnlock()
	if found {
		if err := s.inJurisdiction(who, s.agencyRegion(ctx, cur.AgencyID), "机构"); err != nil {
			return Appeal{}, err
		}
	}
	a, err := s.Store.UpdateAppeal(ctx, id, func(a *Appeal) error {
		if a.Decision != "" {
			return apperr.Conflict("decided", "该申诉已处理")
		}
		a.Decision, a.Note, a.DecidedAt, a.DecidedBy = "dismissed", note, s.Now().UTC(), who.UserID
		if upheld {
			a.Decision = "upheld"
		}
		return nil
	})
	if err != nil {
		return Appeal{}, err
	}
	s.mu.Lock()
	s.appeals[a.ID] = a
	s.mu.Unlock()
	return a, nil
}

// Appeals lists appeals of an agency (all when empty), newest first.
func (s *Service) Appeals(agency string, openOnly bool) []Appeal {
	s.mu.RLock()
	var out []Appeal
	for _, a := range s.appeals {
		if (agency == "" || a.AgencyID == agency) && (!openOnly || a.Decision == "") {
			out = append(out, a)
		}
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out
}
