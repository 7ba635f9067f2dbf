package server

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/web"
)

// writeRoutes lists every state-changing route of the API by "METHOD path".
func writeRoutes() map[string]web.Route {
	app := web.New(web.Config{})
	Register(app, Deps{})
	out := map[string]web.Route{}
	for _, r := range app.Routes() {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
			out[r.Method+" "+r.Path] = r
		}
	}
	return out
}

// TestMalformedBodiesCoverEveryWriteRoute: every write route has an entry
// in writeEndpoints (so a new endpoint cannot be forgotten), of the kind its
// declaration says: a JSON body with a valid example, an upload, or no body.
func TestMalformedBodiesCoverEveryWriteRoute(t *testing.T) {
	routes := writeRoutes()
	for key, r := range routes {
		ep, ok := writeEndpoints[key]
		_, file := r.In.(web.File)
		switch {
		case !ok:
			t.Errorf("%s: no entry in writeEndpoints (malformed_endpoints_test.go)", key)
		case file && ep.upload == "":
			t.Errorf("%s: an upload, but its entry is not", key)
		case r.In == nil && ep.noBody == "":
			t.Errorf("%s: declares no body, so its entry should say why (noBody)", key)
		case r.In != nil && !file && (ep.valid == nil || ep.as == ""):
			t.Errorf("%s: takes a JSON body, but its entry has no caller or valid body", key)
		}
	}
	for key := range writeEndpoints {
		if _, ok := routes[key]; !ok {
			t.Errorf("writeEndpoints has %s, which is not a route", key)
		}
	}
}

