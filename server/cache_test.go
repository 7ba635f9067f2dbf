package server

import (
	"net/http"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
)

// Anonymous reads of the hall revalidate with 304s and see every change
// the public may see (a draft is not one of them, so it leaves the cache
// alone: hall.TestPublicGenerationMovesOnlyForWhatThePublicSees); a
// logged-in user's answers are never stored.
func TestHallReadsAreCachedForTheAnonymousOnly(t *testing.T) {
	h := newHallEnv(t)
	owner := h.as("owner1", auth.RoleOwner)
	anon := h.client()
	p := h.publish(owner, "random")
	path := "/api/v1/projects/" + p.ID

	first := anon.do("GET", path, nil).want(http.StatusOK)
	etag := first.Header().Get("ETag")
	if etag == "" || first.Header().Get("Cache-Control") != "public, no-cache" || first.Header().Get("Last-Modified") == "" {
		t.Fatalf("anonymous answer headers %v", first.Header())
	}
	anon.header = http.Header{"If-None-Match": {etag}}
	anon.do("GET", path, nil).want(http.StatusNotModified)

	a, _ := h.agencyClient(0)
	a.do("POST", path+"/signup", nil).want(http.StatusOK)
	var d projectDTO
	anon.do("GET", path, nil).want(http.StatusOK).decode(&d)
	if d.SignupCount != 1 {
		t.Errorf("after a sign-up the public sees %d sign-ups", d.SignupCount)
	}

	var list struct {
		Total int `json:"total"`
	}
	anon.header = nil
	anon.do("GET", "/api/v1/projects", nil).want(http.StatusOK).decode(&list)
	before := list.Total
	h.publish(owner, "random")
	anon.do("GET", "/api/v1/projects", nil).want(http.StatusOK).decode(&list)
	if list.Total != before+1 {
		t.Errorf("after a publication the public list has %d projects, want %d", list.Total, before+1)
	}

	mine := owner.do("GET", path, nil).want(http.StatusOK)
	if mine.Header().Get("ETag") != "" || mine.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("the owner's answer headers %v", mine.Header())
	}
}
