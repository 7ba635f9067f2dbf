package scoring

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// Alert levels (电子监察 yellow and red cards).
const (
	Yellow = "yellow"
	Red    = "red"
)

// Alert is one supervision alert. Its ID names the cause (kind and
// object), so the job finds an existing alert instead of raising another.
type Alert struct {
	ID          string
	Kind        string
	Level       string
	ObjectKind  string // project, complaint, agency, calendar
	ObjectID    string
	Responsible string // the party that must act
	Message     string
	RaisedAt    time.Time
	AckAt       time.Time
	AckBy       string
	ClosedAt    time.Time
	CloseReason string
	Version     int64
}

// Open reports whether the alert is still open.
func (a Alert) Open() bool { return a.ClosedAt.IsZero() }

// LevelLabel is 黄牌 or 红牌.
func (a Alert) LevelLabel() string {
	if a.Level == Red {
		return "红牌"
	}
	return "黄牌"
}

// AlertStore keeps alerts.
type AlertStore interface {
	PutAlert(ctx context.Context, a Alert) error // create or replace by ID
	EachAlert(ctx context.Context, fn func(Alert) error) error
}

// Alert kinds.
const (
	AlertContractUnsigned   = "contract_unsigned"
	AlertDeliveryDue        = "delivery_due"
	AlertDeliveryOverdue    = "delivery_overdue"
	AlertAcceptancePending  = "acceptance_pending"
	AlertComplaintUnhandled = "complaint_unaccepted"
	AlertComplaintUndecided = "complaint_undecided"
	AlertQualExpiring       = "qualification_expiring"
	AlertQualExpired        = "qualification_expired"
	AlertReviewPending      = "announcement_review_pending"
	AlertGradeD             = "grade_d"
	AlertCalendarMissing    = "calendar_missing"
)

// desired is one alert the current facts call for.
type desired struct {
	kind, level, objKind, objID, responsible, msg string
}

// conditions computes every alert the facts call for at now.
func (s *Service) conditions(now time.Time) []desired {
	var out []desired
	cal := s.Calendar
	endOf := func(t time.Time, n int) time.Time { return cal.EndOfWorkday(t, n) }
	for _, p := range s.Hall.All() {
		switch p.State {
		case hall.StateContracting:
			ended := p.PublicityEnd
			switch {
			case !now.Before(endOf(ended, 5)):
				out = append(out, desired{AlertContractUnsigned, Red, "project", p.ID, p.OwnerName, "公示结束已满 5 个工作日仍未签订合同"})
			case !now.Before(endOf(ended, 3)):
				out = append(out, desired{AlertContractUnsigned, Yellow, "project", p.ID, p.OwnerName, "公示结束已满 3 个工作日仍未签订合同"})
			}
		case hall.StateInService:
			if p.Contract == nil {
				continue
			}
			name := p.Winner
			if su, ok := p.SignupOf(p.Winner); ok {
				name = su.AgencyName
			}
			switch {
			case now.After(p.Contract.DueAt):
				out = append(out, desired{AlertDeliveryOverdue, Red, "project", p.ID, name, "服务已超过期限仍未交付"})
			case p.Contract.DueAt.Sub(now) <= 3*24*time.Hour:
				out = append(out, desired{AlertDeliveryDue, Yellow, "project", p.ID, name, "服务期限不足 3 天"})
			}
		case hall.StateDelivered:
			last := p.Deliveries[len(p.Deliveries)-1].At
			if !now.Before(endOf(last, 5)) {
				out = append(out, desired{AlertAcceptancePending, Yellow, "project", p.ID, p.OwnerName, "成果提交已满 5 个工作日，业主尚未验收"})
			}
		case hall.StateReview:
			if !now.Before(endOf(p.PublishedAt, 2)) {
				out = append(out, desired{AlertReviewPending, Yellow, "project", p.ID, "监管部门", "公告提交审核已满 2 个工作日尚未审核"})
			}
		}
	}
	s.mu.RLock()
	for _, c := range s.complaints {
		switch {
		case c.State == ComplaintSubmitted && !now.Before(endOf(c.SubmittedAt, 2)):
			out = append(out, desired{AlertComplaintUnhandled, Yellow, "complaint", c.ID, "监管部门", "投诉提交已满 2 个工作日尚未受理"})
		case (c.State == ComplaintAccepted || c.State == ComplaintInvestigating) && !now.Before(endOf(c.SubmittedAt, 15)):
			out = append(out, desired{AlertComplaintUndecided, Red, "complaint", c.ID, "监管部门", "投诉已满 15 个工作日尚未办结"})
		}
	}
	for agency, pt := range s.current {
		if pt.Grade == "D" {
			out = append(out, desired{AlertGradeD, Red, "agency", agency, agency, fmt.Sprintf("信用评分降至 %d.%d 分（D 级），已限制参加财政资金项目", pt.Score/10, pt.Score%10)})
		}
	}
	s.mu.RUnlock()
	today := registry.DateOf(now)
	for _, id := range s.Registry.Directory().IDs(registry.StatusActive, registry.StatusSuspended) {
		a, err := s.Registry.Get(context.Background(), s.system, id)
		if err != nil {
			continue
		}
		for _, q := range a.Profile.Qualifications {
			switch lvl := registry.ExpiryLevel(q, today); {
			case lvl == -1:
				out = append(out, desired{AlertQualExpired, Red, "agency", id + "/" + q.ID, a.Profile.Name,
					fmt.Sprintf("资质“%s”（证书 %s）已于 %s 到期，相关服务事项已暂停承接", q.Type, q.CertNo, q.ValidTo)})
			case lvl > 0 && lvl <= 30:
				out = append(out, desired{AlertQualExpiring, Yellow, "agency", id + "/" + q.ID, a.Profile.Name,
					fmt.Sprintf("资质“%s”（证书 %s）将于 %s 到期", q.Type, q.CertNo, q.ValidTo)})
			}
		}
	}
	if next := now.In(registry.Shanghai).Year() + 1; now.In(registry.Shanghai).Month() >= time.November && !cal.Known(next) {
		out = append(out, desired{AlertCalendarMissing, Yellow, "calendar", fmt.Sprint(next), "平台管理员",
			fmt.Sprintf("尚未导入 %d 年节假日安排，届时工作日将只按周末计算", next)})
	}
	return out
}

