package ocds

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/ocds/ocdstest"
)

var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // 09:00 in Lanzhou

func at(hours int) time.Time { return t0.Add(time.Duration(hours) * time.Hour) }

var testBuilder = Builder{Prefix: "ocds-test01", Name: func(id string) (string, bool) {
	names := map[string]string{"agency:D": "丁测绘有限公司"}
	n, ok := names[id]
	return n, ok
}}

func signups(ids ...string) []hall.Signup {
	var out []hall.Signup
	for _, id := range ids {
		out = append(out, hall.Signup{AgencyID: "agency:" + id, AgencyName: id + "咨询有限公司", At: at(2)})
	}
	return out
}

// pricedProject is a lowest-price project carried to its evaluation.
func pricedProject() hall.Project {
	due := at(24 * 40).Format(time.RFC3339)
	due2 := at(24 * 45).Format(time.RFC3339)
	return hall.Project{
		ID: "P100", OwnerOrg: "owner:91620100MA000000X1", OwnerName: "兰州新区建设投资有限公司", Name: "新区道路环评",
		ItemCode: "HP-01", ItemName: "环境影响评价", Scope: "编制环境影响报告表", CeilingFen: 12_000_000, TimeLimitDays: 30,
		Method: hall.MethodLowest, PublishedAt: at(1), SignupDeadline: at(48), OpeningTime: at(49), QualTypes: []string{"环评资质"},
		State:   hall.StateEvaluated,
		Signups: signups("A", "B", "C"),
		Opening: &hall.OpeningRecord{At: at(49), Candidates: []string{"agency:A", "agency:B", "agency:C"}, Bids: []hall.OpenedBid{
			{AgencyID: "agency:A", Amount: 9_876_543, Valid: true}, {AgencyID: "agency:B", Amount: 8_765_432, Valid: true},
			{AgencyID: "agency:C", Amount: 11_111_111, Valid: true}}},
		Winner:     "agency:B",
		Contract:   &hall.Contract{AgencyID: "agency:B", AmountFen: 8_765_432, SignedOn: at(24 * 9), DueAt: at(24 * 45)},
		Deliveries: []hall.Delivery{{At: at(24 * 30), Decision: "accepted", DecidedAt: at(24 * 31)}},
		Evaluation: &hall.Evaluation{Quality: 5, Timeliness: 5, Attitude: 5, Fees: 4, Conduct: 5, At: at(24 * 32)},
		Timeline: []hall.Step{
			{At: at(0), Kind: hall.EventCreated},
			{At: at(1), Kind: hall.EventPublished},
			{At: at(2), Kind: hall.EventSignedUp, Agency: "agency:A"},
			{At: at(49), Kind: hall.EventOpened},
			{At: at(49), Kind: hall.EventSelected, Agency: "agency:B"},
			{At: at(24 * 8), Kind: hall.EventPublicityEnded, Agency: "agency:B"},
			{At: at(24 * 9), Kind: hall.EventContracted, Agency: "agency:B", Data: map[string]string{"due_at": due}},
			{At: at(24 * 20), Kind: hall.EventExtended, Agency: "agency:B", Data: map[string]string{"due_at": due2}},
			{At: at(24 * 30), Kind: hall.EventDelivered, Agency: "agency:B"},
			{At: at(24 * 31), Kind: hall.EventAccepted, Agency: "agency:B"},
			{At: at(24 * 32), Kind: hall.EventEvaluated, Agency: "agency:B"},
			{At: at(24 * 33), Kind: hall.EventResponded, Agency: "agency:B"},
		},
	}
}

// drawProject is a random draw whose first winner gives up.
func drawProject() hall.Project {
	return hall.Project{
		ID: "P200", OwnerOrg: "owner:91620100MA000000X2", OwnerName: "兰州市第一中学", Name: "教学楼安全评价",
		ItemCode: "AQ-02", ItemName: "安全评价", CeilingFen: 3_000_000, TimeLimitDays: 20, Method: hall.MethodRandom,
		PublishedAt: at(1), SignupDeadline: at(48), OpeningTime: at(49), State: hall.StateContracting,
		Signups: signups("A", "B"),
		Opening: &hall.OpeningRecord{At: at(49), Candidates: []string{"agency:A", "agency:B"}},
		Winner:  "agency:A",
		Timeline: []hall.Step{
			{At: at(0), Kind: hall.EventCreated},
			{At: at(1), Kind: hall.EventPublished},
			{At: at(49), Kind: hall.EventOpened},
			{At: at(49), Kind: hall.EventSelected, Agency: "agency:B"},
			{At: at(24 * 8), Kind: hall.EventPublicityEnded, Agency: "agency:B"},
			{At: at(24 * 15), Kind: hall.EventAbandoned, Agency: "agency:B"},
			{At: at(24 * 15), Kind: hall.EventSelected, Agency: "agency:A"},
		},
	}
}

// directProject is chosen directly: published and selected at once.
func directProject() hall.Project {
	return hall.Project{
		ID: "P300", OwnerOrg: "owner:91620100MA000000X3", OwnerName: "兰州市城关区教育局", Name: "校舍测绘", ItemCode: "CH-01",
		ItemName: "测绘", CeilingFen: 50_000, TimeLimitDays: 10, Method: hall.MethodDirect, DirectAgency: "agency:D",
		PublishedAt: at(5), State: hall.StatePublicity,
		Timeline: []hall.Step{
			{At: at(0), Kind: hall.EventCreated},
			{At: at(5), Kind: hall.EventPublished},
			{At: at(5), Kind: hall.EventSelected},
		},
	}
}

// cancelledProject is withdrawn while agencies are signing up; the
// sealed quotes of its sign-ups are never opened.
func cancelledProject() hall.Project {
	return hall.Project{
		ID: "P400", OwnerOrg: "owner:91620100MA000000X4", OwnerName: "兰州市水务局", Name: "管网造价咨询", ItemCode: "ZJ-01",
		ItemName: "造价咨询", CeilingFen: 800_000, TimeLimitDays: 15, Method: hall.MethodScoring, PublishedAt: at(3),
		SignupDeadline: at(72), OpeningTime: at(73), State: hall.StateCancelled, Signups: signups("A"),
		Timeline: []hall.Step{
			{At: at(0), Kind: hall.EventCreated},
			{At: at(2), Kind: hall.EventSubmittedForReview},
			{At: at(3), Kind: hall.EventPublished},
			{At: at(4), Kind: hall.EventSignedUp, Agency: "agency:A"},
			{At: at(5), Kind: hall.EventQuoted, Agency: "agency:A"},
			{At: at(6), Kind: hall.EventCancelled},
		},
	}
}

// draftProject was never published: nothing of it is public.
func draftProject() hall.Project {
	return hall.Project{ID: "P500", OwnerOrg: "owner:X", Name: "草稿", Method: hall.MethodRandom, State: hall.StateReview,
		Timeline: []hall.Step{{At: at(0), Kind: hall.EventCreated}, {At: at(1), Kind: hall.EventSubmittedForReview},
			{At: at(2), Kind: hall.EventCancelled}}}
}

// releaseSchema compiles the OCDS 1.1 release schema under testdata.
func releaseSchema(t testing.TB) *jsonschema.Schema { return ocdstest.ReleaseSchema(t) }

// validate checks one release, as JSON, against the schema.
func validate(t testing.TB, s *jsonschema.Schema, r any) {
	t.Helper()
	if err := ocdstest.Check(s, r); err != nil {
		raw, _ := json.Marshal(r)
		t.Errorf("release does not validate: %v\n%s", err, raw)
	}
}
