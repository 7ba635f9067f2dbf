package scoring

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// Config wires supervision.
type Config struct {
	Store       Store
	Alerts      AlertStore
	Inspections InspectionStore
	Registry    *registry.Registry
	Hall        *hall.Service
	Calendar    *hall.Calendar
	Now         func() time.Time
	// Observe, when set, is told of complaints, sanctions, decisions,
	// alerts and grade changes once they are stored (notices.go). It runs
	// in the caller's request or job, so it must be quick.
	Observe func(ctx context.Context, e hall.Event)
}

// Service carries out supervision's rules. It keeps complaints, sanctions,
// appeals and every agency's current score in memory (loaded at start,
// updated on every write), so lists and the hall's eligibility checks never
// scan the database.
type Service struct {
	Config
	system registry.Actor

	mu          sync.RWMutex
	complaints  map[string]Complaint
	sanctions   map[string]Sanction
	appeals     map[string]Appeal
	current     map[string]HistoryPoint // agency → latest score
	alerts      map[string]Alert
	inspections map[string]Inspection
}

// NewService builds the supervision service. Call Load before serving.
func NewService(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Calendar == nil {
		c.Calendar = hall.NewCalendar()
	}
	return &Service{Config: c, system: registry.Actor{UserID: "system", Kind: registry.ActorAdmin},
		complaints: map[string]Complaint{}, sanctions: map[string]Sanction{}, appeals: map[string]Appeal{}, current: map[string]HistoryPoint{},
		alerts: map[string]Alert{}, inspections: map[string]Inspection{}}
}

// Load fills the in-memory state from storage.
func (s *Service) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.Store.EachComplaint(ctx, func(c Complaint) error { s.complaints[c.ID] = c; return nil }); err != nil {
		return err
	}
	if err := s.Store.EachSanction(ctx, func(x Sanction) error { s.sanctions[x.ID] = x; return nil }); err != nil {
		return err
	}
	if err := s.Store.EachAppeal(ctx, func(a Appeal) error { s.appeals[a.ID] = a; return nil }); err != nil {
		return err
	}
	if s.Inspections != nil {
		if err := s.Inspections.EachInspection(ctx, func(x Inspection) error { s.inspections[x.ID] = x; return nil }); err != nil {
			return err
		}
	}
	if s.Alerts != nil {
		if err := s.Alerts.EachAlert(ctx, func(a Alert) error { s.alerts[a.ID] = a; return nil }); err != nil {
			return err
		}
	}
	return s.Store.EachHistory(ctx, func(agency string, pts []HistoryPoint) error {
		if len(pts) > 0 {
			s.current[agency] = pts[len(pts)-1]
		}
		return nil
	})
}

// Grade is an agency's current credit grade ("" before its first scoring).
func (s *Service) Grade(agency string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.current[agency].Grade
}

// CreditTenths is an agency's current score in tenths (the base 1000 before
// its first scoring), for comprehensive scoring.
func (s *Service) CreditTenths(agency string) int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p, ok := s.current[agency]; ok {
		return int64(p.Score)
	}
	return int64(BaseScore)
}

// Current returns an agency's latest score point.
func (s *Service) Current(agency string) (HistoryPoint, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.current[agency]
	return p, ok
}

// GradeCounts counts agencies by current grade.
func (s *Service) GradeCounts() map[string]int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m := map[string]int{}
	for _, p := range s.current {
		m[p.Grade]++
	}
	return m
}

func (s *Service) newID(ctx context.Context, prefix string) (string, error) {
	now := s.Now().In(registry.Shanghai)
	n, err := s.Store.NextSequence(ctx, prefix+now.Format("2006"))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%s%05d", prefix, now.Format("2006"), n), nil
}

// ComplaintInput is a new complaint.
type ComplaintInput struct {
	Name, Phone   string // required of the public
	TargetKind    string // agency (default) or owner
	TargetID      string
	ProjectID     string
	Subject       string
	Details       string
	EvidenceFiles []string
}

