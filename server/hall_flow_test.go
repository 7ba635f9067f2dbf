package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/hall"
)

// publishedDraws is the shape `agencyhall verify-draw --url` decodes
// (verifydraw.go in package main), copied so this test reads the
// verification response exactly as the command does.
type publishedDraws struct {
	ProjectID  string `json:"project_id"`
	Commitment string `json:"commitment"`
	Secret     string `json:"secret"`
	Draws      []struct {
		Purpose    string   `json:"purpose"`
		Candidates []string `json:"candidates"`
		Witness    string   `json:"witness"`
		Winners    []string `json:"winners"`
	} `json:"draws"`
}

// TestHallRandomDrawEndToEnd: an owner publishes a random-draw project,
// three agencies sign up, the clock passes the opening, the public detail
// shows the opening record, the verification endpoint verifies and the
// command's algorithm agrees; after publicity the owner signs the contract
// with its own uploaded file.
func TestHallRandomDrawEndToEnd(t *testing.T) {
	h := newHallEnv(t)
	owner := h.as("owner1", auth.RoleOwner)
	anon := h.client()
	p := h.publish(owner, "random")
	agencies := map[string]*client{}
	for i := 0; i < 3; i++ {
		a, id := h.agencyClient(i)
		a.do("POST", "/api/v1/projects/"+p.ID+"/signup", nil).want(http.StatusOK)
		agencies[id] = a
	}

	var d projectDTO
	anon.do("GET", "/api/v1/projects/"+p.ID, nil).want(http.StatusOK).decode(&d)
	if d.State != "open" || d.SignupCount != 3 || len(d.Signups) != 3 || d.Opening != nil || d.Result != nil {
		t.Fatalf("before opening: %+v", d)
	}
	var v verificationDTO
	anon.do("GET", "/api/v1/projects/"+p.ID+"/verification", nil).want(http.StatusOK).decode(&v)
	if v.Secret != "" || v.Revealed || len(v.Draws) != 0 || v.Commitment != p.Commitment {
		t.Fatalf("verification before opening: %+v", v)
	}

	h.clk.set(bj("2026-12-03 09:30"))
	anon.do("GET", "/api/v1/projects/"+p.ID, nil).want(http.StatusOK).decode(&d) // the read opens it
	if d.State != "publicity" || d.Opening == nil || d.Opening.Outcome == nil || len(d.Opening.Outcome.Draws) != 1 {
		t.Fatalf("after opening: %+v", d)
	}
	sum := sha256.Sum256(mustHex(t, d.Opening.Secret))
	if hex.EncodeToString(sum[:]) != p.Commitment {
		t.Fatal("the revealed secret does not match the published commitment")
	}
	if agencies[d.WinnerID] == nil || d.Result == nil || d.Result.WinnerName == "" || len(d.Opening.Candidates) != 3 {
		t.Fatalf("result: winner %q, %+v", d.WinnerID, d.Result)
	}
	kinds := []string{}
	for _, s := range d.Timeline {
		kinds = append(kinds, s.Kind)
	}
	if !slices.Contains(kinds, "opened") || !slices.Contains(kinds, "selected") {
		t.Errorf("timeline %v", kinds)
	}

	raw := anon.do("GET", "/api/v1/projects/"+p.ID+"/verification", nil).want(http.StatusOK)
	raw.decode(&v)
	if !v.Verified || !v.Revealed || len(v.Draws) != 1 || !v.Draws[0].Verified {
		t.Fatalf("server verification: %+v", v)
	}
	var pub publishedDraws
	raw.decode(&pub)
	for _, dr := range pub.Draws {
		draw := hall.Draw{Purpose: dr.Purpose, ProjectID: pub.ProjectID, Candidates: dr.Candidates, Witness: dr.Witness, Winners: dr.Winners}
		if ok, msg := hall.VerifyDraw(pub.Secret, pub.Commitment, draw); !ok {
			t.Fatalf("verify-draw on the published values: %s", msg)
		}
		other := slices.DeleteFunc(slices.Clone(dr.Candidates), func(c string) bool { return c == dr.Winners[0] })[0]
		draw.Winners = []string{other}
		if ok, _ := hall.VerifyDraw(pub.Secret, pub.Commitment, draw); ok {
			t.Fatal("a forged winner must not verify")
		}
	}
	if pub.Draws[0].Winners[0] != d.WinnerID {
		t.Fatalf("published winner %v, project winner %s", pub.Draws[0].Winners, d.WinnerID)
	}

	var list listPage[projectSummaryDTO]
	anon.do("GET", "/api/v1/projects?state=publicity,open&sort=deadline", nil).want(http.StatusOK).decode(&list)
	if list.Total != 1 || list.Items[0].WinnerName == "" || list.Items[0].SignupCount != 3 || list.Items[0].NextDeadline == nil {
		t.Fatalf("hall list: %+v", list)
	}

	// Publicity: 3 working days from Thursday 12-03, over on Wednesday 12-09.
	h.clk.set(bj("2026-12-09 08:00"))
	anon.do("GET", "/api/v1/projects/"+p.ID, nil).want(http.StatusOK).decode(&d)
	if d.State != "contracting" {
		t.Fatalf("after publicity: %s", d.State)
	}
	contract := map[string]any{"amount_fen": 400_000_00, "signed_on": "2026-12-09"}
	contract["file_id"] = agencies[d.WinnerID].uploadFile("contract")
	if eb := owner.do("POST", "/api/v1/projects/"+p.ID+"/contract", contract).want(http.StatusBadRequest).errBody(); eb.Fields["file_id"] == "" {
		t.Fatalf("another organisation's file: %+v", eb)
	}
	fileID := owner.uploadFile("contract")
	contract["file_id"] = fileID
	owner.do("POST", "/api/v1/projects/"+p.ID+"/contract", contract).want(http.StatusOK).decode(&d)
	if d.State != "in_service" || d.Contract == nil || d.Contract.AmountFen != 400_000_00 || d.Contract.SignedOn != "2026-12-09" || d.Contract.DueOn == "" {
		t.Fatalf("contract: %s %+v", d.State, d.Contract)
	}
	body := anon.do("GET", "/api/v1/projects/"+p.ID, nil).want(http.StatusOK).Body.String()
	mustNotContain(t, "public detail", body, fileID)

	// The parties read the contract; nobody else learns it exists.
	winner := agencies[d.WinnerID]
	var loser *client
	for id, a := range agencies {
		if id != d.WinnerID {
			loser = a
		}
	}
	for _, tc := range []struct {
		c      *client
		path   string
		status int
	}{
		{owner, "/contract/file", http.StatusOK}, {winner, "/contract/file", http.StatusOK},
		{loser, "/contract/file", http.StatusNotFound}, {anon, "/contract/file", http.StatusUnauthorized},
		{owner, "/deliveries/1/file", http.StatusNotFound},
	} {
		tc.c.do("GET", "/api/v1/projects/"+p.ID+tc.path, nil).want(tc.status)
	}

	// Delivery, acceptance, evaluation and the agency's response.
	winner.do("POST", "/api/v1/projects/"+p.ID+"/delivery", map[string]string{"file_id": fileID}).want(http.StatusBadRequest)
	winner.do("POST", "/api/v1/projects/"+p.ID+"/delivery", map[string]string{"file_id": winner.uploadFile("deliverable")}).
		want(http.StatusOK).decode(&d)
	if d.State != "delivered" || len(d.Deliveries) != 1 {
		t.Fatalf("delivery: %s %+v", d.State, d.Deliveries)
	}
	owner.do("GET", "/api/v1/projects/"+p.ID+"/deliveries/1/file", nil).want(http.StatusOK)
	loser.do("GET", "/api/v1/projects/"+p.ID+"/deliveries/1/file", nil).want(http.StatusNotFound)
	owner.do("POST", "/api/v1/projects/"+p.ID+"/delivery-decision", map[string]any{"accept": true}).want(http.StatusOK).decode(&d)
	owner.do("POST", "/api/v1/projects/"+p.ID+"/evaluation", map[string]any{"quality": 5, "timeliness": 4, "attitude": 5,
		"fees": 5, "conduct": 5, "comment": "报告质量高"}).want(http.StatusOK).decode(&d)
	winner.do("POST", "/api/v1/projects/"+p.ID+"/evaluation-response", map[string]string{"response": "感谢评价"}).
		want(http.StatusOK).decode(&d)
	if d.State != "evaluated" || d.Evaluation == nil || d.Evaluation.Timeliness != 4 || d.Evaluation.Response != "感谢评价" {
		t.Fatalf("evaluation: %s %+v", d.State, d.Evaluation)
	}

	actions := map[string]string{}
	for _, r := range h.auditRecords() {
		actions[r.Action] = r.Target
	}
	for _, a := range []string{"project.create", "project.publish", "project.signup", "project.contract"} {
		if actions[a] != p.ID {
			t.Errorf("audit %s: target %q", a, actions[a])
		}
	}

	// The whole life is in the open-data feed, release by release.
	h.clk.set(bj("2026-12-09 08:05"))
	checkOCDSFeed(t, anon, p.ID, []string{"tender", "tenderUpdate", "award", "awardUpdate", "contract", "implementation",
		"implementationUpdate", "implementationUpdate"})
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		t.Fatalf("secret %q", s)
	}
	return b
}

// TestHallVerificationJSONShape: the verification body decodes into the
// command's type without losing a field it needs.
func TestHallVerificationJSONShape(t *testing.T) {
	b, err := json.Marshal(exampleVerification)
	if err != nil {
		t.Fatal(err)
	}
	var pub publishedDraws
	if err := json.Unmarshal(b, &pub); err != nil || pub.ProjectID == "" || pub.Secret == "" || len(pub.Draws) != 1 ||
		len(pub.Draws[0].Candidates) != 3 || !strings.HasPrefix(pub.Draws[0].Winners[0], "agency:") {
		t.Fatalf("decoded %+v, %v", pub, err)
	}
}