// TestMalformedBodies sends every write endpoint bodies that are malformed
// (broken JSON, wrong types, unknown fields, texts beyond their bounds,
// bodies over the size limit) or break its rules (negative money, dates out
// of order, unknown enums, missing fields). Each gets 400 with the standard
// error body, a Chinese message and, where one applies, a Chinese message
// on the field; and the database (every document of every collection) and
// the stored files are exactly as they were.
func TestMalformedBodies(t *testing.T) {
	m := newMalformedEnv(t)
	routes := writeRoutes()
	keys := make([]string, 0, len(writeEndpoints))
	for k := range writeEndpoints {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	covered, sent := 0, 0
	for _, key := range keys {
		ep, r := writeEndpoints[key], routes[key]
		if ep.noBody != "" {
			continue
		}
		covered++
		t.Run(key, func(t *testing.T) {
			cases := ep.bad
			if ep.upload != "" {
				cases = uploadCases(r, ep.upload)
			} else {
				cases = append(generatedCases(reflect.TypeOf(r.In), ep), cases...)
			}
			c := m.clients[ep.as]
			before := m.dump()
			for _, bc := range cases {
				sent++
				res := m.send(c, r.Method, m.path(ep.path), bc)
				checkBadAnswer(t, bc, m.fill(bc.field), res)
				if t.Failed() {
					if diff := dumpDiff(before, m.dump()); diff != "" {
						t.Fatalf("%s: the database changed:\n%s", bc.name, diff)
					}
				}
			}
			if diff := dumpDiff(before, m.dump()); diff != "" {
				for _, bc := range cases { // find the body that wrote
					b := m.dump()
					m.send(c, r.Method, m.path(ep.path), bc)
					if d := dumpDiff(b, m.dump()); d != "" {
						t.Fatalf("%s: the database changed:\n%s", bc.name, d)
					}
				}
				t.Fatalf("the database changed:\n%s", diff)
			}
		})
	}
	t.Logf("%d bad bodies sent to %d write endpoints; %d endpoints read no body", sent, covered, len(writeEndpoints)-covered)
}

// checkBadAnswer: 400, the standard error body, Chinese messages.
func checkBadAnswer(t *testing.T, bc badBody, field string, res resp) {
	t.Helper()
	if res.Code != http.StatusBadRequest {
		t.Errorf("%s: status %d, want 400; body: %.300s", bc.name, res.Code, res.Body)
		return
	}
	var b web.ErrorBody
	if err := json.Unmarshal(res.Body.Bytes(), &b); err != nil || b.Error.Code == "" || b.Error.Message == "" || b.Error.Fields == nil {
		t.Errorf("%s: not the standard error body: %.300s", bc.name, res.Body)
		return
	}
	if !hasHan(b.Error.Message) {
		t.Errorf("%s: message %q is not Chinese", bc.name, b.Error.Message)
	}
	for k, msg := range b.Error.Fields {
		if !hasHan(msg) {
			t.Errorf("%s: field %s: message %q is not Chinese", bc.name, k, msg)
		}
	}
	if field != "" && b.Error.Fields[field] == "" {
		t.Errorf("%s: no error on %s: %v (%s)", bc.name, field, b.Error.Fields, b.Error.Message)
	}
}

// fill replaces {placeholders} with fixture ids.
func (m *malformedEnv) fill(s string) string {
	for k, v := range m.ids {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// send sends a bad body: a string as is, []byte and multipart bodies as
// built, anything else JSON-encoded.
func (m *malformedEnv) send(c *client, method, path string, bc badBody) resp {
	m.t.Helper()
	switch b := bc.body.(type) {
	case string:
		return c.do(method, path, m.fill(b))
	case rawRequest:
		return m.sendRaw(c, method, path, b)
	}
	raw, err := json.Marshal(bc.body)
	if err != nil {
		m.t.Fatal(err)
	}
	return c.do(method, path, []byte(m.fill(string(raw))))
}

// rawRequest is a body with its own content type (uploads).
type rawRequest struct {
	contentType string
	body        []byte
}

func (m *malformedEnv) sendRaw(c *client, method, path string, r rawRequest) resp {
	req := httptest.NewRequest(method, path, bytes.NewReader(r.body))
	req.RemoteAddr = c.ip + ":4321"
	req.Header.Set("Content-Type", r.contentType)
	req.Header.Set(web.CSRFHeader, c.csrf)
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	m.app.ServeHTTP(rec, req)
	return resp{rec, m.t}
}

// generatedCases varies an endpoint's valid body: broken JSON, values of
// the wrong JSON type for each field, texts one character over their
// bound, an unknown field, and a body over the size limit.
func generatedCases(typ reflect.Type, ep writeEndpoint) []badBody {
	valid, _ := json.Marshal(ep.valid)
	cases := []badBody{
		{"not JSON", `{"`, ""},
		{"JSON cut short", string(valid[:len(valid)/2]), ""},
		{"an array", `[]`, ""},
		{"null", `null`, ""},
		{"a string", `"x"`, ""},
		{"a second object", string(valid) + `{}`, ""},
		{"a stray bracket after the object", string(valid) + `]`, ""},
		{"an unknown field", with(ep.valid, "unknown_field", 1), "unknown_field"},
		{"a body over 1 MiB", `{"x":"` + strings.Repeat("x", 1<<20) + `"}`, ""},
	}
	if !ep.optional {
		cases = append(cases, badBody{"an empty body", ``, ""}, badBody{"white space", " \n", ""})
	}
	names := make([]string, 0, len(ep.valid))
	for k := range ep.valid {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		v := ep.valid[name]
		cases = append(cases, badBody{name + " of the wrong type", with(ep.valid, name, wrongType(v)), name})
		bound := maxTextRunes
		if f, ok := fieldByJSONName(typ, name); ok {
			if n, err := strconv.Atoi(f.Tag.Get("maxlen")); err == nil {
				bound = n
			}
		}
		huge := strings.Repeat("长", bound+1)
		switch v.(type) {
		case string:
			cases = append(cases, badBody{name + " over " + strconv.Itoa(bound) + " characters", with(ep.valid, name, huge), name})
		case []string:
			cases = append(cases, badBody{name + " with an item over " + strconv.Itoa(bound) + " characters", with(ep.valid, name, []string{huge}), name + "[0]"},
				badBody{name + " with " + strconv.Itoa(maxListItems+1) + " items", with(ep.valid, name, slices.Repeat([]string{"x"}, maxListItems+1)), name})
		}
	}
	return cases
}

// wrongType is a JSON value of another type than v's.
func wrongType(v any) any {
	switch v.(type) {
	case string:
		return 12345
	case bool:
		return "yes"
	case []string, []map[string]any:
		return map[string]any{"x": 1}
	case map[string]any, map[string][]int64, map[string]bool:
		return []int{1}
	}
	return "12" // numbers
}

func fieldByJSONName(typ reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if n, _, _ := strings.Cut(f.Tag.Get("json"), ","); n == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// uploadCases are bad uploads: not multipart, no file, an empty file, a
// truncated form, a file that is not what the endpoint takes, an unknown
// option, and a file over the route's limit.
func uploadCases(r web.Route, field string) []badBody {
	form := func(fields map[string]string, files map[string][]byte) rawRequest {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		for name, data := range files {
			fw, _ := mw.CreateFormFile(name, name+".bin")
			fw.Write(data)
		}
		mw.Close()
		return rawRequest{contentType: mw.FormDataContentType(), body: buf.Bytes()}
	}
	purpose := map[string]string{}
	if r.Path == "/api/v1/files" {
		purpose["purpose"] = "qualification"
	}
	oversize := form(purpose, map[string][]byte{field: append([]byte("%PDF-1.4\n"), make([]byte, max(r.MaxBody, files.MaxSize))...)})
	cases := []badBody{
		{"a JSON body", rawRequest{contentType: "application/json", body: []byte(`{"file":"x"}`)}, field},
		{"a form without the file", form(with2(purpose, "note", "x"), nil), field},
		{"an empty file", form(purpose, map[string][]byte{field: nil}), field},
		{"a truncated form", rawRequest{contentType: "multipart/form-data; boundary=xyz", body: []byte("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc")}, field},
		{"a file over the limit", oversize, ""},
	}
	if r.Path == "/api/v1/files" {
		cases = append(cases,
			badBody{"a file that is not a PDF or an image", form(purpose, map[string][]byte{field: []byte("MZ\x90\x00 an executable")}), field},
			badBody{"an unknown purpose", form(map[string]string{"purpose": "selfie"}, map[string][]byte{field: []byte("%PDF-1.4\n%%EOF\n")}), "purpose"},
			badBody{"no purpose", form(nil, map[string][]byte{field: []byte("%PDF-1.4\n%%EOF\n")}), "purpose"})
	} else {
		cases = append(cases,
			badBody{"a text file", form(nil, map[string][]byte{field: []byte("编码,名称\nX,Y\n")}), ""},
			badBody{"a PDF", form(nil, map[string][]byte{field: []byte("%PDF-1.4\n%%EOF\n")}), ""})
	}
	return cases
}

func with2(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for a, b := range m {
		out[a] = b
	}
	return out
}