// FileComplaint records a complaint by an owner, an agency or the public.
func (s *Service) FileComplaint(ctx context.Context, who registry.Actor, in ComplaintInput) (Complaint, error) {
	v := apperr.Invalid()
	in.Subject, in.Details = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Details)
	if n := utf8.RuneCountInString(in.Subject); n < 4 || n > 100 {
		v.Field("subject", "请填写投诉事项（4–100 字）")
	}
	if n := utf8.RuneCountInString(in.Details); n < 10 || n > 5000 {
		v.Field("details", "请写明投诉的具体事实和理由（10–5000 字）")
	}
	if in.TargetKind == "" {
		in.TargetKind = "agency"
	}
	kind := string(who.Kind)
	if who.Kind == registry.ActorPublic {
		kind = "public"
		if strings.TrimSpace(in.Name) == "" || utf8.RuneCountInString(in.Name) > 50 {
			v.Field("name", "请填写投诉人姓名")
		}
		if p := strings.TrimSpace(in.Phone); len(p) < 7 || len(p) > 20 {
			v.Field("phone", "请填写可以联系到您的电话")
		}
	}
	if len(in.EvidenceFiles) > 10 {
		v.Field("evidence", "证据材料最多 10 个文件")
	}
	var targetName string
	if in.ProjectID != "" {
		p, err := s.Hall.Get(ctx, s.system, in.ProjectID)
		switch {
		case err != nil:
			v.Field("project_id", "项目不存在")
		case in.TargetKind == "owner":
			// A complaint against an owner may name only the project.
			in.TargetID, targetName = p.OwnerOrg, p.OwnerName
		}
	}
	switch in.TargetKind {
	case "agency":
		a, err := s.Registry.Get(ctx, s.system, in.TargetID)
		if err != nil {
			v.Field("target_id", "被投诉的中介机构不存在")
		} else {
			targetName = a.Profile.Name
		}
	case "owner":
		if strings.TrimSpace(in.TargetID) == "" {
			v.Field("target_id", "请选择被投诉的项目业主，或填写项目编号")
		}
		if targetName == "" {
			targetName = in.TargetID
		}
	default:
		v.Field("target_kind", "被投诉对象应为中介机构或项目业主")
	}
	if err := v.OrNil(); err != nil {
		return Complaint{}, err
	}
	id, err := s.newID(ctx, "TS")
	if err != nil {
		return Complaint{}, err
	}
	now := s.Now().UTC()
	c := Complaint{ID: id, ComplainantKind: kind, ComplainantOrg: who.OrgID, ComplainantUser: who.UserID,
		ComplainantName: strings.TrimSpace(in.Name), ComplainantPhone: strings.TrimSpace(in.Phone), TargetKind: in.TargetKind,
		TargetID: in.TargetID, TargetName: targetName, ProjectID: in.ProjectID, Subject: in.Subject, Details: in.Details,
		EvidenceFiles: in.EvidenceFiles, State: ComplaintSubmitted, SubmittedAt: now,
		Log: []ComplaintStep{{At: now, Actor: actorName(who), State: ComplaintSubmitted}}}
	if err := s.Store.CreateComplaint(ctx, c); err != nil {
		return Complaint{}, err
	}
	c.Version = 1
	s.putComplaint(c)
	s.complaintNotice(ctx, NoticeComplaintFiled, c, "")
	return c, nil
}

func actorName(who registry.Actor) string {
	if who.UserID == "" {
		return "公众"
	}
	return who.UserID
}

func (s *Service) putComplaint(c Complaint) {
	s.mu.Lock()
	s.complaints[c.ID] = c
	s.mu.Unlock()
}

// ComplaintFor returns a complaint as who may see it: the complainant and
// supervisors in full; the complained-about party without the identity of a
// public complainant; nobody else.
func (s *Service) ComplaintFor(who registry.Actor, id string) (Complaint, error) {
	s.mu.RLock()
	c, ok := s.complaints[id]
	s.mu.RUnlock()
	switch {
	case !ok:
		return Complaint{}, apperr.NotFound("投诉")
	case who.Supervises(), who.UserID != "" && who.UserID == c.ComplainantUser:
		return c, nil
	case who.OrgID != "" && who.OrgID == c.TargetID:
		return HideComplainant(c), nil
	}
	return Complaint{}, apperr.NotFound("投诉")
}

// HideComplainant removes who complained, for the complained-about party.
func HideComplainant(c Complaint) Complaint {
	if c.ComplainantKind == "public" {
		c.ComplainantName, c.ComplainantPhone = "（公众投诉人，身份不公开）", ""
	}
	c.ComplainantUser, c.ComplainantOrg = "", ""
	return c
}

// ComplaintQuery filters complaint lists.
type ComplaintQuery struct {
	States   []ComplaintState
	TargetID string
	Mine     bool // the caller's own complaints
	Page     int
	PageSize int
}

// Complaints lists complaints visible to who, newest first.
func (s *Service) Complaints(who registry.Actor, q ComplaintQuery) ([]Complaint, int) {
	s.mu.RLock()
	var hits []Complaint
	for _, c := range s.complaints {
		switch {
		case q.Mine && c.ComplainantUser != who.UserID:
			continue
		case !q.Mine && !who.Supervises() && c.TargetID != who.OrgID:
			continue
		case q.TargetID != "" && c.TargetID != q.TargetID:
			continue
		case len(q.States) > 0 && !containsState(q.States, c.State):
			continue
		}
		if !who.Supervises() && c.ComplainantUser != who.UserID {
			c = HideComplainant(c)
		}
		hits = append(hits, c)
	}
	s.mu.RUnlock()
	sort.Slice(hits, func(i, j int) bool { return hits[i].ID > hits[j].ID })
	return pageOf(hits, q.Page, q.PageSize)
}

