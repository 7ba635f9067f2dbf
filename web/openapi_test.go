package web

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/auth"
)

type docBase struct {
	ID int64 `json:"id,string"`
}

type docNode struct {
	Name     string     `json:"name"`
	Children []*docNode `json:"children,omitempty"`
}

type docThing struct {
	docBase
	Title   string            `json:"title"`
	Note    string            `json:"note,omitempty"`
	At      time.Time         `json:"at"`
	Maybe   *time.Time        `json:"maybe,omitempty"`
	Count   int               `json:"count"`
	Ratio   float64           `json:"ratio"`
	OK      bool              `json:"ok"`
	Tags    []string          `json:"tags"`
	Labels  map[string]int    `json:"labels"`
	Raw     json.RawMessage   `json:"raw"`
	Any     any               `json:"any"`
	Tree    docNode           `json:"tree"`
	Skipped string            `json:"-"`
	hidden  string            //nolint:unused // unexported: not in the schema
	Untag   string            // no tag: the Go name
	Nested  struct{ A int }   `json:"nested"`
	Blob    []byte            `json:"blob"`
	Fen     int64             `json:"fen"`
	Small   int32             `json:"small"`
	Strs    map[string]string `json:"strs,omitempty"`
}

type docQuery struct {
	Paging struct {
		Page int `form:"page"`
	}
	Embedded
	Q    string    `form:"q" doc:"关键词"`
	From time.Time `form:"from,end"`
	None string
}

type Embedded struct {
	Size int `form:"size"`
}

func noop(*gin.Context) {}

