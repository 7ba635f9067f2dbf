package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/auth"
)

func TestAdminManagesAccounts(t *testing.T) {
	e := newEnv(t)
	e.account("admin", auth.RoleAdmin)
	e.account("owner1", auth.RoleOwner)
	a := e.client()
	a.login("admin", testPassword)

	// A regulator department with its first account, then one more account in it.
	var reg accountResponse
	a.do("POST", "/api/v1/admin/regulators", regulatorRequest{OrgName: "兰州市生态环境局", Department: "环评审批", Region: "620100",
		Login: "hb-li", Name: "李娜", Password: testPassword}).want(http.StatusOK).decode(&reg)
	if reg.User.Role != "regulator" || reg.Org.Kind != "regulator" || reg.Org.Region != "620100" {
		t.Fatalf("regulator %+v", reg)
	}
	a.do("POST", "/api/v1/admin/regulators", regulatorRequest{OrgID: reg.Org.ID, Login: "hb-wang", Name: "王强", Password: testPassword}).
		want(http.StatusOK)
	eb := a.do("POST", "/api/v1/admin/regulators", regulatorRequest{Login: "x", Name: "", Password: "short"}).
		want(http.StatusBadRequest).errBody()
	for _, f := range []string{"org_name", "region", "login", "name", "password"} {
		if eb.Fields[f] == "" {
			t.Errorf("field %s missing in %v", f, eb.Fields)
		}
	}

	var users listPage[userDTO]
	a.do("GET", "/api/v1/admin/users?role=regulator", nil).want(http.StatusOK).decode(&users)
	if users.Total != 2 || len(users.Items) != 2 {
		t.Fatalf("regulators %+v", users)
	}
	a.do("GET", "/api/v1/admin/users?page_size=2&page=2", nil).want(http.StatusOK).decode(&users)
	if users.Total != 4 || len(users.Items) != 2 || users.Page != 2 {
		t.Fatalf("page 2 of users %+v", users)
	}
	a.do("GET", "/api/v1/admin/users?role=boss", nil).want(http.StatusBadRequest)
	var orgs listPage[orgDTO]
	a.do("GET", "/api/v1/admin/orgs?kind=regulator", nil).want(http.StatusOK).decode(&orgs)
	if orgs.Total != 1 || orgs.Items[0].Name != "兰州市生态环境局" {
		t.Fatalf("orgs %+v", orgs)
	}

	// Disabling ends the user's session at once; enabling lets them back in.
	o := e.client()
	o.login("owner1", testPassword)
	var u userDTO
	a.do("POST", "/api/v1/admin/users/owner1/disable", nil).want(http.StatusOK).decode(&u)
	if !u.Disabled {
		t.Fatalf("not disabled: %+v", u)
	}
	o.do("GET", "/api/v1/me", nil).want(http.StatusUnauthorized)
	e.client().do("POST", "/api/v1/auth/login", loginRequest{Login: "owner1", Password: testPassword}).want(http.StatusUnauthorized)
	a.do("POST", "/api/v1/admin/users/admin/disable", nil).want(http.StatusBadRequest) // not oneself
	a.do("POST", "/api/v1/admin/users/nobody/disable", nil).want(http.StatusNotFound)
	a.do("POST", "/api/v1/admin/users/owner1/enable", nil).want(http.StatusOK).decode(&u)
	if u.Disabled {
		t.Fatal("still disabled")
	}
	o.login("owner1", testPassword)

	// The audit log, filtered, newest first.
	var recs listPage[auditDTO]
	a.do("GET", "/api/v1/audit?action=user.&actor=admin", nil).want(http.StatusOK).decode(&recs)
	var actions []string
	for _, r := range recs.Items {
		actions = append(actions, r.Action)
		if r.RequestID == "" || r.Hash == "" || r.PrevHash == "" || r.Time.IsZero() {
			t.Errorf("record %+v", r)
		}
	}
	if got := strings.Join(actions, " "); got != "user.enable user.disable user.login" {
		t.Errorf("admin's user.* actions: %q", got)
	}
	a.do("GET", "/api/v1/audit?target=owner1", nil).want(http.StatusOK).decode(&recs)
	if recs.Total != 4 { // two logins, disable, enable
		t.Errorf("records about owner1: %d", recs.Total)
	}
	today := time.Now().In(shanghai).Format(time.DateOnly)
	a.do("GET", "/api/v1/audit?from="+today+"&to="+today, nil).want(http.StatusOK).decode(&recs)
	all := len(e.auditRecords())
	if recs.Total != all {
		t.Errorf("today's records %d, want %d", recs.Total, all)
	}
	future := url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339))
	a.do("GET", "/api/v1/audit?from="+future, nil).want(http.StatusOK).decode(&recs)
	if recs.Total != 0 {
		t.Errorf("future records %d", recs.Total)
	}
	for _, q := range []string{"from=yesterday", "to=2026-13-01", "from=2026-03-02&to=2026-03-01"} {
		a.do("GET", "/api/v1/audit?"+q, nil).want(http.StatusBadRequest)
	}

	// Regulators read the audit log too; owners do not.
	r := e.client()
	r.login("hb-li", testPassword)
	r.do("GET", "/api/v1/audit", nil).want(http.StatusOK)
	r.do("GET", "/api/v1/admin/users", nil).want(http.StatusForbidden)
	o.do("GET", "/api/v1/audit", nil).want(http.StatusForbidden)
}