func containsState(list []ComplaintState, s ComplaintState) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func pageOf[T any](all []T, page, size int) ([]T, int) {
	if page < 1 {
		page = 1
	}
	if size < 1 || size > 100 {
		size = 20
	}
	from := min((page-1)*size, len(all))
	return all[from:min(from+size, len(all))], len(all)
}

// MoveComplaint is a regulator's step: accept, reject (reason), start the
// investigation, or decide (substantiated needs a severity and a finding).
// A substantiated complaint against an agency becomes a scoring event.
func (s *Service) MoveComplaint(ctx context.Context, who registry.Actor, id string, to ComplaintState, severity Severity, note string) (Complaint, error) {
	note = strings.TrimSpace(note)
	s.mu.RLock()
	c0, ok := s.complaints[id]
	s.mu.RUnlock()
	isComplainant := ok && who.UserID != "" && c0.ComplainantUser == who.UserID
	switch {
	case to == ComplaintWithdrawn && !isComplainant:
		return Complaint{}, apperr.Forbidden("只有投诉人可以撤回投诉")
	case to != ComplaintWithdrawn && !who.Supervises():
		return Complaint{}, apperr.Forbidden("只有监管部门可以处理投诉")
	}
	if to != ComplaintWithdrawn && ok {
		if err := s.inJurisdiction(who, s.complaintRegion(ctx, c0), "投诉"); err != nil {
			return Complaint{}, err
		}
	}
	v := apperr.Invalid()
	if (to == ComplaintRejected || to == ComplaintSubstantiated || to == ComplaintUnsubstantiated) && note == "" {
		v.Field("note", "请填写理由或调查结论")
	}
	if to == ComplaintSubstantiated && severity != SeverityMinor && severity != SeverityGeneral && severity != SeveritySerious {
		v.Field("severity", "请选择情节：轻微、一般或严重")
	}
	if err := v.OrNil(); err != nil {
		return Complaint{}, err
	}
	now := s.Now().UTC()
	c, err := s.Store.UpdateComplaint(ctx, id, func(c *Complaint) error {
		if !CanMove(c.State, to) {
			return apperr.Conflict("bad_transition", "投诉当前为“"+c.State.Label()+"”，不能改为“"+to.Label()+"”")
		}
		c.State = to
		switch to {
		case ComplaintAccepted, ComplaintRejected:
			c.AcceptedAt, c.Handler = now, who.UserID
		case ComplaintSubstantiated, ComplaintUnsubstantiated:
			c.DecidedAt, c.Finding, c.Handler = now, note, who.UserID
			if to == ComplaintSubstantiated {
				c.Severity = severity
			}
		}
		if to == ComplaintRejected {
			c.DecidedAt, c.Finding = now, note
		}
		c.Log = append(c.Log, ComplaintStep{At: now, Actor: who.UserID, State: to, Note: note})
		return nil
	})
	if err != nil {
		return Complaint{}, err
	}
	s.putComplaint(c)
	s.complaintNotice(ctx, NoticeComplaintMoved, c, note)
	if to == ComplaintSubstantiated && c.TargetKind == "agency" {
		if err := s.Store.PutEvent(ctx, hall.Event{ID: "complaint:" + c.ID, Kind: EventComplaintSubstantiated, ProjectID: c.ProjectID,
			AgencyID: c.TargetID, At: now, Data: map[string]string{"severity": string(severity), "note": "投诉 " + c.ID + "：" + c.Subject}}); err != nil {
			return c, err
		}
	}
	return c, nil
}

// RespondToComplaint is the complained-about party's response.
func (s *Service) RespondToComplaint(ctx context.Context, who registry.Actor, id, text string) (Complaint, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 2000 {
		return Complaint{}, apperr.Invalid().Field("response", "请填写说明（2000 字以内）")
	}
	c, err := s.Store.UpdateComplaint(ctx, id, func(c *Complaint) error {
		if c.TargetID != who.OrgID || who.OrgID == "" {
			return apperr.NotFound("投诉")
		}
		if c.State == ComplaintWithdrawn || c.State == ComplaintRejected {
			return apperr.Conflict("closed", "该投诉已结束")
		}
		c.Response, c.RespondedAt = text, s.Now().UTC()
		return nil
	})
	if err == nil {
		s.putComplaint(c)
	}
	return HideComplainant(c), err
}
