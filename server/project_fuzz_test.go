package server

import (
	"context"
	"encoding/json"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// captureHall is a hall store that keeps created projects in memory; any
// other call panics (nil embedded interface), which the fuzzer reports.
type captureHall struct {
	hall.Store
	created []hall.Project
}

func (s *captureHall) NextSequence(context.Context, string) (int64, error) { return 1, nil }

func (s *captureHall) CreateProject(_ context.Context, p hall.Project) error {
	s.created = append(s.created, p)
	return nil
}

// FuzzProjectRequest fuzzes what POST /api/v1/projects does before it
// stores anything: decoding, the request's conversion (times, weights,
// exclusions) and the hall's validation. A refusal is a 400 naming fields
// of the request in Chinese; a project that is accepted has a ceiling above
// 0 and a floor from 0 up to it, known funding and method, a time limit
// within the item's, a deadline after publication and an opening after the
// deadline, published weights that really add up to 100, and texts and
// lists within their bounds.
func FuzzProjectRequest(f *testing.F) {
	for _, m := range hall.Methods {
		b, _ := json.Marshal(projectBody(string(m)))
		f.Add(b)
	}
	scoring := projectBody("scoring")
	scoring["weights"] = map[string]any{"price": 40, "credit": 10, "criteria": []map[string]any{{"name": "技术方案", "max": 50}}}
	direct := projectBody("direct")
	direct["funding"], direct["direct_agency"], direct["direct_reason"] = "social", "agency:91620102MA73QW8N01", "应急抢险工程，须立即开展服务工作"
	direct["ceiling_fen"] = 90_000_00
	excluded := projectBody("random")
	excluded["excluded"] = []map[string]any{{"agency_id": "agency:x", "reason": "与业主存在关联关系"}}
	excluded["witnesses"] = []string{"王五", "赵六"}
	big := projectBody("scoring")
	big["weights"] = map[string]any{"price": 4611686018427387904, "credit": 0, "criteria": []map[string]any{{"name": "技术方案", "max": 100}}}
	for _, b := range []map[string]any{scoring, direct, excluded, big} {
		raw, _ := json.Marshal(b)
		f.Add(raw)
	}
	for _, s := range []string{`{}`, `{"ceiling_fen":-1}`, `{"floor_fen":600000000,"ceiling_fen":1}`, `{"signup_deadline":"2026-12-02 17:00"}`,
		`{"opening_time":"2026-12-01T09:00:00+08:00","signup_deadline":"2026-12-02T17:00:00+08:00"}`, `{"weights":{"criteria":[{"max":-5}]}}`} {
		f.Add([]byte(s))
	}
	now := bj("2026-11-26 09:00")
	item := registry.ServiceItem{Code: hallItem, Name: "环境影响评价", Stage: registry.StageInitiation, Enabled: true,
		Qualifications: []string{"环评能力"}, QualMode: registry.QualAnyOf, TimeLimitDays: 30}
	owner := registry.Actor{UserID: "owner1", OrgID: "owner:x", Kind: registry.ActorOwner}
	typ := reflect.TypeFor[projectRequest]()
	f.Fuzz(func(t *testing.T, body []byte) {
		store := &captureHall{}
		h := hall.NewService(hall.Config{Store: store, Agencies: hallAgencies{}, Catalog: hallCatalog{hallItem: item},
			Now: func() time.Time { return now }})
		var req projectRequest
		err := decodeBody(body, &req)
		var in hall.ProjectInput
		if err == nil {
			withinLimits(t, req)
			in, err = req.input()
		}
		if err == nil {
			_, err = h.Create(context.Background(), owner, "测试业主", in)
		}
		if err != nil {
			if len(store.created) > 0 {
				t.Fatalf("%s: refused with %v after storing a project", body, err)
			}
			wantRequestError(t, body, typ, err)
			return
		}
		if len(store.created) != 1 {
			t.Fatalf("%s: accepted, %d projects stored", body, len(store.created))
		}
		checkProject(t, body, store.created[0], h.Rules, item)
	})
}

func checkProject(t *testing.T, body []byte, p hall.Project, rules hall.Rules, item registry.ServiceItem) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s: accepted a project with "+format, append([]any{body}, args...)...)
	}
	if n := utf8.RuneCountInString(p.Name); n == 0 || n > 100 || p.Name != strings.TrimSpace(p.Name) {
		fail("name %q", p.Name)
	}
	if utf8.RuneCountInString(p.InvestmentCode) > 40 || utf8.RuneCountInString(p.Scope) > 2000 {
		fail("an investment code of %d or a scope of %d characters", utf8.RuneCountInString(p.InvestmentCode), utf8.RuneCountInString(p.Scope))
	}
	if registry.ValidateRegion(p.Region) != "" || p.ItemCode != item.Code {
		fail("region %q, item %q", p.Region, p.ItemCode)
	}
	if p.Funding != hall.FundingFiscal && p.Funding != hall.FundingSocial || !slices.Contains(hall.Methods, p.Method) {
		fail("funding %q, method %q", p.Funding, p.Method)
	}
	if p.CeilingFen <= 0 || p.FloorFen < 0 || p.FloorFen > p.CeilingFen {
		fail("ceiling %d fen and floor %d fen", p.CeilingFen, p.FloorFen)
	}
	if p.TimeLimitDays < 1 || p.TimeLimitDays > item.TimeLimitDays {
		fail("a time limit of %d days", p.TimeLimitDays)
	}
	if p.Method == hall.MethodDirect {
		if p.DirectAgency == "" || utf8.RuneCountInString(p.DirectReason) < 10 {
			fail("a direct choice of %q because %q", p.DirectAgency, p.DirectReason)
		}
		if p.Funding == hall.FundingFiscal && p.CeilingFen > rules.DirectMaxCeilingFen {
			fail("a fiscal direct choice with a ceiling of %d fen", p.CeilingFen)
		}
	} else {
		if p.SignupDeadline.IsZero() || p.SignupDeadline.Before(p.CreatedAt) || p.OpeningTime.Before(p.SignupDeadline) {
			fail("created %v, deadline %v, opening %v", p.CreatedAt, p.SignupDeadline, p.OpeningTime)
		}
		if p.SignupDeadline.Location() != time.UTC || p.OpeningTime.Location() != time.UTC {
			fail("times outside UTC")
		}
	}
	if p.Method == hall.MethodScoring {
		w := p.Weights
		if w == nil {
			fail("no weights")
		}
		sum := new(big.Int)
		for _, pts := range append([]int64{w.Price, w.Credit}, criteriaMax(w.Criteria)...) {
			if pts < 0 || pts > 100 {
				fail("a weight of %d points", pts)
			}
			sum.Add(sum, big.NewInt(pts))
		}
		if sum.Cmp(big.NewInt(100)) != 0 {
			fail("weights adding up to %s points: %+v", sum, *w)
		}
		for _, c := range w.Criteria {
			if c.Name == "" || c.Max <= 0 {
				fail("criterion %+v", c)
			}
		}
	}
	if len(p.Excluded) > 50 || len(p.Witnesses) > 10 {
		fail("%d exclusions and %d witnesses", len(p.Excluded), len(p.Witnesses))
	}
	for _, e := range p.Excluded {
		if e.AgencyID == "" || strings.TrimSpace(e.Reason) == "" {
			fail("exclusion %+v", e)
		}
	}
}

func criteriaMax(cs []hall.Criterion) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.Max
	}
	return out
}
