package ocds

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/agencyhall/agencyhall/hall"
)

func tagsOf(rels []Release) []string {
	var out []string
	for _, r := range rels {
		out = append(out, strings.Join(r.Tag, "+"))
	}
	return out
}

func TestReleasesFollowTheLifecycle(t *testing.T) {
	schema := releaseSchema(t)
	tests := []struct {
		name    string
		project hall.Project
		tags    []string
		check   func(t *testing.T, rels []Release)
	}{
		{
			name: "lowest price to evaluation", project: pricedProject(),
			tags: []string{"tender", "tenderUpdate", "award", "awardUpdate", "contract", "contractUpdate", "implementation",
				"implementationUpdate", "implementationUpdate"},
			check: func(t *testing.T, rels []Release) {
				first, last := rels[0], rels[len(rels)-1]
				if first.Tender.Status != "active" || first.Tender.Value.Amount != "120000.00" || first.Tender.Tenderers != nil ||
					first.Tender.NumberOfTenderers != nil {
					t.Errorf("tender release: %+v", first.Tender)
				}
				award := last.Awards[0]
				if award.Status != "active" || award.Value.Amount != "87654.32" || award.Suppliers[0].Name != "B咨询有限公司" {
					t.Errorf("award: %+v", award)
				}
				if rels[2].Awards[0].Status != "pending" {
					t.Errorf("award during publicity: %s, want pending", rels[2].Awards[0].Status)
				}
				if n := *last.Tender.NumberOfTenderers; n != 3 || last.Tender.Status != "complete" {
					t.Errorf("tender after opening: %d tenderers, status %s", n, last.Tender.Status)
				}
				c := last.Contracts[0]
				if c.Status != "terminated" || c.AwardID != award.ID || c.Value.Amount != "87654.32" {
					t.Errorf("contract: %+v", c)
				}
				// The extension moved the due date; the contract release keeps the first one.
				if rels[4].Contracts[0].Period.EndDate == rels[5].Contracts[0].Period.EndDate {
					t.Errorf("extension did not move the end date: %s", rels[5].Contracts[0].Period.EndDate)
				}
				ms := last.Contracts[0].Implementation.Milestones
				for _, m := range ms {
					if m.Status != "met" || m.DateMet == "" {
						t.Errorf("milestone %s at the end: %+v", m.Title, m)
					}
				}
				if s := rels[6].Contracts[0].Implementation.Milestones[1].Status; s != "scheduled" {
					t.Errorf("acceptance before the owner decided: %s", s)
				}
				roles := map[string][]string{}
				for _, p := range last.Parties {
					roles[p.ID] = p.Roles
				}
				if !slices.Equal(roles["owner:91620100MA000000X1"], []string{"buyer", "procuringEntity"}) ||
					!slices.Equal(roles["agency:B"], []string{"tenderer", "supplier"}) || !slices.Equal(roles["agency:A"], []string{"tenderer"}) {
					t.Errorf("party roles: %v", roles)
				}
			},
		},
		{
			name: "draw with a substitute after abandonment", project: drawProject(),
			tags: []string{"tender", "tenderUpdate", "award", "awardUpdate", "awardCancellation", "award"},
			check: func(t *testing.T, rels []Release) {
				last := rels[len(rels)-1]
				if len(last.Awards) != 2 || last.Awards[0].Status != "cancelled" || last.Awards[1].Status != "pending" ||
					last.Awards[1].Suppliers[0].ID != "agency:A" || last.Awards[1].Value.Amount != "30000.00" {
					t.Errorf("awards: %+v", last.Awards)
				}
				if last.Tender.AwardCriteria != "priceOnly" || last.Tender.ProcurementMethod != "open" {
					t.Errorf("tender: %+v", last.Tender)
				}
			},
		},
		{
			name: "direct choice", project: directProject(), tags: []string{"tender", "award"},
			check: func(t *testing.T, rels []Release) {
				if rels[1].Awards[0].Suppliers[0].Name != "丁测绘有限公司" || rels[1].Tender.ProcurementMethod != "direct" {
					t.Errorf("direct award: %+v %+v", rels[1].Awards, rels[1].Tender)
				}
			},
		},
		{
			name: "cancelled during sign-up", project: cancelledProject(), tags: []string{"tender", "tenderCancellation"},
			check: func(t *testing.T, rels []Release) {
				raw, _ := json.Marshal(rels)
				if strings.Contains(string(raw), "agency:A") || strings.Contains(string(raw), "A咨询") {
					t.Errorf("a bidder of an unopened project is published: %s", raw)
				}
				if rels[1].Tender.Status != "cancelled" {
					t.Errorf("status %s", rels[1].Tender.Status)
				}
			},
		},
		{name: "never published", project: draftProject(), tags: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.project
			rels := testBuilder.Releases(&p)
			if got := tagsOf(rels); !slices.Equal(got, tc.tags) {
				t.Fatalf("tags %v, want %v", got, tc.tags)
			}
			for i, r := range rels {
				validate(t, schema, r)
				if r.OCID != "ocds-test01-"+p.ID || !strings.HasPrefix(r.ID, r.OCID+"-") {
					t.Errorf("release %d: ocid %s id %s", i, r.OCID, r.ID)
				}
				if i > 0 && r.Date < rels[i-1].Date {
					t.Errorf("release %d dated before the one before it", i)
				}
			}
			if tc.check != nil {
				tc.check(t, rels)
			}
		})
	}
}

