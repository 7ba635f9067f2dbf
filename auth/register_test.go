package auth_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
)

func TestRegisterValidation(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name   string
		edit   func(*auth.RegisterInput)
		fields map[string]string // field → expected message ("" = any)
	}{
		{"no kind", func(in *auth.RegisterInput) { in.Kind = "" }, map[string]string{"kind": "请选择注册类型：项目业主或中介机构"}},
		{"regulators cannot self-register", func(in *auth.RegisterInput) { in.Kind = auth.OrgRegulator }, map[string]string{"kind": ""}},
		{"platform cannot self-register", func(in *auth.RegisterInput) { in.Kind = auth.OrgPlatform }, map[string]string{"kind": ""}},
		{"empty organisation name", func(in *auth.RegisterInput) { in.OrgName = "   " }, map[string]string{"org_name": "请填写单位名称"}},
		{"organisation name of 101 characters", func(in *auth.RegisterInput) { in.OrgName = strings.Repeat("环", 101) }, map[string]string{"org_name": "单位名称不能超过 100 个字"}},
		{"empty USCC", func(in *auth.RegisterInput) { in.USCC = "" }, map[string]string{"uscc": "统一社会信用代码应为 18 位"}},
		{"USCC with a wrong check character", func(in *auth.RegisterInput) { in.USCC = "91350100M000100Y44" }, map[string]string{"uscc": "统一社会信用代码校验位不正确，请核对后重新输入"}},
		{"USCC with letter O", func(in *auth.RegisterInput) { in.USCC = "91350100M000100O43" }, map[string]string{"uscc": "统一社会信用代码含有非法字符（不使用 I、O、S、V、Z）"}},
		{"empty region", func(in *auth.RegisterInput) { in.Region = "" }, map[string]string{"region": "行政区划代码应为 6 位数字"}},
		{"region with five digits", func(in *auth.RegisterInput) { in.Region = "62010" }, map[string]string{"region": "行政区划代码应为 6 位数字"}},
		{"unknown province", func(in *auth.RegisterInput) { in.Region = "990100" }, map[string]string{"region": "行政区划代码的省级代码不存在"}},
		{"phone too long", func(in *auth.RegisterInput) { in.Phone = strings.Repeat("1", 31) }, map[string]string{"phone": "联系电话过长"}},
		{"contact too long", func(in *auth.RegisterInput) { in.Contact = strings.Repeat("王", 51) }, map[string]string{"contact": "联系人不能超过 50 个字"}},
		{"login too short", func(in *auth.RegisterInput) { in.Login = "ab" }, map[string]string{"login": "登录名为 3–32 位小写字母、数字、点、下划线或连字符，以字母或数字开头"}},
		{"login too long", func(in *auth.RegisterInput) { in.Login = strings.Repeat("a", 33) }, map[string]string{"login": ""}},
		{"login starting with a hyphen", func(in *auth.RegisterInput) { in.Login = "-alice" }, map[string]string{"login": ""}},
		{"login with a space", func(in *auth.RegisterInput) { in.Login = "ali ce" }, map[string]string{"login": ""}},
		{"login in Chinese", func(in *auth.RegisterInput) { in.Login = "王建国" }, map[string]string{"login": ""}},
		{"empty name", func(in *auth.RegisterInput) { in.Name = " " }, map[string]string{"name": "请填写姓名"}},
		{"name too long", func(in *auth.RegisterInput) { in.Name = strings.Repeat("王", 51) }, map[string]string{"name": "姓名不能超过 50 个字"}},
		{"bad email", func(in *auth.RegisterInput) { in.Email = "not-an-email" }, map[string]string{"email": "电子邮箱格式不正确"}},
		{"password of 9 characters", func(in *auth.RegisterInput) { in.Password = "123456789" }, map[string]string{"password": "密码至少 10 个字符"}},
		{"password over 72 bytes", func(in *auth.RegisterInput) { in.Password = strings.Repeat("密", 25) }, map[string]string{"password": "密码不能超过 72 个字节"}},
		{"several fields at once", func(in *auth.RegisterInput) {
			in.USCC, in.Region, in.Login, in.Password = "123", "abc", "A", "short"
		}, map[string]string{"uscc": "", "region": "", "login": "", "password": ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := validRegistration(t, "someone")
			tc.edit(&in)
			_, _, err := f.svc.Register(f.ctx, in)
			e := appErr(t, err, apperr.KindInvalid)
			if got, want := slices.Sorted(maps.Keys(e.Fields)), slices.Sorted(maps.Keys(tc.fields)); !slices.Equal(got, want) {
				t.Fatalf("invalid fields %v (%v), want %v", got, e.Fields, want)
			}
			for field, msg := range tc.fields {
				if msg != "" && e.Fields[field] != msg {
					t.Errorf("field %s: message %q, want %q", field, e.Fields[field], msg)
				}
			}
		})
	}
	// Nothing is written by a rejected registration.
	if has, err := f.svc.HasUsers(f.ctx); err != nil || has {
		t.Fatalf("rejected registrations left users behind (has=%v, err=%v)", has, err)
	}
	if n, err := f.svc.CountOrgs(f.ctx, ""); err != nil || n != 0 {
		t.Fatalf("rejected registrations left %d organisations (err=%v)", n, err)
	}
}