// RunAlerts raises the alerts the facts call for, escalates yellow to red,
// and closes the ones whose cause is gone. It returns how many changed.
func (s *Service) RunAlerts(ctx context.Context) (int, error) {
	now := s.Now().UTC()
	want := map[string]desired{}
	for _, d := range s.conditions(now) {
		id := d.kind + ":" + d.objID
		if d.kind == AlertDeliveryDue || d.kind == AlertDeliveryOverdue {
			id = "delivery:" + d.objID // due soon escalates to overdue on the same alert
		}
		if d.kind == AlertQualExpiring || d.kind == AlertQualExpired {
			id = "qualification:" + d.objID
		}
		want[id] = d
	}
	s.mu.RLock()
	existing := make(map[string]Alert, len(s.alerts))
	for id, a := range s.alerts {
		existing[id] = a
	}
	s.mu.RUnlock()
	changed := 0
	for id, d := range want {
		a, ok := existing[id]
		if ok && a.Open() && a.Level == d.level && a.Kind == d.kind {
			continue
		}
		if !ok || !a.Open() {
			a = Alert{ID: id, RaisedAt: now}
		}
		a.Kind, a.Level, a.ObjectKind, a.ObjectID, a.Responsible, a.Message = d.kind, d.level, d.objKind, d.objID, d.responsible, d.msg
		a.ClosedAt, a.CloseReason = time.Time{}, ""
		if err := s.putAlert(ctx, a); err != nil {
			return changed, err
		}
		s.alertNotice(ctx, a, now)
		changed++
	}
	for id, a := range existing {
		if _, still := want[id]; still || !a.Open() {
			continue
		}
		a.ClosedAt, a.CloseReason = now, "原因已消除，自动关闭"
		if err := s.putAlert(ctx, a); err != nil {
			return changed, err
		}
		changed++
	}
	return changed, nil
}

func (s *Service) putAlert(ctx context.Context, a Alert) error {
	if err := s.Alerts.PutAlert(ctx, a); err != nil {
		return err
	}
	s.mu.Lock()
	s.alerts[a.ID] = a
	s.mu.Unlock()
	return nil
}

// AckAlert records that a regulator has seen an alert; CloseAlert closes
// it by hand with a note.
func (s *Service) AckAlert(ctx context.Context, who registry.Actor, id string, closeIt bool, note string) (Alert, error) {
	if !who.Supervises() {
		return Alert{}, apperr.Forbidden("只有监管部门可以处理预警")
	}
	s.mu.RLock()
	a, ok := s.alerts[id]
	s.mu.RUnlock()
	if !ok {
		return Alert{}, apperr.NotFound("预警")
	}
	if err := s.inJurisdiction(who, s.alertRegion(ctx, a), "预警"); err != nil {
		return Alert{}, err
	}
	now := s.Now().UTC()
	if a.AckAt.IsZero() {
		a.AckAt, a.AckBy = now, who.UserID
	}
	if closeIt {
		if note == "" {
			return Alert{}, apperr.Invalid().Field("note", "关闭预警请填写处理情况")
		}
		a.ClosedAt, a.CloseReason = now, note
	}
	return a, s.putAlert(ctx, a)
}

// AlertList lists alerts, open ones first, newest first.
func (s *Service) AlertList(openOnly bool, level string, page, size int) ([]Alert, int) {
	s.mu.RLock()
	var out []Alert
	for _, a := range s.alerts {
		if (!openOnly || a.Open()) && (level == "" || a.Level == level) {
			out = append(out, a)
		}
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Open() != out[j].Open() {
			return out[i].Open()
		}
		if !out[i].RaisedAt.Equal(out[j].RaisedAt) {
			return out[i].RaisedAt.After(out[j].RaisedAt)
		}
		return out[i].ID < out[j].ID
	})
	return pageOf(out, page, size)
}
