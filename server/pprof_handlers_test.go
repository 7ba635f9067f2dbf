package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
)

// Profiles are for platform admins only; they serve the runtime's data.
func TestProfilesForAdminsOnly(t *testing.T) {
	e := newEnv(t)
	e.account("admin1", auth.RoleAdmin)
	e.account("agency1", auth.RoleAgency)
	admin, agency, anon := e.client(), e.client(), e.client()
	admin.login("admin1", testPassword)
	agency.login("agency1", testPassword)

	body := admin.do("GET", "/debug/pprof/heap?debug=1", nil).want(http.StatusOK).Body.String()
	if !strings.Contains(body, "heap profile") {
		t.Errorf("heap profile: %.200s", body)
	}
	if body := admin.do("GET", "/debug/pprof/", nil).want(http.StatusOK).Body.String(); !strings.Contains(body, "goroutine") {
		t.Errorf("index: %.200s", body)
	}
	admin.do("GET", "/debug/pprof/cmdline", nil).want(http.StatusOK)
	admin.do("GET", "/debug/pprof/nonsense", nil).want(http.StatusNotFound)
	agency.do("GET", "/debug/pprof/heap", nil).want(http.StatusForbidden)
	anon.do("GET", "/debug/pprof/heap", nil).want(http.StatusUnauthorized)
}
