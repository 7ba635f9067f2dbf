// Package ocdstest validates releases against the OCDS 1.1 release schema
// under ocds/testdata, for the tests of every package that publishes them.
package ocdstest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ReleaseSchema compiles the release schema, asserting formats (dates).
func ReleaseSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	f, err := os.Open(filepath.Join(filepath.Dir(self), "..", "testdata", "release-schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://agencyhall.example/ocds/testdata/release-schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Check validates one release — a value to marshal or raw JSON.
func Check(s *jsonschema.Schema, release any) error {
	raw, ok := release.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = json.Marshal(release); err != nil {
			return err
		}
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return err
	}
	return s.Validate(v)
}
