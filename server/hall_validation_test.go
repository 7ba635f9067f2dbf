package server

import (
	"maps"
	"net/http"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
)

// TestHallAccessAndValidation: roles are kept apart, and malformed or
// invalid bodies get 400 with a Chinese message on the field sent.
func TestHallAccessAndValidation(t *testing.T) {
	h := newHallEnv(t)
	owner := h.as("owner1", auth.RoleOwner)
	reg := h.as("reg1", auth.RoleRegulator)
	anon := h.client()
	agent, _ := h.agencyClient(0)
	p := h.publish(owner, "lowest")
	base := "/api/v1/projects/" + p.ID
	agent.do("POST", base+"/signup", nil).want(http.StatusOK)
	var draft projectDTO
	owner.do("POST", "/api/v1/projects", projectBody("random")).want(http.StatusOK).decode(&draft)

	with := func(method string, edit map[string]any) map[string]any {
		b := projectBody(method)
		maps.Copy(b, edit)
		return b
	}
	tests := []struct {
		name         string
		c            *client
		method, path string
		body         any
		status       int
		field        string // "" when no particular field is named
	}{
		// Roles.
		{"agency creates a project", agent, "POST", "/api/v1/projects", projectBody("random"), 403, ""},
		{"agency publishes", agent, "POST", "/api/v1/projects/" + draft.ID + "/publish", nil, 403, ""},
		{"agency cancels", agent, "POST", base + "/cancel", map[string]any{"reason": "不想做了"}, 403, ""},
		{"agency lists owner projects", agent, "GET", "/api/v1/my/projects", nil, 403, ""},
		{"owner quotes", owner, "POST", base + "/quote", map[string]any{"amount_fen": 300_000_00}, 403, ""},
		{"owner signs up", owner, "POST", base + "/signup", nil, 403, ""},
		{"agency reviews an announcement", agent, "POST", base + "/announcement-review", map[string]any{"approve": true}, 403, ""},
		{"owner decides an objection", owner, "POST", base + "/objection-decision", map[string]any{"upheld": true, "note": "x"}, 403, ""},
		{"anonymous signs up", anon, "POST", base + "/signup", nil, 401, ""},
		{"another owner's draft is hidden", anon, "GET", "/api/v1/projects/" + draft.ID, nil, 404, ""},
		{"unknown project", anon, "GET", "/api/v1/projects/P000000000000", nil, 404, ""},
		{"agency signs up twice", agent, "POST", base + "/signup", nil, 409, ""},

		// Malformed bodies.
		{"name of the wrong type", owner, "POST", "/api/v1/projects", `{"name":5}`, 400, "name"},
		{"unknown field", owner, "POST", "/api/v1/projects", `{"nmae":"x"}`, 400, "nmae"},
		{"not JSON", owner, "POST", "/api/v1/projects", `{"name":`, 400, ""},
		{"empty body", agent, "POST", base + "/quote", "", 400, ""},
		{"amount as a string", agent, "POST", base + "/quote", `{"amount_fen":"300000"}`, 400, "amount_fen"},
		{"deadline not RFC 3339", owner, "POST", "/api/v1/projects", with("random", map[string]any{"signup_deadline": "2026-12-02 17:00"}), 400, "signup_deadline"},
		{"opening not RFC 3339", owner, "POST", "/api/v1/projects", with("random", map[string]any{"opening_time": "明天"}), 400, "opening_time"},
		{"contract date format", owner, "POST", base + "/contract", map[string]any{"amount_fen": 100, "signed_on": "2026/12/09", "file_id": "x"}, 400, "signed_on"},
		{"contract without file", owner, "POST", base + "/contract", map[string]any{"amount_fen": 100, "signed_on": "2026-12-09"}, 400, "file_id"},
		{"delivery decision without a choice", owner, "POST", base + "/delivery-decision", `{}`, 400, "accept"},
		{"review without a choice", reg, "POST", base + "/announcement-review", `{"note":"x"}`, 400, "approve"},
		{"objection decision without a choice", reg, "POST", base + "/objection-decision", `{"note":"x"}`, 400, "upheld"},
		{"criteria scores of the wrong type", owner, "POST", base + "/criteria-scores", `{"scores":{"a":["x"]}}`, 400, ""},
		{"delivery without file", agent, "POST", base + "/delivery", `{}`, 400, "file_id"},

		// Domain validation, with the request's field names.
		{"empty project", owner, "POST", "/api/v1/projects", `{}`, 400, "item_code"},
		{"floor above ceiling", owner, "POST", "/api/v1/projects", with("random", map[string]any{"floor_fen": 600_000_00}), 400, "floor_fen"},
		{"zero ceiling", owner, "POST", "/api/v1/projects", with("random", map[string]any{"ceiling_fen": 0}), 400, "ceiling_fen"},
		{"deadline too soon", owner, "POST", "/api/v1/projects", with("random", map[string]any{"signup_deadline": "2026-11-27T17:00:00+08:00"}), 400, "signup_deadline"},
		{"opening before deadline", owner, "POST", "/api/v1/projects", with("random", map[string]any{"opening_time": "2026-12-01T09:00:00+08:00"}), 400, "opening_time"},
		{"time limit over statutory", owner, "POST", "/api/v1/projects", with("random", map[string]any{"time_limit_days": 31}), 400, "time_limit_days"},
		{"unknown item", owner, "POST", "/api/v1/projects", with("random", map[string]any{"item_code": "NOPE"}), 400, "item_code"},
		{"scoring without weights", owner, "POST", "/api/v1/projects", projectBody("scoring"), 400, "weights"},
		{"negative weight", owner, "POST", "/api/v1/projects", with("scoring", map[string]any{"weights": map[string]any{"price": -10, "credit": 110}}), 400, "weights"},
		{"direct without an agency", owner, "POST", "/api/v1/projects", with("direct", map[string]any{"funding": "social"}), 400, "direct_agency"},
		{"exclusion without a reason", owner, "POST", "/api/v1/projects", with("random", map[string]any{"excluded": []map[string]string{{"agency_id": "agency:x"}}}), 400, "excluded[0].reason"},
		{"evaluation stars", owner, "POST", base + "/evaluation", map[string]any{"quality": 6, "timeliness": 5, "attitude": 5, "fees": 5, "conduct": 5}, 400, "quality"},
		{"cancel without a reason", owner, "POST", base + "/cancel", `{}`, 400, "reason"},
		{"extension of 0 days", owner, "POST", base + "/extend", map[string]any{"days": 0, "reason": "x"}, 400, "days"},
		{"quote below the floor", agent, "POST", base + "/quote", map[string]any{"amount_fen": 99_999_99}, 400, "amount_fen"},
		{"objection too short", agent, "POST", base + "/objection", map[string]any{"reason": "不服"}, 400, "reason"},

		// Query parameters.
		{"unknown state", anon, "GET", "/api/v1/projects?state=open,nope", nil, 400, "state"},
		{"unknown method", anon, "GET", "/api/v1/projects?method=auction", nil, 400, "method"},
		{"unknown sort", anon, "GET", "/api/v1/projects?sort=price", nil, 400, "sort"},
		{"page size over 100", anon, "GET", "/api/v1/projects?page_size=101", nil, 400, "page_size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eb := tt.c.do(tt.method, tt.path, tt.body).want(tt.status).errBody()
			if tt.field != "" && !hasHan(eb.Fields[tt.field]) {
				t.Errorf("fields %v, want a Chinese message on %s", eb.Fields, tt.field)
			}
			if tt.field == "" && !hasHan(eb.Message) {
				t.Errorf("message %q", eb.Message)
			}
		})
	}
}
