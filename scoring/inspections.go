package scoring

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// Grade weights of inspection sampling: D and C agencies are drawn more often.
var gradeWeights = map[string]int{"D": 4, "C": 2, "B": 1, "A": 1, "": 1}

// Assignment is one sampled agency with its two inspectors and the result.
type Assignment struct {
	AgencyID   string
	AgencyName string
	Grade      string
	Inspectors []string
	Draw       hall.Draw // the inspectors' draw
	Result     string    // "", "合格", "基本合格", "不合格"
	Note       string
	RecordedAt time.Time
	RecordedBy string
}

// Inspection is a random inspection plan (双随机一公开).
type Inspection struct {
	ID          string
	Name        string
	ItemCodes   []string // scope; empty: all items
	Regions     []string // scope prefixes; empty: everywhere
	SampleSize  int
	Inspectors  []string // the pool (names of inspectors)
	CreatedBy   string
	CreatedAt   time.Time
	Commitment  string
	Secret      string // revealed once drawn
	AgencyDraw  *hall.Draw
	Assignments []Assignment
	DrawnAt     time.Time
	Version     int64
}

// InspectionStore keeps inspection plans.
type InspectionStore interface {
	PutInspection(ctx context.Context, in Inspection) error
	EachInspection(ctx context.Context, fn func(Inspection) error) error
}

// InspectionInput is a regulator's new plan.
type InspectionInput struct {
	Name       string
	ItemCodes  []string
	Regions    []string
	SampleSize int
	Inspectors []string
}

// CreateInspection records a plan and commits to its draw secret.
func (s *Service) CreateInspection(ctx context.Context, who registry.Actor, in InspectionInput) (Inspection, error) {
	if !who.Supervises() {
		return Inspection{}, apperr.Forbidden("只有监管部门可以制定抽查计划")
	}
	v := apperr.Invalid()
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Name)); n < 4 || n > 100 {
		v.Field("name", "请填写计划名称（4–100 字）")
	}
	if in.SampleSize < 1 || in.SampleSize > 500 {
		v.Field("sample_size", "抽查数量应为 1–500 家")
	}
	var pool []string
	for _, p := range in.Inspectors {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(pool, p) {
			pool = append(pool, p)
		}
	}
	if len(pool) < 2 {
		v.Field("inspectors", "执法检查人员库至少 2 人")
	}
	if err := v.OrNil(); err != nil {
		return Inspection{}, err
	}
	id, err := s.newID(ctx, "CC")
	if err != nil {
		return Inspection{}, err
	}
	secret := hall.NewDrawSecret()
	x := Inspection{ID: id, Name: strings.TrimSpace(in.Name), ItemCodes: in.ItemCodes, Regions: in.Regions, SampleSize: in.SampleSize,
		Inspectors: pool, CreatedBy: who.UserID, CreatedAt: s.Now().UTC(), Commitment: secret.Commitment(), Secret: secret.Hex()}
	return x, s.putInspection(ctx, x)
}

func (s *Service) putInspection(ctx context.Context, x Inspection) error {
	if err := s.Inspections.PutInspection(ctx, x); err != nil {
		return err
	}
	s.mu.Lock()
	s.inspections[x.ID] = x
	s.mu.Unlock()
	return nil
}