func TestOpenAPIDocument(t *testing.T) {
	routes := []Route{
		{Method: "GET", Path: "/api/v1/things/:id/parts/:part", Access: LoggedIn(), Tag: "东西", Summary: "查看",
			Out: docThing{Title: "例"}, Handler: noop},
		{Method: "GET", Path: "/api/v1/things", Access: Public(), Tag: "东西", Summary: "列表",
			In: docQuery{Q: "环评", Embedded: Embedded{Size: 20}}, Out: []docThing{}, Handler: noop},
		{Method: "POST", Path: "/api/v1/things", Access: Roles(auth.RoleAdmin), Tag: "东西", Summary: "创建", Action: "thing.create",
			In: docThing{}, Out: &docThing{}, Handler: noop},
		{Method: "DELETE", Path: "/api/v1/things/:id", Access: Roles(auth.RoleAdmin, auth.RoleRegulator), Summary: "删除", Handler: noop},
		{Method: "GET", Path: "/metrics", Access: Roles(auth.RoleAdmin), Out: "# HELP", Handler: noop},
		{Method: "GET", Path: "/admin", Access: Roles(auth.RoleAdmin), Page: true, Summary: "管理首页", Handler: noop},
		{Method: "POST", Path: "/login", Access: Public(), Page: true, Summary: "登录表单", In: struct {
			Login string `json:"login"`
		}{}, Handler: noop},
		{Method: "GET", Path: "/static/*filepath", Access: Public(), Page: true, Handler: noop},
	}
	doc := OpenAPI(routes, Info{Title: "T", Version: "1"})

	// It is valid JSON with every route in it, under unique operation IDs.
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil || generic["openapi"] != "3.0.3" {
		t.Fatalf("document: %v %v", err, generic["openapi"])
	}
	ids := map[string]bool{}
	for _, r := range routes {
		op, ok := doc.Paths[OpenAPIPath(r.Path)][strings.ToLower(r.Method)]
		if !ok {
			t.Fatalf("%s %s missing", r.Method, r.Path)
		}
		if ids[op.OperationID] {
			t.Errorf("duplicate operation ID %s", op.OperationID)
		}
		ids[op.OperationID] = true
		if _, ok := op.Responses["default"]; !ok {
			t.Errorf("%s %s: no default error response", r.Method, r.Path)
		}
	}

	for _, tc := range []struct{ gin, want string }{
		{"/api/v1/things/:id/parts/:part", "/api/v1/things/{id}/parts/{part}"},
		{"/static/*filepath", "/static/{filepath}"},
		{"/healthz", "/healthz"},
	} {
		if got := OpenAPIPath(tc.gin); got != tc.want {
			t.Errorf("OpenAPIPath(%q) = %q, want %q", tc.gin, got, tc.want)
		}
	}

	get := doc.Paths["/api/v1/things/{id}/parts/{part}"]["get"]
	var names []string
	for _, p := range get.Parameters {
		if p.In != "path" || !p.Required {
			t.Errorf("parameter %+v", p)
		}
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"id", "part"}) {
		t.Errorf("path parameters %v", names)
	}
	if len(get.Security) != 2 || get.Responses["401"].Description == "" || get.Responses["403"].Description == "" || get.Responses["404"].Description == "" {
		t.Errorf("non-public operation: security %v responses %v", get.Security, keys(get.Responses))
	}
	if get.Tags[0] != "东西" || get.Summary != "查看" || !strings.Contains(get.Description, "登录用户") {
		t.Errorf("operation %+v", get)
	}

	// The response schema follows encoding/json.
	s := get.Responses["200"].Content["application/json"].Schema
	want := map[string]Schema{
		"id": {Type: "string"}, "title": {Type: "string"}, "note": {Type: "string"},
		"at": {Type: "string", Format: "date-time"}, "maybe": {Type: "string", Format: "date-time", Nullable: true},
		"count": {Type: "integer", Format: "int64"}, "ratio": {Type: "number"}, "ok": {Type: "boolean"},
		"raw": {}, "any": {}, "Untag": {Type: "string"}, "blob": {Type: "string", Format: "byte"},
		"fen": {Type: "integer", Format: "int64"}, "small": {Type: "integer", Format: "int32"},
	}
	for name, w := range want {
		got, ok := s.Properties[name]
		if !ok {
			t.Errorf("property %s missing", name)
			continue
		}
		if got.Type != w.Type || got.Format != w.Format || got.Nullable != w.Nullable {
			t.Errorf("property %s = %+v, want %+v", name, *got, w)
		}
	}
	for _, gone := range []string{"Skipped", "-", "hidden", "docBase"} {
		if _, ok := s.Properties[gone]; ok {
			t.Errorf("property %s should not be there", gone)
		}
	}
	if s.Properties["tags"].Type != "array" || s.Properties["tags"].Items.Type != "string" {
		t.Errorf("tags %+v", s.Properties["tags"])
	}
	if s.Properties["labels"].Type != "object" || s.Properties["labels"].AdditionalProperties.Type != "integer" {
		t.Errorf("labels %+v", s.Properties["labels"])
	}
	if s.Properties["nested"].Properties["A"].Type != "integer" {
		t.Errorf("nested %+v", s.Properties["nested"])
	}
	tree := s.Properties["tree"]
	if tree.Properties["children"].Items.Properties != nil || !tree.Properties["children"].Items.Nullable {
		t.Errorf("recursive type should stop at the second level: %+v", tree.Properties["children"].Items)
	}
	if slices.Contains(s.Required, "note") || slices.Contains(s.Required, "maybe") || !slices.Contains(s.Required, "title") || !slices.Contains(s.Required, "id") {
		t.Errorf("required %v", s.Required)
	}
	if ex, ok := get.Responses["200"].Content["application/json"].Example.(docThing); !ok || ex.Title != "例" {
		t.Errorf("example %v", get.Responses["200"].Content["application/json"].Example)
	}

	// Query parameters from form tags; a public route has empty security.
	list := doc.Paths["/api/v1/things"]["get"]
	var qs []string
	for _, p := range list.Parameters {
		qs = append(qs, p.In+":"+p.Name)
		if p.Name == "q" && (p.Description != "关键词" || p.Example != "环评") {
			t.Errorf("q parameter %+v", p)
		}
		if p.Name == "from" && p.Schema.Format != "date-time" {
			t.Errorf("from parameter %+v", p)
		}
	}
	if !slices.Equal(qs, []string{"query:size", "query:q", "query:from"}) {
		t.Errorf("query parameters %v", qs)
	}
	if list.Security == nil || len(list.Security) != 0 || list.Responses["401"].Description != "" {
		t.Errorf("public operation security %v", list.Security)
	}
	if list.Responses["200"].Content["application/json"].Schema.Type != "array" || list.Responses["400"].Description == "" {
		t.Errorf("list responses %v", keys(list.Responses))
	}

	// A body route: request schema, CSRF header, error schema reference.
	post := doc.Paths["/api/v1/things"]["post"]
	if post.RequestBody == nil || post.RequestBody.Content["application/json"].Schema.Properties["title"] == nil {
		t.Fatalf("request body %+v", post.RequestBody)
	}
	if !slices.ContainsFunc(post.Parameters, func(p Parameter) bool { return p.In == "header" && p.Name == CSRFHeader }) {
		t.Error("no CSRF header parameter")
	}
	if post.Responses["400"].Content["application/json"].Schema.Ref != "#/components/schemas/Error" {
		t.Errorf("400 %+v", post.Responses["400"])
	}
	if !post.Responses["200"].Content["application/json"].Schema.Nullable || !strings.Contains(post.Description, "thing.create") {
		t.Errorf("post %+v", post)
	}
	errSchema := doc.Components.Schemas["Error"]
	if errSchema.Properties["error"].Properties["fields"].AdditionalProperties.Type != "string" {
		t.Errorf("error schema %+v", errSchema)
	}
	if doc.Components.SecuritySchemes[secCookie].Name != SessionCookie || doc.Components.SecuritySchemes[secBearer].Scheme != "bearer" {
		t.Errorf("security schemes %+v", doc.Components.SecuritySchemes)
	}

	del := doc.Paths["/api/v1/things/{id}"]["delete"]
	if _, ok := del.Responses["204"]; !ok || del.RequestBody != nil || del.Tags[0] != "其他" {
		t.Errorf("delete %+v", del)
	}
	if _, ok := doc.Paths["/metrics"]["get"].Responses["200"].Content["text/plain"]; !ok {
		t.Error("a string Out should be text/plain")
	}
	page := doc.Paths["/admin"]["get"]
	if _, ok := page.Responses["200"].Content["text/html"]; !ok || page.Tags[0] != "页面" {
		t.Errorf("page %+v", page)
	}
	if _, ok := page.Responses["401"].Content["text/html"]; !ok {
		t.Error("page errors are HTML")
	}
	form := doc.Paths["/login"]["post"]
	if _, ok := form.RequestBody.Content["application/x-www-form-urlencoded"]; !ok || form.Responses["303"].Description == "" {
		t.Errorf("form post %+v", form)
	}
	if len(doc.Tags) != 3 {
		t.Errorf("tags %v", doc.Tags)
	}
}

func TestAppOpenAPIListsHandledRoutes(t *testing.T) {
	a := New(Config{})
	a.Handle(Route{Method: "GET", Path: "/x/:id", Access: Public(), Handler: noop})
	a.Handle(Route{Method: "POST", Path: "/x/:id", Access: LoggedIn(), Handler: noop})
	doc := a.OpenAPI(Info{Title: "T"})
	if len(doc.Paths) != 1 || len(doc.Paths["/x/{id}"]) != 2 {
		t.Fatalf("paths %+v", doc.Paths)
	}
}

func TestSchemaOfNil(t *testing.T) {
	if s := SchemaOf(nil); !reflect.DeepEqual(*s, Schema{}) {
		t.Errorf("nil type: %+v", s)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
