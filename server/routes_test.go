package server

import (
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/web"
)

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// TestRouteDeclarations checks what every API route must declare: a Chinese
// summary, a tag, an audit action for state changes, examples for the API
// document, and snake_case JSON names in them.
func TestRouteDeclarations(t *testing.T) {
	e := newEnv(t)
	for _, r := range e.app.Routes() {
		name := r.Method + " " + r.Path
		if !hasHan(r.Summary) || r.Tag == "" {
			t.Errorf("%s: summary %q, tag %q", name, r.Summary, r.Tag)
		}
		if r.Method != http.MethodGet && !strings.Contains(r.Action, ".") {
			t.Errorf("%s: state change without an audit action", name)
		}
		if r.Method == http.MethodGet && r.Out == nil {
			t.Errorf("%s: no example response", name)
		}
		if strings.HasPrefix(r.Path, "/api/") && !strings.HasPrefix(r.Path, "/api/v1/") && r.Path != "/api/openapi.json" {
			t.Errorf("%s: API routes live under /api/v1", name)
		}
		for _, v := range []any{r.In, r.Out} {
			if v != nil {
				checkJSONNames(t, name, reflect.TypeOf(v))
			}
		}
	}
	doc := e.app.OpenAPI(web.Info{Title: "t"})
	list := doc.Paths["/api/v1/audit"]["get"]
	var params []string
	for _, p := range list.Parameters {
		params = append(params, p.Name)
	}
	if got := strings.Join(params, ","); got != "page,page_size,actor,action,target,from,to" {
		t.Errorf("audit query parameters %s", got)
	}
	if s := doc.Paths["/api/v1/me/tokens"]["post"].Responses["200"].Content["application/json"].Schema; s.Properties["secret"] == nil {
		t.Errorf("token response schema %+v", s)
	}
}

func checkJSONNames(t *testing.T, route string, typ reflect.Type) {
	t.Helper()
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct || typ.PkgPath() != reflect.TypeFor[Paging]().PkgPath() {
		return
	}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if f.Anonymous {
			checkJSONNames(t, route, f.Type)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name, _, _ = strings.Cut(f.Tag.Get("form"), ",")
		}
		if !snakeCase.MatchString(name) {
			t.Errorf("%s: field %s.%s has JSON name %q", route, typ.Name(), f.Name, name)
		}
		checkJSONNames(t, route, f.Type)
	}
}
