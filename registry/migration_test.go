package registry_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
)

// migratedUSCC completes a credit code from its first 17 characters.
func migratedUSCC(t testing.TB, head string) string {
	t.Helper()
	c, ok := registry.USCCCheckChar(head)
	if !ok {
		t.Fatalf("bad head %q", head)
	}
	return head + string(c)
}

// wrongCheck changes a credit code's check character.
func wrongCheck(uscc string) string {
	if uscc[17] == '0' {
		return uscc[:17] + "1"
	}
	return uscc[:17] + "0"
}

func agencyIDOf(uscc string) string { return "agency:" + uscc }

// migrationRow is a valid legacy agency holding 环评能力 and listing ZJ-LX-001.
func migrationRow(uscc, legacy string) registry.MigrationInput {
	return registry.MigrationInput{
		Profile: registry.Profile{USCC: uscc, Name: "甘肃迁移环境咨询有限公司 " + legacy, LegalRep: "赵强", Region: "620103",
			Address: "兰州市七里河区", Contact: "钱敏", Phone: "0931-2345678", Email: "qm@example.cn",
			Qualifications: []registry.Qualification{{Type: "环评能力", Level: "甲级", CertNo: "HP-" + legacy, ValidTo: mustDate("2028-12-31")}}},
		Listings:   []registry.Listing{{ItemCode: "zj-lx-001"}},
		LegacyID:   legacy,
		AdmittedOn: mustDate("2019-05-20"),
	}
}

