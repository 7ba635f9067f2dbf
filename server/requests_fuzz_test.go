package server

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// writeRequestTypes lists the JSON body type of every write route (POST,
// PUT, PATCH, DELETE with an example In that is not a file upload), read
// from the routes themselves so a new endpoint is fuzzed without a change
// here.
func writeRequestTypes(tb testing.TB) []reflect.Type {
	app := web.New(web.Config{})
	Register(app, Deps{})
	seen := map[reflect.Type]bool{}
	var out []reflect.Type
	for _, r := range app.Routes() {
		if r.Method == http.MethodGet || r.In == nil {
			continue
		}
		typ := reflect.TypeOf(r.In)
		if _, file := r.In.(web.File); file || typ.Kind() != reflect.Struct || seen[typ] {
			continue
		}
		seen[typ] = true
		out = append(out, typ)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	if len(out) < 20 {
		tb.Fatalf("only %d write request types", len(out))
	}
	return out
}

// convertSteps are the conversions a handler applies to a decoded request
// before it calls a service, each with what an accepted value must satisfy.
var convertSteps = map[reflect.Type]func(t *testing.T, v any) error{
	reflect.TypeFor[projectRequest](): func(t *testing.T, v any) error {
		r := v.(*projectRequest)
		in, err := r.input()
		if err == nil {
			for _, tm := range []time.Time{in.SignupDeadline, in.OpeningTime} {
				if !tm.IsZero() && tm.Location() != time.UTC {
					t.Fatalf("time %v not in UTC", tm)
				}
			}
			if (strings.TrimSpace(r.SignupDeadline) != "") != !in.SignupDeadline.IsZero() {
				t.Fatalf("deadline %q read as %v", r.SignupDeadline, in.SignupDeadline)
			}
			if w := in.Weights; w != nil && (w.Price < 0 || w.Credit < 0) {
				t.Fatalf("negative weights %+v", *w)
			}
		}
		return err
	},
	reflect.TypeFor[contractRequest](): func(t *testing.T, v any) error {
		r := v.(*contractRequest)
		e := apperr.Invalid()
		signed := r.parse(e)
		if err := e.OrNil(); err != nil {
			return err
		}
		if r.AmountFen <= 0 {
			t.Fatalf("accepted a contract of %d fen", r.AmountFen)
		}
		if signed.Format(time.DateOnly) != strings.TrimSpace(r.SignedOn) || signed.Location() != registry.Shanghai || signed.Hour() != 0 {
			t.Fatalf("signed_on %q read as %v", r.SignedOn, signed)
		}
		return nil
	},
	reflect.TypeFor[sanctionRequest](): func(t *testing.T, v any) error {
		r := v.(*sanctionRequest)
		in, err := r.input()
		if err == nil {
			for _, d := range []struct {
				raw string
				at  time.Time
			}{{r.From, in.From}, {r.To, in.To}} {
				if (strings.TrimSpace(d.raw) != "") == d.at.IsZero() || !d.at.IsZero() && d.at.Location() != time.UTC {
					t.Fatalf("date %q read as %v", d.raw, d.at)
				}
			}
		}
		return err
	},
	reflect.TypeFor[moveComplaintRequest](): func(t *testing.T, v any) error {
		to, err := v.(*moveComplaintRequest).target()
		if err == nil && !regulatorMoves[to] {
			t.Fatalf("accepted the step %q", to)
		}
		return err
	},
	reflect.TypeFor[applicationRequest](): func(t *testing.T, v any) error {
		r := v.(*applicationRequest)
		in, err := r.input(func(id string) bool { return id == "own-file" })
		if err != nil {
			return err
		}
		for i, q := range in.Profile.Qualifications {
			raw := r.Qualifications[i]
			for _, d := range []struct {
				raw string
				day registry.Date
			}{{raw.ValidFrom, q.ValidFrom}, {raw.ValidTo, q.ValidTo}} {
				if s := strings.TrimSpace(d.raw); s != "" && d.day.String() != s {
					t.Fatalf("date %q read as %v", d.raw, d.day)
				}
			}
			if q.FileID != "" && q.FileID != "own-file" {
				t.Fatalf("accepted the file %q of another organisation", q.FileID)
			}
		}
		return nil
	},
	reflect.TypeFor[decisionRequest](): func(t *testing.T, v any) error {
		return required(v.(*decisionRequest).Accept, "accept", "请选择")
	},
	reflect.TypeFor[announcementReviewRequest](): func(t *testing.T, v any) error {
		return required(v.(*announcementReviewRequest).Approve, "approve", "请选择")
	},
	reflect.TypeFor[objectionDecisionRequest](): func(t *testing.T, v any) error {
		return required(v.(*objectionDecisionRequest).Upheld, "upheld", "请选择")
	},
	reflect.TypeFor[appealDecisionRequest](): func(t *testing.T, v any) error {
		return required(v.(*appealDecisionRequest).Upheld, "upheld", "请选择")
	},
}

// FuzzWriteRequests fuzzes the decode step of every JSON write endpoint
// (the byte picks the request type) and the handler's own conversion where
// there is one. A refusal is Invalid, in Chinese, naming fields of the
// request; an accepted body keeps every text and list within bounds,
// encodes to JSON that decodes to the same request, and passes the
// conversion's checks (money above 0, dates that read back as written,
// choices made, known steps).
func FuzzWriteRequests(f *testing.F) {
	types := writeRequestTypes(f)
	app := web.New(web.Config{})
	Register(app, Deps{})
	for _, r := range app.Routes() {
		if r.Method == http.MethodGet || r.In == nil {
			continue
		}
		for i, typ := range types {
			if reflect.TypeOf(r.In) == typ {
				b, _ := json.Marshal(r.In)
				f.Add(uint8(i), b)
			}
		}
	}
	for i, s := range []string{`{}`, `null`, `{"a":1}`, `[]`, `{"note":"` + strings.Repeat("长", maxTextRunes+1) + `"}`,
		`{"reason":"x"}]`, `{"scores":{"":[1]}}`} {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, pick uint8, body []byte) {
		typ := types[int(pick)%len(types)]
		v := reflect.New(typ).Interface()
		err := decodeBody(body, v)
		if err == nil {
			withinLimits(t, v)
			again, merr := json.Marshal(v)
			w := reflect.New(typ).Interface()
			if merr != nil || decodeBody(again, w) != nil {
				t.Fatalf("%s: accepted as %+v, which encodes to %s and does not decode again", body, v, again)
			}
			if twice, _ := json.Marshal(w); string(twice) != string(again) {
				t.Fatalf("%s: %s decodes to %s", body, again, twice)
			}
			if step := convertSteps[typ]; step != nil {
				err = step(t, v)
			}
		}
		if err != nil {
			wantRequestError(t, body, typ, err)
		}
	})
}
