package server

import (
	"bytes"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
)

// decodeBody runs the decode step of the JSON write endpoints on a body.
func decodeBody(body []byte, v any) error {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("POST", "/", bytes.NewReader(body))
	return decodeRequest(c, v)
}

// wantRequestError checks a refusal of a request body: an Invalid error
// with a Chinese message whose field keys start with a JSON name of the
// request type (or name an unknown field the body sent).
func wantRequestError(t *testing.T, body []byte, typ reflect.Type, err error) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid || !hasHan(e.Message) {
		t.Fatalf("%s: %v is not an Invalid error with a Chinese message", body, err)
	}
	names := jsonNames(typ)
	for k, m := range e.Fields {
		if !hasHan(m) {
			t.Fatalf("%s: field %q: message %q is not Chinese", body, k, m)
		}
		root, _, _ := strings.Cut(k, ".")
		root, _, _ = strings.Cut(root, "[")
		if !names[root] && m != "不认识的字段" {
			t.Fatalf("%s: field error %q=%q names no field of %s", body, k, m, typ)
		}
	}
}

// jsonNames lists the top-level JSON names of a struct type.
func jsonNames(typ reflect.Type) map[string]bool {
	out := map[string]bool{}
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			for k := range jsonNames(f.Type) {
				out[k] = true
			}
			continue
		}
		out[name] = true
	}
	return out
}

// withinLimits checks an accepted request against the boundary's bounds.
func withinLimits(t *testing.T, v any) {
	t.Helper()
	var walk func(reflect.Value, string, int)
	walk = func(x reflect.Value, path string, maxText int) {
		switch x.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !x.IsNil() {
				walk(x.Elem(), path, maxText)
			}
		case reflect.String:
			if utf8.RuneCountInString(x.String()) > maxText {
				t.Fatalf("accepted %s of %d characters", path, utf8.RuneCountInString(x.String()))
			}
		case reflect.Slice:
			if x.Len() > maxListItems {
				t.Fatalf("accepted %s of %d items", path, x.Len())
			}
			for i := 0; i < x.Len(); i++ {
				walk(x.Index(i), path, maxText)
			}
		case reflect.Map:
			if x.Len() > maxListItems {
				t.Fatalf("accepted %s of %d entries", path, x.Len())
			}
			for it := x.MapRange(); it.Next(); {
				walk(it.Value(), path, maxText)
			}
		case reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				bound := maxTextRunes
				if n, err := strconv.Atoi(x.Type().Field(i).Tag.Get("maxlen")); err == nil {
					bound = n
				}
				walk(x.Field(i), path+"."+x.Type().Field(i).Name, bound)
			}
		}
	}
	walk(reflect.ValueOf(v), reflect.TypeOf(v).String(), maxTextRunes)
}
