package registry_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
	"github.com/agencyhall/agencyhall/registry"
)

var srv *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &srv)) }

// fixture is a registry on a fresh database with a small catalog.
type fixture struct {
	reg   *registry.Registry
	now   time.Time
	agent registry.Actor
	other registry.Actor
	regul registry.Actor
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	store := srv.Store(t)
	f := &fixture{now: time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	var n atomic.Int64
	ids := func() string { return fmt.Sprintf("id%d", n.Add(1)) }
	cat := registry.NewCatalog(store.Catalog(), clock)
	ctx := context.Background()
	for _, it := range []registry.ServiceItem{
		{Code: "ZJ-LX-001", Name: "环境影响评价", Stage: registry.StageInitiation, Qualifications: []string{"环评能力"}, QualMode: registry.QualAnyOf,
			FeeBasis: registry.FeeMarket, TimeLimitDays: 30, Enabled: true},
		{Code: "ZJ-JG-001", Name: "房产测绘", Stage: registry.StageCompletion, Qualifications: []string{"测绘资质"}, QualMode: registry.QualAnyOf,
			FeeBasis: registry.FeeMarket, TimeLimitDays: 15, Enabled: true},
	} {
		if _, err := cat.Put(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	f.reg = registry.NewRegistry(store.Agencies(), cat, clock, ids)
	if err := f.reg.Load(ctx); err != nil {
		t.Fatal(err)
	}
	f.agent = registry.Actor{UserID: "a1", OrgID: "agency:91620102MA71XK3L0X", Kind: registry.ActorAgency}
	f.other = registry.Actor{UserID: "a2", OrgID: "agency:OTHER", Kind: registry.ActorAgency}
	f.regul = registry.Actor{UserID: "r1", OrgID: "regulator:x", Kind: registry.ActorRegulator}
	return f
}

func mustDate(s string) registry.Date {
	d, err := registry.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func application() registry.ApplicationInput {
	return registry.ApplicationInput{
		Profile: registry.Profile{USCC: "91350100M000100Y43", Name: "甘肃陇原环境咨询有限公司", LegalRep: "李静", Region: "620102",
			Address: "兰州市城关区", Contact: "李静", Phone: "0931-8765432",
			Qualifications: []registry.Qualification{{Type: "环评能力", Level: "甲级", CertNo: "HP-001", Issuer: "生态环境部",
				ValidFrom: mustDate("2025-01-01"), ValidTo: mustDate("2027-06-30"), FileID: "file1"}}},
		Practitioners: []registry.PractitionerInput{{Name: "王工", Certificate: "环评工程师 001", IDNumber: "620102198001011234"}},
		Listings:      []registry.Listing{{ItemCode: "ZJ-LX-001", CommittedDays: 20, FeeNote: "按市场价"}},
	}
}

// admit takes an agency from nothing to admitted.
func (f *fixture) admit(t *testing.T) registry.Agency {
	t.Helper()
	ctx := context.Background()
	if _, err := f.reg.StartApplication(ctx, f.agent, registry.Profile{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.SaveApplication(ctx, f.agent, f.agent.OrgID, application()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.AcceptCommitment(ctx, f.agent, f.agent.OrgID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Submit(ctx, f.agent, f.agent.OrgID); err != nil {
		t.Fatal(err)
	}
	a, err := f.reg.Review(ctx, f.regul, f.agent.OrgID, registry.MoveApprove, "")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAdmissionAppearsInDirectory(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.reg.StartApplication(ctx, f.agent, registry.Profile{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.SaveApplication(ctx, f.agent, f.agent.OrgID, application()); err != nil {
		t.Fatal(err)
	}
	// Not admitted: hidden from the public and from the directory.
	if _, err := f.reg.Get(ctx, registry.Actor{}, f.agent.OrgID); !apperr.Is(err, apperr.KindNotFound) {
		t.Fatalf("public read of an application: %v, want not found", err)
	}
	if _, err := f.reg.Submit(ctx, f.agent, f.agent.OrgID); apperr.KindOf(err) != apperr.KindInvalid {
		t.Fatalf("submit without commitment: %v, want invalid", err)
	}
	if _, err := f.reg.AcceptCommitment(ctx, f.agent, f.agent.OrgID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Submit(ctx, f.agent, f.agent.OrgID); err != nil {
		t.Fatal(err)
	}
	if q, _ := f.reg.ReviewQueue(f.regul); len(q) != 1 {
		t.Fatalf("review queue has %d entries, want 1", len(q))
	}
	if _, err := f.reg.Review(ctx, f.agent, f.agent.OrgID, registry.MoveApprove, ""); !apperr.Is(err, apperr.KindForbidden) {
		t.Fatalf("agency approving itself: %v", err)
	}
	a, err := f.reg.Review(ctx, f.regul, f.agent.OrgID, registry.MoveApprove, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != registry.StatusActive || len(a.Versions) != 1 {
		t.Fatalf("after approval: %s with %d versions", a.Status, len(a.Versions))
	}
	hits, total := f.reg.Directory().Search(registry.DirectoryQuery{ItemCode: "ZJ-LX-001", Now: f.now})
	if total != 1 || hits[0].Agency.ID != f.agent.OrgID {
		t.Fatalf("directory search by item: %d hits", total)
	}
	if hits[0].Agency.Practitioners[0].IDMasked != "" || hits[0].Agency.Profile.Qualifications[0].FileID != "" {
		t.Fatal("the public directory must not show ID numbers or certificate files")
	}
	if _, total := f.reg.Directory().Search(registry.DirectoryQuery{ItemCode: "ZJ-JG-001", Now: f.now}); total != 0 {
		t.Fatal("an agency without the qualification must not be found under that item")
	}
	// The qualification expires on 2027-06-30: on 2027-07-01 the listing lapses.
	later := time.Date(2027, 7, 1, 2, 0, 0, 0, time.UTC)
	if _, total := f.reg.Directory().Search(registry.DirectoryQuery{ItemCode: "ZJ-LX-001", Now: later}); total != 0 {
		t.Fatal("an expired qualification must remove the agency from the item's listing")
	}
	stored, _ := f.reg.Get(ctx, f.agent, f.agent.OrgID)
	if stored.Practitioners[0].IDMasked != "**************1234" {
		t.Fatalf("ID stored as %q, want masked", stored.Practitioners[0].IDMasked)
	}
}

func TestKeyChangeGoesToReview(t *testing.T) {
	f := newFixture(t)
	f.admit(t)
	ctx := context.Background()
	in := application()
	in.Profile.Name = "甘肃陇原环境科技有限公司"
	in.Profile.Address = "兰州市七里河区"
	a, err := f.reg.SaveApplication(ctx, f.agent, f.agent.OrgID, in)
	if err != nil {
		t.Fatal(err)
	}
	if a.PendingChange == nil || a.Profile.Name != "甘肃陇原环境咨询有限公司" {
		t.Fatalf("renaming after admission must wait for review; profile name %q", a.Profile.Name)
	}
	if a.Profile.Address != "兰州市七里河区" {
		t.Fatal("a non-key change applies at once")
	}
	pub, _ := f.reg.Get(ctx, registry.Actor{}, f.agent.OrgID)
	if pub.Profile.Name != "甘肃陇原环境咨询有限公司" || pub.PendingChange != nil {
		t.Fatal("the public sees the admitted version only")
	}
	if q, _ := f.reg.ReviewQueue(f.regul); len(q) != 1 {
		t.Fatal("the change must be in the review queue")
	}
	a, err = f.reg.ReviewChange(ctx, f.regul, f.agent.OrgID, true, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Profile.Name != "甘肃陇原环境科技有限公司" || len(a.Versions) != 2 || a.PendingChange != nil {
		t.Fatalf("after approving the change: %q, %d versions", a.Profile.Name, len(a.Versions))
	}
}

func TestPermissions(t *testing.T) {
	f := newFixture(t)
	f.admit(t)
	ctx := context.Background()
	if _, err := f.reg.SaveApplication(ctx, f.other, f.agent.OrgID, application()); !apperr.Is(err, apperr.KindForbidden) {
		t.Fatalf("another agency editing: %v", err)
	}
	if _, err := f.reg.SetSuspended(ctx, f.agent, f.agent.OrgID, true, "x"); !apperr.Is(err, apperr.KindForbidden) {
		t.Fatalf("agency suspending itself: %v", err)
	}
	if _, err := f.reg.SetSuspended(ctx, f.regul, f.agent.OrgID, true, ""); apperr.KindOf(err) != apperr.KindInvalid {
		t.Fatalf("suspension without reason: %v", err)
	}
	a, err := f.reg.SetSuspended(ctx, f.regul, f.agent.OrgID, true, "材料核查")
	if err != nil || a.Status != registry.StatusSuspended {
		t.Fatalf("suspend: %v %s", err, a.Status)
	}
	if _, total := f.reg.Directory().Search(registry.DirectoryQuery{Now: f.now}); total != 0 {
		t.Fatal("a suspended agency is not listed by default")
	}
	if _, err := f.reg.SetSuspended(ctx, f.regul, f.agent.OrgID, false, "核查完毕"); err != nil {
		t.Fatal(err)
	}
}

func TestApplicationValidation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.reg.StartApplication(ctx, f.agent, registry.Profile{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		edit  func(*registry.ApplicationInput)
		field string
	}{
		{"bad USCC", func(in *registry.ApplicationInput) { in.Profile.USCC = "91350100M000100Y44" }, "uscc"},
		{"no legal rep", func(in *registry.ApplicationInput) { in.Profile.LegalRep = "" }, "legal_rep"},
		{"bad region", func(in *registry.ApplicationInput) { in.Profile.Region = "990000" }, "region"},
		{"dates reversed", func(in *registry.ApplicationInput) {
			in.Profile.Qualifications[0].ValidTo = mustDate("2024-01-01")
		}, "qualifications[0].valid_to"},
		{"committed over statutory", func(in *registry.ApplicationInput) { in.Listings[0].CommittedDays = 31 }, "listings[0].committed_days"},
		{"unknown item", func(in *registry.ApplicationInput) { in.Listings[0].ItemCode = "NOPE" }, "listings[0].item_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := application()
			tt.edit(&in)
			_, err := f.reg.SaveApplication(ctx, f.agent, f.agent.OrgID, in)
			e, ok := apperr.As(err)
			if !ok || e.Fields[tt.field] == "" {
				t.Fatalf("got %v, want a message on field %s", err, tt.field)
			}
		})
	}
}

func TestCatalogImportIsIdempotent(t *testing.T) {
	store := srv.Store(t)
	cat := registry.NewCatalog(store.Catalog(), nil)
	ctx := context.Background()
	items := []registry.ServiceItem{
		{Code: "zj-1", Name: "地质灾害危险性评估", Stage: registry.StageLandUse, QualMode: registry.QualAnyOf, FeeBasis: registry.FeeMarket, TimeLimitDays: 30, Enabled: true},
		{Code: "ZJ-2", Name: "房产测绘", Stage: registry.StageCompletion, QualMode: registry.QualAnyOf, FeeBasis: registry.FeeMarket, TimeLimitDays: 15, Enabled: true},
	}
	res, err := cat.Import(ctx, items)
	if err != nil || res.Created != 2 {
		t.Fatalf("first import %+v %v", res, err)
	}
	res, err = cat.Import(ctx, items)
	if err != nil || res.Unchanged != 2 || res.Created+res.Updated != 0 {
		t.Fatalf("second import %+v %v", res, err)
	}
	items[1].TimeLimitDays = 20
	res, _ = cat.Import(ctx, items)
	if res.Updated != 1 || res.Unchanged != 1 {
		t.Fatalf("changed import %+v", res)
	}
	got, _ := cat.Get(ctx, "ZJ-1")
	if got.Name != "地质灾害危险性评估" {
		t.Fatalf("code lookup is case-insensitive: %+v", got)
	}
}
