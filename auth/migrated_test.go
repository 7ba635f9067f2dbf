package auth_test

import (
	"testing"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
)

func migratedOrg(t *testing.T) auth.Org {
	uscc := newUSCC(t)
	return auth.Org{ID: auth.OrgID(auth.OrgAgency, uscc), Kind: auth.OrgAgency, Name: "甘肃迁移测绘有限公司", USCC: uscc, Region: "620102"}
}

func TestMigratedAgencyAccount(t *testing.T) {
	f := newFixture(t)
	org := migratedOrg(t)
	if err := f.svc.EnsureMigratedOrg(f.ctx, org); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.EnsureMigratedOrg(f.ctx, org); err != nil {
		t.Fatalf("a second import must accept the organisation it created: %v", err)
	}

	// Registering with the credit code does not claim it.
	in := validRegistration(t, "claimer")
	in.USCC = org.USCC
	_, _, err := f.svc.Register(f.ctx, in)
	if e := appErr(t, err, apperr.KindInvalid); e.Fields["uscc"] == "" || e.Fields["uscc"] == "该统一社会信用代码已注册，请联系本单位管理员开通账号" {
		t.Errorf("registration with a migrated code: %v", e.Fields)
	}

	reg := auth.Principal{UserID: "reg1", Role: auth.RoleRegulator, OrgID: "regulator:x"}
	open := auth.AgencyAccountInput{OrgID: org.ID, Login: "Migrated-Staff", Name: "孙丽", Phone: "0931-1234567", Password: goodPassword}
	cases := []struct {
		name  string
		who   auth.Principal
		edit  func(*auth.AgencyAccountInput)
		kind  apperr.Kind
		field string
	}{
		{"an agency cannot open accounts", auth.Principal{UserID: "a", Role: auth.RoleAgency, OrgID: org.ID}, nil, apperr.KindForbidden, ""},
		{"an owner cannot open accounts", auth.Principal{UserID: "o", Role: auth.RoleOwner}, nil, apperr.KindForbidden, ""},
		{"unknown organisation", reg, func(in *auth.AgencyAccountInput) { in.OrgID = "agency:NOPE" }, apperr.KindNotFound, ""},
		{"short password", reg, func(in *auth.AgencyAccountInput) { in.Password = "short" }, apperr.KindInvalid, "password"},
		{"bad login", reg, func(in *auth.AgencyAccountInput) { in.Login = "王" }, apperr.KindInvalid, "login"},
		{"no name", reg, func(in *auth.AgencyAccountInput) { in.Name = "" }, apperr.KindInvalid, "name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := open
			if c.edit != nil {
				c.edit(&in)
			}
			_, err := f.svc.OpenAgencyAccount(f.ctx, c.who, in)
			e := appErr(t, err, c.kind)
			if c.field != "" && e.Fields[c.field] == "" {
				t.Errorf("fields %v, want %s", e.Fields, c.field)
			}
		})
	}

	u, err := f.svc.OpenAgencyAccount(f.ctx, reg, open)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "migrated-staff" || u.OrgID != org.ID || u.Role != auth.RoleAgency {
		t.Fatalf("opened %+v", u)
	}
	if _, _, _, err := f.svc.Login(f.ctx, "migrated-staff", goodPassword, ""); err != nil {
		t.Fatalf("login with the opened account: %v", err)
	}
	if has, err := f.svc.OrgHasUsers(f.ctx, org.ID); err != nil || !has {
		t.Fatalf("has users %v %v", has, err)
	}
	// Only the first account: then the agency manages itself, and a new
	// import must not take the organisation over.
	open.Login = "second"
	appErr(t, func() error { _, err := f.svc.OpenAgencyAccount(f.ctx, reg, open); return err }(), apperr.KindConflict)
	appErr(t, f.svc.EnsureMigratedOrg(f.ctx, org), apperr.KindConflict)

	// An organisation that registered here is refused to a migration, and
	// its accounts cannot be added to by regulators.
	_, native := f.register(t, "native")
	appErr(t, f.svc.EnsureMigratedOrg(f.ctx, native), apperr.KindConflict)
	open.OrgID = native.ID
	appErr(t, func() error { _, err := f.svc.OpenAgencyAccount(f.ctx, reg, open); return err }(), apperr.KindConflict)
	appErr(t, f.svc.EnsureMigratedOrg(f.ctx, auth.Org{ID: "owner:x", Kind: auth.OrgOwner, USCC: "x"}), apperr.KindInvalid)
}
