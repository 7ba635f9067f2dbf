package scoring

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// SanctionInput is a regulator's new sanction.
type SanctionInput struct {
	AgencyID   string
	Kind       SanctionKind
	Cause      string
	LegalBasis string
	From, To   time.Time // To: end of a suspension (required) or blacklisting (optional)
}

// Issue records a sanction and applies its effect at once: a suspension
// suspends the agency, a blacklisting blacklists it; both bar it from
// sign-ups immediately.
func (s *Service) Issue(ctx context.Context, who registry.Actor, in SanctionInput) (Sanction, error) {
	if !who.Supervises() {
		return Sanction{}, apperr.Forbidden("只有监管部门可以作出处理")
	}
	v := apperr.Invalid()
	if in.Kind != SanctionWarning && in.Kind != SanctionSuspension && in.Kind != SanctionBlacklist {
		v.Field("kind", "请选择处理方式：警告、暂停或列入黑名单")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Cause)); n < 4 || n > 1000 {
		v.Field("cause", "请写明处理事由（4–1000 字）")
	}
	if in.Kind == SanctionBlacklist && strings.TrimSpace(in.LegalBasis) == "" {
		v.Field("legal_basis", "列入黑名单须写明依据")
	}
	if in.From.IsZero() {
		in.From = s.Now().UTC()
	}
	if in.Kind == SanctionSuspension && in.To.IsZero() {
		v.Field("to", "请填写暂停截止日期")
	}
	if !in.To.IsZero() && !in.To.After(in.From) {
		v.Field("to", "截止日期应晚于起始日期")
	}
	a, err := s.Registry.Get(ctx, s.system, in.AgencyID)
	if err != nil {
		v.Field("agency_id", "中介机构不存在")
	}
	if err := v.OrNil(); err != nil {
		return Sanction{}, err
	}
	if err := s.inJurisdiction(who, a.Profile.Region, "机构"); err != nil {
		return Sanction{}, err
	}
	id, err := s.newID(ctx, "CF")
	if err != nil {
		return Sanction{}, err
	}
	x := Sanction{ID: id, AgencyID: in.AgencyID, AgencyName: a.Profile.Name, Kind: in.Kind, Cause: strings.TrimSpace(in.Cause),
		LegalBasis: strings.TrimSpace(in.LegalBasis), From: in.From.UTC(), To: in.To.UTC(), IssuedBy: who.UserID, IssuedAt: s.Now().UTC()}
	if in.To.IsZero() {
		x.To = time.Time{}
	}
	if err := s.applyEffect(ctx, x, true); err != nil {
		return Sanction{}, err
	}
	if err := s.Store.CreateSanction(ctx, x); err != nil {
		return Sanction{}, err
	}
	x.Version = 1
	s.mu.Lock()
	s.sanctions[x.ID] = x
	s.mu.Unlock()
	s.sanctionNotice(ctx, x, false)
	return x, nil
}

// applyEffect changes the agency's status for a sanction coming into force
// (on) or ending.
func (s *Service) applyEffect(ctx context.Context, x Sanction, on bool) error {
	reason := x.Kind.Label() + "：" + x.Cause
	if !on {
		reason = "处理解除：" + x.LiftReason
	}
	var err error
	switch x.Kind {
	case SanctionSuspension:
		_, err = s.Registry.SetSuspended(ctx, s.system, x.AgencyID, on, reason)
	case SanctionBlacklist:
		_, err = s.Registry.SetBlacklisted(ctx, s.system, x.AgencyID, on, reason)
	}
	if apperr.Is(err, apperr.KindConflict) && !on {
		return nil // already restored, e.g. by a regulator's manual restore
	}
	return err
}