// DrawInspection samples agencies in scope, weighted by grade, and assigns
// two inspectors to each from the pool — never one who inspected the same
// agency in the past year — all by verifiable draws with the plan's secret.
func (s *Service) DrawInspection(ctx context.Context, who registry.Actor, id string) (Inspection, error) {
	if !who.Supervises() {
		return Inspection{}, apperr.Forbidden("只有监管部门可以抽取")
	}
	s.mu.RLock()
	x, ok := s.inspections[id]
	s.mu.RUnlock()
	if !ok {
		return Inspection{}, apperr.NotFound("抽查计划")
	}
	if x.AgencyDraw != nil {
		return Inspection{}, apperr.Conflict("drawn", "该计划已抽取")
	}
	now := s.Now().UTC()
	weights := map[string]int{}
	names := map[string]string{}
	for _, aid := range s.Registry.Directory().IDs(registry.StatusActive) {
		a, err := s.Registry.Get(ctx, s.system, aid)
		if err != nil || !inScope(a, x, now) {
			continue
		}
		weights[aid] = gradeWeights[s.Grade(aid)]
		names[aid] = a.Profile.Name
	}
	if len(weights) == 0 {
		return Inspection{}, apperr.Conflict("empty_scope", "抽查范围内没有机构")
	}
	secret, _ := hall.ParseDrawSecret(x.Secret)
	d, err := hall.RunWeightedDraw(secret, "inspection", x.ID, weights, "", min(x.SampleSize, len(weights)))
	if err != nil {
		return Inspection{}, err
	}
	recent := s.recentInspectors(now)
	for _, aid := range d.Winners {
		pool := slices.DeleteFunc(slices.Clone(x.Inspectors), func(p string) bool { return recent[aid+"|"+p] })
		if len(pool) < 2 {
			pool = slices.Clone(x.Inspectors) // too few fresh inspectors: fall back to the whole pool
		}
		id := d.ProjectID + "/" + aid
		inspDraw, err := hall.RunDraw(secret, "inspectors", id, pool, "", 2)
		if err != nil {
			return Inspection{}, err
		}
		inspDraw.Purpose = "inspectors"
		x.Assignments = append(x.Assignments, Assignment{AgencyID: aid, AgencyName: names[aid], Grade: s.Grade(aid),
			Inspectors: inspDraw.Winners, Draw: inspDraw})
	}
	d.Purpose = "inspection"
	x.AgencyDraw, x.DrawnAt = &d, now
	return x, s.putInspection(ctx, x)
}

func inScope(a registry.Agency, x Inspection, now time.Time) bool {
	if len(x.Regions) > 0 && !slices.ContainsFunc(x.Regions, func(r string) bool {
		return strings.HasPrefix(a.Profile.Region, strings.TrimRight(r, "0"))
	}) {
		return false
	}
	if len(x.ItemCodes) == 0 {
		return true
	}
	return slices.ContainsFunc(a.Listings, func(l registry.Listing) bool { return slices.Contains(x.ItemCodes, l.ItemCode) })
}

// recentInspectors marks agency|inspector pairs from plans drawn in the
// past year.
func (s *Service) recentInspectors(now time.Time) map[string]bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m := map[string]bool{}
	for _, x := range s.inspections {
		if x.AgencyDraw == nil || now.Sub(x.DrawnAt) > 365*24*time.Hour {
			continue
		}
		for _, a := range x.Assignments {
			for _, p := range a.Inspectors {
				m[a.AgencyID+"|"+p] = true
			}
		}
	}
	return m
}

// RecordInspection stores the result of one assignment; results are public.
func (s *Service) RecordInspection(ctx context.Context, who registry.Actor, id, agencyID, result, note string) (Inspection, error) {
	if !who.Supervises() {
		return Inspection{}, apperr.Forbidden("只有监管部门可以登记检查结果")
	}
	if result != "合格" && result != "基本合格" && result != "不合格" {
		return Inspection{}, apperr.Invalid().Field("result", "检查结果应为合格、基本合格或不合格")
	}
	s.mu.RLock()
	x, ok := s.inspections[id]
	s.mu.RUnlock()
	if !ok {
		return Inspection{}, apperr.NotFound("抽查计划")
	}
	for i := range x.Assignments {
		if x.Assignments[i].AgencyID == agencyID {
			x.Assignments[i].Result, x.Assignments[i].Note = result, strings.TrimSpace(note)
			x.Assignments[i].RecordedAt, x.Assignments[i].RecordedBy = s.Now().UTC(), who.UserID
			return x, s.putInspection(ctx, x)
		}
	}
	return Inspection{}, apperr.NotFound("抽查对象")
}

// InspectionList lists plans, newest first; the secret is hidden until the
// draw (Redacted).
func (s *Service) InspectionList() []Inspection {
	s.mu.RLock()
	out := make([]Inspection, 0, len(s.inspections))
	for _, x := range s.inspections {
		out = append(out, x.Redacted())
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out
}

// Inspection returns one plan, redacted before its draw.
func (s *Service) Inspection(id string) (Inspection, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	x, ok := s.inspections[id]
	if !ok {
		return Inspection{}, apperr.NotFound("抽查计划")
	}
	return x.Redacted(), nil
}

// Redacted hides the secret before the draw.
func (x Inspection) Redacted() Inspection {
	if x.AgencyDraw == nil {
		x.Secret = ""
	}
	return x
}