// A release says only what was known at its date, so the same release
// fetched after the project moved on is the same.
func TestReleasesAreStableAsTheProjectMovesOn(t *testing.T) {
	full := pricedProject()
	early := pricedProject()
	early.Timeline = early.Timeline[:5] // up to the selection
	before := testBuilder.Releases(&early)
	after := testBuilder.Releases(&full)[:len(before)]
	for i := range before {
		a, _ := json.Marshal(before[i])
		b, _ := json.Marshal(after[i])
		if string(a) != string(b) {
			t.Errorf("release %s changed:\n%s\n%s", before[i].ID, a, b)
		}
	}
}

// No quote amount is published before the opening, and after it only the
// winner's, as the award value.
func TestNoQuoteBeforeTheOpening(t *testing.T) {
	p := pricedProject()
	rels := testBuilder.Releases(&p)
	for _, r := range rels {
		raw, _ := json.Marshal(r)
		opened := slices.Contains(r.Tag, "award") || r.Tender.NumberOfTenderers != nil
		for _, bid := range p.Opening.Bids {
			amount := string(money(bid.Amount).Amount)
			if strings.Contains(string(raw), amount) && (!opened || bid.AgencyID != p.Winner) {
				t.Errorf("release %s (%v) shows the quote %s of %s", r.ID, r.Tag, amount, bid.AgencyID)
			}
		}
	}
}

// The schema is a real check: releases missing what OCDS requires fail.
func TestSchemaRejectsBrokenReleases(t *testing.T) {
	schema := releaseSchema(t)
	p := pricedProject()
	good, _ := json.Marshal(testBuilder.Releases(&p)[4])
	tests := map[string]func(m map[string]any){
		"no ocid":          func(m map[string]any) { delete(m, "ocid") },
		"unknown tag":      func(m map[string]any) { m["tag"] = []string{"selected"} },
		"empty tag":        func(m map[string]any) { m["tag"] = []string{} },
		"not a date":       func(m map[string]any) { m["date"] = "2026-03-02 09:00" },
		"bad tender state": func(m map[string]any) { m["tender"].(map[string]any)["status"] = "open" },
		"award without id": func(m map[string]any) { delete(m["awards"].([]any)[0].(map[string]any), "id") },
		"amount as text": func(m map[string]any) {
			m["awards"].([]any)[0].(map[string]any)["value"].(map[string]any)["amount"] = "87654.32"
		},
		"contract without award": func(m map[string]any) { delete(m["contracts"].([]any)[0].(map[string]any), "awardID") },
	}
	for name, breakIt := range tests {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(good, &m); err != nil {
				t.Fatal(err)
			}
			breakIt(m)
			raw, _ := json.Marshal(m)
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
			if schema.Validate(v) == nil {
				t.Errorf("the schema accepts a release with %s", name)
			}
		})
	}
}