func TestImportMigrated(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	native := f.admit(t) // applied here: ID agency:91620102MA71XK3L0X, credit code 91350100M000100Y43

	var prepared []string
	hooks := registry.MigrationHooks{AgencyID: agencyIDOf, Prepare: func(_ context.Context, a registry.Agency) error {
		if strings.Contains(a.Profile.Name, "已注册账号") {
			return apperr.Conflict("registered", "该统一社会信用代码已在本平台注册账号")
		}
		prepared = append(prepared, a.ID)
		return nil
	}}
	u1, u2, u3 := migratedUSCC(t, "91620103MA7100001"), migratedUSCC(t, "91620103MA7100002"), migratedUSCC(t, "91620103MA7100003")
	edit := func(in registry.MigrationInput, fn func(*registry.MigrationInput)) registry.MigrationInput {
		in.Profile.Qualifications = append([]registry.Qualification(nil), in.Profile.Qualifications...)
		in.Listings = append([]registry.Listing(nil), in.Listings...)
		fn(&in)
		return in
	}
	good1, good2 := migrationRow(u1, "LG-1"), migrationRow(u2, "LG-2")
	good2 = edit(good2, func(in *registry.MigrationInput) {
		in.Listings = []registry.Listing{{ItemCode: "ZJ-LX-001", CommittedDays: 12, FeeNote: "按市场价"}}
	})
	cases := []struct {
		name  string
		in    registry.MigrationInput
		field string // the field of the rejection; "" for an import
	}{
		{"valid", good1, ""},
		{"valid with committed days", good2, ""},
		{"bad check character", migrationRow(wrongCheck(u3), "LG-3"), "uscc"},
		{"bad region", edit(migrationRow(u3, "LG-4"), func(in *registry.MigrationInput) { in.Profile.Region = "990000" }), "region"},
		{"no legacy ID", migrationRow(u3, ""), "legacy_id"},
		{"admitted in the future", edit(migrationRow(u3, "LG-5"), func(in *registry.MigrationInput) { in.AdmittedOn = mustDate("2027-01-01") }), "admitted_on"},
		{"unknown item", edit(migrationRow(u3, "LG-6"), func(in *registry.MigrationInput) { in.Listings[0].ItemCode = "NOPE" }), "listings[0].item_code"},
		{"missing required qualification type", edit(migrationRow(u3, "LG-7"), func(in *registry.MigrationInput) {
			in.Listings = append(in.Listings, registry.Listing{ItemCode: "ZJ-JG-001"})
		}), "listings[1].item_code"},
		{"committed beyond the statutory limit", edit(migrationRow(u3, "LG-8"), func(in *registry.MigrationInput) { in.Listings[0].CommittedDays = 31 }), "listings[0].committed_days"},
		{"no qualification", edit(migrationRow(u3, "LG-9"), func(in *registry.MigrationInput) { in.Profile.Qualifications = nil }), "qualifications"},
		{"no certificate number", edit(migrationRow(u3, "LG-10"), func(in *registry.MigrationInput) { in.Profile.Qualifications[0].CertNo = "" }), "qualifications[0].cert_no"},
		{"bad email", edit(migrationRow(u3, "LG-11"), func(in *registry.MigrationInput) { in.Profile.Email = "qm at example" }), "email"},
		{"native agency's credit code", migrationRow(native.Profile.USCC, "LG-12"), "uscc"},
		{"native agency's ID", migrationRow(strings.TrimPrefix(native.ID, "agency:"), "LG-13"), "uscc"},
		{"legacy ID of another row", migrationRow(u3, "LG-1"), "legacy_id"},
		{"organisation registered here", edit(migrationRow(u3, "LG-14"), func(in *registry.MigrationInput) { in.Profile.Name = "已注册账号的机构" }), "uscc"},
	}
	var rows []registry.MigrationInput
	for _, c := range cases {
		rows = append(rows, c.in)
	}
	res, err := f.reg.ImportMigrated(ctx, f.regul, rows, hooks)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(cases) {
		t.Fatalf("%d results for %d rows", len(res), len(cases))
	}
	for i, c := range cases {
		r := res[i]
		if c.field == "" {
			if r.Outcome != registry.MigrationCreated || r.Err != nil {
				t.Errorf("%s: %s %v", c.name, r.Outcome, r.Err)
			}
			continue
		}
		e, ok := apperr.As(r.Err)
		if r.Outcome != registry.MigrationRejected || !ok || e.Fields[c.field] == "" {
			t.Errorf("%s: %s %v, want a rejection on %s", c.name, r.Outcome, r.Err, c.field)
		}
	}
	if n := registry.CountMigration(res); n != (registry.MigrationCounts{Created: 2, Rejected: len(cases) - 2}) {
		t.Errorf("counts %+v", n)
	}
	if len(prepared) != 2 {
		t.Errorf("organisations prepared for %v", prepared)
	}

	// The migrated agency is admitted as of its legacy date, listed, and
	// carries its legacy ID; the native one is untouched.
	a, err := f.reg.Get(ctx, f.regul, agencyIDOf(u1))
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != registry.StatusActive || a.Migration == nil || a.Migration.LegacyID != "LG-1" ||
		a.Migration.AdmittedOn != mustDate("2019-05-20") || a.Migration.ImportedBy != f.regul.UserID {
		t.Fatalf("migrated agency %+v migration %+v", a, a.Migration)
	}
	if !a.AdmittedAt.Equal(mustDate("2019-05-20").Start()) || len(a.Versions) != 1 || a.Versions[0].ApprovedBy != f.regul.UserID {
		t.Errorf("admitted at %v, versions %+v", a.AdmittedAt, a.Versions)
	}
	if q := a.Profile.Qualifications[0]; q.ID == "" || q.ValidFrom != mustDate("2019-05-20") {
		t.Errorf("qualification %+v", q)
	}
	if l := a.Listings[0]; l.ItemCode != "ZJ-LX-001" || l.CommittedDays != 30 {
		t.Errorf("listing %+v: committed days default to the statutory limit", l)
	}
	if hits, total := f.reg.Directory().Search(registry.DirectoryQuery{ItemCode: "ZJ-LX-001", Now: f.now}); total != 3 || len(hits) != 3 {
		t.Errorf("directory lists %d agencies for the item, want the native one and two migrated", total)
	}
	if after, _ := f.reg.Get(ctx, f.regul, native.ID); after.Version != native.Version || after.Migration != nil {
		t.Errorf("the native agency was written: version %d → %d", native.Version, after.Version)
	}

	// The same rows again change nothing: no write at all.
	before := a.Version
	res, err = f.reg.ImportMigrated(ctx, f.regul, rows, hooks)
	if err != nil {
		t.Fatal(err)
	}
	if n := registry.CountMigration(res); n != (registry.MigrationCounts{Unchanged: 2, Rejected: len(cases) - 2}) {
		t.Errorf("re-import counts %+v", n)
	}
	if again, _ := f.reg.Get(ctx, f.regul, agencyIDOf(u1)); again.Version != before || !again.UpdatedAt.Equal(a.UpdatedAt) {
		t.Errorf("re-import wrote the agency: version %d → %d", before, again.Version)
	}

	// A corrected row updates the agency, keeping its qualification's ID,
	// and records a new version.
	changed := edit(good1, func(in *registry.MigrationInput) {
		in.Profile.Phone = "0931-7654321"
		in.Profile.Qualifications[0].ValidTo = mustDate("2029-12-31")
	})
	res, err = f.reg.ImportMigrated(ctx, f.regul, []registry.MigrationInput{changed}, hooks)
	if err != nil || res[0].Outcome != registry.MigrationUpdated {
		t.Fatalf("update: %+v %v", res, err)
	}
	upd, _ := f.reg.Get(ctx, f.regul, agencyIDOf(u1))
	if upd.Profile.Phone != "0931-7654321" || len(upd.Versions) != 2 ||
		upd.Profile.Qualifications[0].ID != a.Profile.Qualifications[0].ID || upd.Profile.Qualifications[0].ValidTo != mustDate("2029-12-31") {
		t.Errorf("updated agency %+v", upd)
	}

	// Once the agency changes its own data here, old data no longer
	// overwrites it; the rows of the last import are still "unchanged".
	staff := registry.Actor{UserID: "m1", OrgID: agencyIDOf(u1), Kind: registry.ActorAgency}
	own := registry.ApplicationInput{Profile: upd.Profile, Listings: upd.Listings}
	own.Profile.Address = "兰州市城关区新址"
	if _, err := f.reg.SaveApplication(ctx, staff, staff.OrgID, own); err != nil {
		t.Fatal(err)
	}
	stale := edit(changed, func(in *registry.MigrationInput) { in.Profile.Contact = "孙丽" })
	res, err = f.reg.ImportMigrated(ctx, f.regul, []registry.MigrationInput{changed, stale}, hooks)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Outcome != registry.MigrationUnchanged || res[1].Outcome != registry.MigrationRejected {
		t.Fatalf("after the agency's own edit: %+v", res)
	}
	if e, _ := apperr.As(res[1].Err); !strings.Contains(e.Fields["uscc"], "已在本平台更新") {
		t.Errorf("stale row: %v", res[1].Err)
	}
	if kept, _ := f.reg.Get(ctx, f.regul, agencyIDOf(u1)); kept.Profile.Address != "兰州市城关区新址" || kept.Profile.Contact != "钱敏" {
		t.Errorf("the agency's own edit was overwritten: %+v", kept.Profile)
	}
}

func TestImportMigratedRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	row := migrationRow(migratedUSCC(t, "91620103MA7100009"), "LG-9")
	hooks := registry.MigrationHooks{AgencyID: agencyIDOf}
	if _, err := f.reg.ImportMigrated(ctx, f.agent, []registry.MigrationInput{row}, hooks); !apperr.Is(err, apperr.KindForbidden) {
		t.Fatalf("an agency importing: %v", err)
	}
	// A failure to prepare the organisation (not a row problem) stops the
	// import and stores nothing.
	boom := errors.New("database down")
	hooks.Prepare = func(context.Context, registry.Agency) error { return boom }
	if _, err := f.reg.ImportMigrated(ctx, f.regul, []registry.MigrationInput{row}, hooks); !errors.Is(err, boom) {
		t.Fatalf("prepare failure: %v", err)
	}
	if _, err := f.reg.Get(ctx, f.regul, agencyIDOf(row.Profile.USCC)); !apperr.Is(err, apperr.KindNotFound) {
		t.Fatalf("agency stored despite the failure: %v", err)
	}
}