// Lift ends a sanction early by credit repair (信用修复), with a reason.
func (s *Service) Lift(ctx context.Context, who registry.Actor, id, reason string) (Sanction, error) {
	if !who.Supervises() {
		return Sanction{}, apperr.Forbidden("只有监管部门可以办理信用修复")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Sanction{}, apperr.Invalid().Field("reason", "请写明信用修复的理由")
	}
	s.mu.RLock()
	cur, found := s.sanctions[id]
	s.mu.RUnlock()
	if found {
		if err := s.inJurisdiction(who, s.agencyRegion(ctx, cur.AgencyID), "机构"); err != nil {
			return Sanction{}, err
		}
	}
	now := s.Now().UTC()
	x, err := s.Store.UpdateSanction(ctx, id, func(x *Sanction) error {
		if !x.ActiveAt(now) {
			return apperr.Conflict("not_active", "该处理已不在执行期内")
		}
		x.LiftedAt, x.LiftReason = now, reason
		return nil
	})
	if err != nil {
		return Sanction{}, err
	}
	s.mu.Lock()
	s.sanctions[x.ID] = x
	s.mu.Unlock()
	s.sanctionNotice(ctx, x, true)
	return x, s.applyEffect(ctx, x, false)
}

// ExpireSanctions ends suspensions and blacklistings whose period is over;
// the daily job runs it.
func (s *Service) ExpireSanctions(ctx context.Context) (int, error) {
	now := s.Now().UTC()
	s.mu.RLock()
	var due []Sanction
	for _, x := range s.sanctions {
		if x.Kind != SanctionWarning && x.LiftedAt.IsZero() && !x.To.IsZero() && !now.Before(x.To) {
			due = append(due, x)
		}
	}
	s.mu.RUnlock()
	n := 0
	for _, x := range due {
		y, err := s.Store.UpdateSanction(ctx, x.ID, func(y *Sanction) error {
			if !y.LiftedAt.IsZero() {
				return apperr.Conflict("lifted", "已解除")
			}
			y.LiftedAt, y.LiftReason = y.To, "期满自动解除"
			return nil
		})
		if apperr.Is(err, apperr.KindConflict) {
			continue
		}
		if err != nil {
			return n, err
		}
		s.mu.Lock()
		s.sanctions[y.ID] = y
		s.mu.Unlock()
		if err := s.applyEffect(ctx, y, false); err != nil {
			return n, err
		}
		s.sanctionNotice(ctx, y, true)
		n++
	}
	return n, nil
}

// Sanctions lists sanctions, newest first: the public list when public is
// true (warnings and past measures included, like an exclusion list).
func (s *Service) Sanctions(agency string, activeOnly bool, page, size int) ([]Sanction, int) {
	now := s.Now()
	s.mu.RLock()
	var out []Sanction
	for _, x := range s.sanctions {
		if (agency == "" || x.AgencyID == agency) && (!activeOnly || x.ActiveAt(now)) {
			out = append(out, x)
		}
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].IssuedAt.After(out[j].IssuedAt) })
	return pageOf(out, page, size)
}

// RecordDecision records a regulator's commendation, or a finding of false
// materials or bid rigging (which also proposes blacklisting: the
// regulator then issues the sanction).
func (s *Service) RecordDecision(ctx context.Context, who registry.Actor, agencyID, kind, projectID, note string) error {
	if !who.Supervises() {
		return apperr.Forbidden("只有监管部门可以记录")
	}
	if kind != EventCommendation && kind != EventFalseMaterials {
		return apperr.Invalid().Field("kind", "类型应为通报表扬或虚假材料/围标串标")
	}
	if strings.TrimSpace(note) == "" {
		return apperr.Invalid().Field("note", "请写明事由")
	}
	if a, err := s.Registry.Get(ctx, s.system, agencyID); err != nil {
		return apperr.Invalid().Field("agency_id", "中介机构不存在")
	} else if err := s.inJurisdiction(who, a.Profile.Region, "机构"); err != nil {
		return err
	}
	id, err := s.newID(ctx, "JL")
	if err != nil {
		return err
	}
	e := hall.Event{ID: "decision:" + id, Kind: kind, ProjectID: projectID, AgencyID: agencyID,
		At: s.Now().UTC(), Data: map[string]string{"note": strings.TrimSpace(note), "actor": who.UserID}}
	if err := s.Store.PutEvent(ctx, e); err != nil {
		return err
	}
	s.notice(ctx, NoticeDecision, e.ID, agencyID, projectID, e.At, map[string]string{"kind": kind, "note": e.Data["note"]})
	return nil
}
