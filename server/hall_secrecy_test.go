package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
)

// TestHallSealedQuoteSecrecy: until the opening no response — to the
// public, the owner, a regulator, an admin or another agency — and no audit
// record holds a quote amount or the draw secret; quotes outside the limits
// and after the deadline are refused; after the opening the committed
// amounts and the secret are public, and a replaced quote never is.
func TestHallSealedQuoteSecrecy(t *testing.T) {
	h := newHallEnv(t)
	owner := h.as("owner1", auth.RoleOwner)
	admin := h.as("admin1", auth.RoleAdmin)
	reg := h.as("reg1", auth.RoleRegulator)
	anon := h.client()
	p := h.publish(owner, "lowest")
	base := "/api/v1/projects/" + p.ID

	const replaced = 234_567_89 // agency 0's first quote, replaced before the deadline
	amounts := []int64{223_344_55, 314_159_26, 271_828_18}
	var agents []*client
	var ids []string
	receipts := map[int]receiptDTO{}
	for i := range amounts {
		a, id := h.agencyClient(i)
		agents, ids = append(agents, a), append(ids, id)
		a.do("POST", base+"/signup", nil).want(http.StatusOK)
		first := amounts[i]
		if i == 0 {
			first = replaced
		}
		r := a.do("POST", base+"/quote", map[string]any{"amount_fen": first}).want(http.StatusOK)
		mustNotContain(t, "quote response", r.Body.String(), fmt.Sprint(first))
		r.decode(new(receiptDTO))
	}
	var r receiptDTO
	agents[0].do("POST", base+"/quote", map[string]any{"amount_fen": amounts[0]}).want(http.StatusOK).decode(&r)
	receipts[0] = r
	for i := 1; i < 3; i++ {
		agents[i].do("GET", base+"/my-quote", nil).want(http.StatusOK).decode(&r)
		receipts[i] = r
	}
	if receipts[0].Receipt == "" || receipts[0].Receipt == receipts[1].Receipt {
		t.Fatalf("receipts %+v", receipts)
	}

	// An agency sees only its own receipt: one without a quote gets none.
	late, _ := h.agencyClient(3)
	late.do("POST", base+"/signup", nil).want(http.StatusOK)
	body := late.do("GET", base+"/my-quote", nil).want(http.StatusNotFound).Body.String()
	for _, rc := range receipts {
		mustNotContain(t, "another agency's my-quote", body, rc.Receipt)
	}
	owner.do("GET", base+"/my-quote", nil).want(http.StatusForbidden)

	// Refused quotes.
	for _, amount := range []int64{0, 99_999_99, 500_000_01} {
		eb := agents[1].do("POST", base+"/quote", map[string]any{"amount_fen": amount}).want(http.StatusBadRequest).errBody()
		if !hasHan(eb.Fields["amount_fen"]) {
			t.Errorf("quote %d: %+v", amount, eb)
		}
	}

	stored, err := h.store.Hall().GetProject(context.Background(), p.ID)
	if err != nil || len(stored.Secret) != 64 {
		t.Fatalf("stored secret: %v", err)
	}
	// Amounts in fen (the API) and in yuan (pages, open data).
	yuan := func(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }
	secrets := []string{stored.Secret, fmt.Sprint(replaced), yuan(replaced)}
	for _, a := range amounts {
		secrets = append(secrets, fmt.Sprint(a), yuan(a))
	}
	feed, record := "/api/v1/ocds/releases", "/api/v1/ocds/records/"+testOCDSPrefix+"-"+p.ID
	checkSealed := func(when string) {
		t.Helper()
		reads := []struct {
			who  string
			c    *client
			path string
		}{
			{"public", anon, base}, {"public", anon, "/api/v1/projects"}, {"public", anon, "/api/v1/projects?state=open"},
			{"public", anon, base + "/timeline"}, {"public", anon, base + "/verification"},
			{"owner", owner, base}, {"owner", owner, "/api/v1/my/projects"}, {"owner", owner, base + "/timeline"},
			{"regulator", reg, base}, {"regulator", reg, base + "/verification"}, {"regulator", reg, "/api/v1/audit?page_size=100"},
			{"admin", admin, base}, {"admin", admin, "/api/v1/projects"}, {"admin", admin, "/api/v1/audit?page_size=100"},
			{"agency", agents[1], base}, {"agency", agents[1], "/api/v1/my/signups"}, {"agency", agents[1], "/api/v1/my/opportunities"},
			{"agency", agents[1], base + "/my-quote"},
			{"public", anon, feed}, {"public", anon, record},
		}
		for _, rd := range reads {
			res := rd.c.do("GET", rd.path, nil).want(http.StatusOK)
			mustNotContain(t, when+": "+rd.who+" GET "+rd.path, res.Body.String(), secrets...)
		}
		for _, rec := range h.auditRecords() {
			mustNotContain(t, when+": audit record "+rec.Action, rec.Summary+" "+rec.Target, secrets...)
		}
	}
	checkSealed("before the deadline")

	// At the deadline, before the opening: refused, and still sealed.
	h.clk.set(bj("2026-12-02 17:00"))
	eb := agents[1].do("POST", base+"/quote", map[string]any{"amount_fen": 300_000_00}).want(http.StatusConflict).errBody()
	if eb.Message != "报价已截止，未被接受" {
		t.Errorf("late quote: %+v", eb)
	}
	agents[2].do("DELETE", base+"/quote", nil).want(http.StatusConflict)
	checkSealed("after the deadline")

	var quoted int
	for _, rec := range h.auditRecords() {
		if rec.Action == "quote.submit" {
			quoted++
			if !strings.Contains(rec.Summary, "回执") || rec.Target != p.ID {
				t.Errorf("quote audit record %+v", rec)
			}
		}
	}
	if quoted != 4 {
		t.Errorf("%d quote audit records, want 4", quoted)
	}

	// The opening publishes the committed amounts with their receipts.
	h.clk.set(bj("2026-12-03 09:30"))
	var d projectDTO
	res := anon.do("GET", base, nil).want(http.StatusOK)
	res.decode(&d)
	if d.State != "publicity" || d.Opening == nil || d.Opening.Secret != stored.Secret {
		t.Fatalf("after opening: %s %+v", d.State, d.Opening)
	}
	mustNotContain(t, "opening record", res.Body.String(), fmt.Sprint(replaced))
	for i, a := range amounts {
		if !strings.Contains(res.Body.String(), fmt.Sprint(a)) {
			t.Errorf("amount %d missing from the opening record", a)
		}
		found := false
		for _, b := range d.Opening.Bids {
			found = found || (b.Receipt == receipts[i].Receipt && b.AmountFen == a && b.Valid)
		}
		if !found {
			t.Errorf("agency %d's acknowledged quote is not in the opening record", i)
		}
	}
	if d.WinnerID != ids[0] || d.Opening.Outcome.Winner != ids[0] || d.Result.Ranking[0].AgencyID != ids[0] {
		t.Fatalf("winner %q, want the lowest quote's agency %s", d.WinnerID, ids[0])
	}

	// Open data: once settled, the award release names the winner at its
	// quote, and only the winner's quote appears.
	h.clk.set(bj("2026-12-03 09:32"))
	body = anon.do("GET", record, nil).want(http.StatusOK).Body.String()
	if !strings.Contains(body, yuan(amounts[0])) || !strings.Contains(body, ids[0]) {
		t.Errorf("the record lacks the award to %s at %s: %s", ids[0], yuan(amounts[0]), body)
	}
	body = anon.do("GET", feed, nil).want(http.StatusOK).Body.String()
	mustNotContain(t, "release feed after the opening", body, yuan(replaced), yuan(amounts[1]), yuan(amounts[2]), stored.Secret)
	if !strings.Contains(body, `"award"`) {
		t.Errorf("no award release in the feed: %s", body)
	}
}
