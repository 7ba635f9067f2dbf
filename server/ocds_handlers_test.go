package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/ocds"
	"github.com/agencyhall/agencyhall/ocds/ocdstest"
)

// checkOCDSFeed walks the release feed two at a time by its next links,
// validates every release of project id against the OCDS 1.1 release
// schema and compares their tags with want.
func checkOCDSFeed(t *testing.T, anon *client, id string, want []string) {
	t.Helper()
	schema := ocdstest.ReleaseSchema(t)
	var tags []string
	next := "/api/v1/ocds/releases?limit=2"
	for pages := 0; next != ""; pages++ {
		if pages > 50 {
			t.Fatal("the feed never ends")
		}
		var pkg ocds.ReleasePackage
		res := anon.do("GET", next, nil).want(http.StatusOK)
		res.decode(&pkg)
		if pkg.Version != "1.1" || pkg.PublishedDate == "" || pkg.Publisher.URI == "" || !strings.HasPrefix(pkg.URI, "http") {
			t.Fatalf("package %+v", pkg)
		}
		var raw struct {
			Releases []json.RawMessage `json:"releases"`
		}
		res.decode(&raw)
		for i, r := range pkg.Releases {
			if err := ocdstest.Check(schema, raw.Releases[i]); err != nil {
				t.Errorf("release %s: %v", r.ID, err)
			}
			if r.OCID == testOCDSPrefix+"-"+id {
				tags = append(tags, strings.Join(r.Tag, "+"))
			}
		}
		next = ""
		if pkg.Links != nil {
			u, err := url.Parse(pkg.Links.Next)
			if err != nil {
				t.Fatal(err)
			}
			next = u.RequestURI()
		}
	}
	if !slices.Equal(tags, want) {
		t.Errorf("releases of %s: %v, want %v", id, tags, want)
	}
	var rec ocds.RecordPackage
	anon.do("GET", "/api/v1/ocds/records/"+testOCDSPrefix+"-"+id, nil).want(http.StatusOK).decode(&rec)
	if len(rec.Records) != 1 || len(rec.Records[0].Releases) != len(want) {
		t.Fatalf("record %+v", rec)
	}
	u, _ := url.Parse(rec.Records[0].Releases[0].URL)
	var one ocds.ReleasePackage
	anon.do("GET", u.RequestURI(), nil).want(http.StatusOK).decode(&one)
	if len(one.Releases) != 1 || one.Releases[0].Tag[0] != "tender" {
		t.Errorf("linked release %+v", one.Releases)
	}
}

func TestOCDSBadRequests(t *testing.T) {
	h := newHallEnv(t)
	owner := h.as("owner1", auth.RoleOwner)
	anon := h.client()
	p := h.publish(owner, "random")
	tests := []struct {
		path   string
		status int
		field  string
	}{
		{"/api/v1/ocds/releases?since=yesterday", http.StatusBadRequest, "since"},
		{"/api/v1/ocds/releases?limit=0", http.StatusBadRequest, "limit"},
		{"/api/v1/ocds/releases?limit=1001", http.StatusBadRequest, "limit"},
		{"/api/v1/ocds/releases?limit=many", http.StatusBadRequest, "limit"},
		{"/api/v1/ocds/records/" + testOCDSPrefix + "-NOPE", http.StatusNotFound, ""},
		{"/api/v1/ocds/records/" + p.ID, http.StatusNotFound, ""},
		{"/api/v1/ocds/releases/" + testOCDSPrefix + "-" + p.ID + "-0099", http.StatusNotFound, ""},
		{"/api/v1/ocds/releases?since=2026-11-01&limit=5", http.StatusOK, ""},
	}
	for _, tc := range tests {
		res := anon.do("GET", tc.path, nil).want(tc.status)
		if tc.status == http.StatusOK {
			continue
		}
		eb := res.errBody()
		if !hasHan(eb.Message) || (tc.field != "" && !hasHan(eb.Fields[tc.field])) {
			t.Errorf("%s: %+v", tc.path, eb)
		}
	}
}