func TestRegisterAcceptsBoundaryValues(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name string
		edit func(*auth.RegisterInput)
	}{
		{"organisation name of 100 characters", func(in *auth.RegisterInput) { in.OrgName = strings.Repeat("环", 100) }},
		{"name of 50 characters", func(in *auth.RegisterInput) { in.Name = strings.Repeat("王", 50) }},
		{"password of 10 Chinese characters", func(in *auth.RegisterInput) { in.Password = strings.Repeat("密", 10) }},
		{"password of exactly 72 bytes", func(in *auth.RegisterInput) { in.Password = strings.Repeat("p", 72) }},
		{"no email", func(in *auth.RegisterInput) { in.Email = "" }},
		{"login of 3 characters", func(in *auth.RegisterInput) { in.Login = "abc" }},
		{"login of 32 characters", func(in *auth.RegisterInput) { in.Login = strings.Repeat("b", 32) }},
		{"central-level region", func(in *auth.RegisterInput) { in.Region = "100000" }},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := validRegistration(t, fmt.Sprintf("boundary%d", i))
			tc.edit(&in)
			if _, _, err := f.svc.Register(f.ctx, in); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestRegisterNormalisesAndStores(t *testing.T) {
	f := newFixture(t)
	in := validRegistration(t, "  Alice.Wang ")
	code := in.USCC
	in.USCC = " " + strings.ToLower(code) + " "
	in.Kind = auth.OrgOwner
	u, o, err := f.svc.Register(f.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "alice.wang" || u.Role != auth.RoleOwner || u.OrgID != "owner:"+code {
		t.Fatalf("user %+v", u)
	}
	if o.USCC != code || o.Kind != auth.OrgOwner || o.ID != auth.OrgID(auth.OrgOwner, code) {
		t.Fatalf("organisation %+v", o)
	}
	if u.PasswordHash == "" || strings.Contains(u.PasswordHash, goodPassword) {
		t.Fatalf("password hash %q", u.PasswordHash)
	}
	stored, err := f.svc.GetUser(f.ctx, "alice.wang")
	if err != nil || stored.OrgID != o.ID || !stored.CreatedAt.Equal(f.clock.Now()) {
		t.Fatalf("stored user %+v, err %v", stored, err)
	}
	org, err := f.svc.GetOrg(f.ctx, o.ID)
	if err != nil || org.Name != in.OrgName || org.Region != "620102" {
		t.Fatalf("stored organisation %+v, err %v", org, err)
	}
	// The login name works in any case and with spaces around it.
	if _, _, _, err := f.svc.Login(f.ctx, " ALICE.wang", goodPassword, "10.0.0.1"); err != nil {
		t.Fatalf("login with a differently written name: %v", err)
	}
}

func TestRegisterDuplicates(t *testing.T) {
	f := newFixture(t)
	first := validRegistration(t, "first")
	if _, _, err := f.svc.Register(f.ctx, first); err != nil {
		t.Fatal(err)
	}

	t.Run("same USCC and kind", func(t *testing.T) {
		again := validRegistration(t, "second")
		again.USCC = first.USCC
		_, _, err := f.svc.Register(f.ctx, again)
		e := appErr(t, err, apperr.KindInvalid)
		if e.Fields["uscc"] != "该统一社会信用代码已注册，请联系本单位管理员开通账号" || len(e.Fields) != 1 {
			t.Fatalf("fields %v", e.Fields)
		}
		if _, err := f.svc.GetUser(f.ctx, "second"); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("the rejected user was stored (err %v)", err)
		}
	})

	t.Run("same USCC written in lower case", func(t *testing.T) {
		again := validRegistration(t, "third")
		again.USCC = strings.ToLower(first.USCC)
		_, _, err := f.svc.Register(f.ctx, again)
		if e := appErr(t, err, apperr.KindInvalid); e.Fields["uscc"] == "" {
			t.Fatalf("fields %v", e.Fields)
		}
	})

	t.Run("same login", func(t *testing.T) {
		again := validRegistration(t, "FIRST")
		_, _, err := f.svc.Register(f.ctx, again)
		e := appErr(t, err, apperr.KindInvalid)
		if e.Fields["login"] != "该登录名已被使用，请换一个" || len(e.Fields) != 1 {
			t.Fatalf("fields %v", e.Fields)
		}
		// No half-written organisation is left for the new USCC.
		if _, err := f.svc.GetOrg(f.ctx, auth.OrgID(again.Kind, again.USCC)); !apperr.Is(err, apperr.KindNotFound) {
			t.Fatalf("organisation of the rejected registration exists (err %v)", err)
		}
	})

	t.Run("same USCC as owner and as agency", func(t *testing.T) {
		// One organisation may act both as a project owner and as an agency:
		// the identity is per USCC and kind.
		owner := validRegistration(t, "first-owner")
		owner.USCC, owner.Kind = first.USCC, auth.OrgOwner
		if _, _, err := f.svc.Register(f.ctx, owner); err != nil {
			t.Fatal(err)
		}
	})

	if n, err := f.svc.CountOrgs(f.ctx, ""); err != nil || n != 2 {
		t.Fatalf("%d organisations (err %v), want 2", n, err)
	}
}

// A registration that stopped between the organisation and its first user
// (the database went away and the undo failed too) does not lock the
// registrant out: the same registrant's retry finishes it, anyone else
// still finds the code taken.
func TestRegisterResumesAHalfWrittenRegistration(t *testing.T) {
	f := newFixture(t)
	in := validRegistration(t, "halfway")
	halfWritten := auth.Org{ID: auth.OrgID(in.Kind, in.USCC), Kind: in.Kind, Name: "旧名称", USCC: in.USCC, Region: in.Region,
		CreatedAt: f.clock.Now(), Registrant: "halfway"}
	if err := f.store.Auth().CreateOrg(f.ctx, halfWritten); err != nil {
		t.Fatal(err)
	}

	other := validRegistration(t, "someone-else")
	other.USCC = in.USCC
	_, _, err := f.svc.Register(f.ctx, other)
	if e := appErr(t, err, apperr.KindInvalid); e.Fields["uscc"] != "该统一社会信用代码已注册，请联系本单位管理员开通账号" {
		t.Fatalf("another registrant: %v", e.Fields)
	}

	u, org, err := f.svc.Register(f.ctx, in)
	if err != nil {
		t.Fatalf("the registrant's retry: %v", err)
	}
	if u.OrgID != halfWritten.ID || org.Name != in.OrgName {
		t.Fatalf("user %+v, organisation %+v", u, org)
	}
	// Finished: now nobody, the registrant included, registers it again.
	again := validRegistration(t, "halfway-2")
	again.USCC = in.USCC
	if _, _, err := f.svc.Register(f.ctx, again); !apperr.Is(err, apperr.KindInvalid) {
		t.Fatalf("after it finished: %v", err)
	}
}
