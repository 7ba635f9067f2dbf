package server

import (
	"context"
	"net/http"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
)

// TestHallComprehensiveScoring: after the opening the bids are public but
// the draw secret stays hidden until the owner has entered the criteria
// scores (it could otherwise be used to steer tie-breaks); then the totals
// decide and the secret is revealed.
func TestHallComprehensiveScoring(t *testing.T) {
	h := newHallEnv(t)
	owner := h.as("owner1", auth.RoleOwner)
	anon := h.client()
	body := projectBody("scoring")
	body["signup_deadline"], body["opening_time"] = "2026-12-03T17:00:00+08:00", "2026-12-04T09:30:00+08:00"
	body["weights"] = map[string]any{"price": 60, "credit": 30, "criteria": []map[string]any{{"name": "技术方案", "max": 10}}}
	var p projectDTO
	owner.do("POST", "/api/v1/projects", body).want(http.StatusOK).decode(&p)
	owner.do("POST", "/api/v1/projects/"+p.ID+"/publish", nil).want(http.StatusOK).decode(&p)
	base := "/api/v1/projects/" + p.ID
	scores := map[string][]int64{}
	for i, amount := range []int64{300_000_00, 280_000_00, 320_000_00} {
		a, id := h.agencyClient(i)
		a.do("POST", base+"/signup", nil).want(http.StatusOK)
		a.do("POST", base+"/quote", map[string]any{"amount_fen": amount}).want(http.StatusOK)
		scores[id] = []int64{int64(i+1) * 30000}
	}
	stored, err := h.store.Hall().GetProject(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}

	h.clk.set(bj("2026-12-04 09:30"))
	res := anon.do("GET", base, nil).want(http.StatusOK)
	res.decode(&p)
	if p.State != "opening" || p.Opening == nil || len(p.Opening.Bids) != 3 || p.Opening.Outcome != nil {
		t.Fatalf("waiting for criteria scores: %s %+v", p.State, p.Opening)
	}
	mustNotContain(t, "detail while scoring", res.Body.String(), stored.Secret)
	mustNotContain(t, "verification while scoring", anon.do("GET", base+"/verification", nil).want(http.StatusOK).Body.String(), stored.Secret)

	eb := owner.do("POST", base+"/criteria-scores", map[string]any{"scores": map[string][]int64{}}).want(http.StatusBadRequest).errBody()
	if len(eb.Fields) != 3 {
		t.Errorf("missing scores: %+v", eb)
	}
	owner.do("POST", base+"/criteria-scores", map[string]any{"scores": scores}).want(http.StatusOK).decode(&p)
	if p.State != "publicity" || p.Opening.Outcome == nil || len(p.Opening.Outcome.Scores) != 3 || p.Opening.Secret != stored.Secret {
		t.Fatalf("after scoring: %s %+v", p.State, p.Opening)
	}
	top := p.Opening.Outcome.Scores[0]
	if top.AgencyID != p.WinnerID || top.Total != top.Price+top.Credit+top.Criteria {
		t.Errorf("scores %+v", p.Opening.Outcome.Scores)
	}
}
