package web

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
)

// decodeProbe has the shapes request bodies use: text, money, counts,
// optional yes/no choices, lists of objects, maps of lists.
type decodeProbe struct {
	Name     string             `json:"name"`
	Amount   int64              `json:"amount_fen"`
	Days     int                `json:"days,omitempty"`
	Approve  *bool              `json:"approve"`
	Tags     []string           `json:"tags,omitempty"`
	Rows     []decodeProbeRow   `json:"rows,omitempty"`
	Scores   map[string][]int64 `json:"scores,omitempty"`
	Optional *decodeProbeRow    `json:"optional,omitempty"`
}

type decodeProbeRow struct {
	ID  string `json:"id"`
	Max int64  `json:"max"`
}

// FuzzBindJSON: BindJSON never panics; it refuses with an Invalid error
// carrying a Chinese message (and Chinese field messages under non-empty
// keys); and what it accepts is exactly one JSON object with nothing but
// white space after it, whose decoded value encodes and strictly decodes
// back to the same value (compared by encoding: omitempty rightly folds an
// empty list or map into an absent one).
func FuzzBindJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"张三","amount_fen":100}`, `{"approve":true,"rows":[{"id":"a","max":5}]}`,
		`{"scores":{"agency:1":[85000,1]}}`, `{"name":5}`, `{"nmae":"x"}`, `{"name":`, ``, ` `, `null`, `[]`, `"x"`, `1`,
		`{} {}`, `{}x`, `{"amount_fen":1.5}`, `{"amount_fen":1e3}`, `{"amount_fen":99999999999999999999}`,
		`{"days":-1}`, `{"rows":[{"id":1}]}`, `{"optional":null}`, `{"approve":null}`, `{"name":"\ud800"}`, "{\"name\":\"\xff\"}",
		`{"Name":"case"}`, `{"name":"x"}]`, `{"name":"a","name":"b"}`, strings.Repeat("[", 20000), `{"rows":` + strings.Repeat("[", 20000)} {
		f.Add([]byte(s))
	}
	gin.SetMode(gin.ReleaseMode)
	f.Fuzz(func(t *testing.T, body []byte) {
		var v decodeProbe
		err := bindBytes(body, &v)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || e.Kind != apperr.KindInvalid || !hasHanText(e.Message) {
				t.Fatalf("BindJSON(%q) = %v: not an Invalid error with a Chinese message", body, err)
			}
			for k, m := range e.Fields {
				if k == "" || !hasHanText(m) {
					t.Fatalf("BindJSON(%q): field %q: %q", body, k, m)
				}
			}
			return
		}
		trimmed := bytes.TrimSpace(body)
		if !json.Valid(trimmed) || len(trimmed) == 0 || trimmed[0] != '{' {
			t.Fatalf("BindJSON accepted %q, which is not one JSON object", body)
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", v, err)
		}
		var w decodeProbe
		if err := bindBytes(again, &w); err != nil {
			t.Fatalf("decoded %q to %+v; its encoding %s is refused: %v", body, v, again, err)
		}
		if twice, _ := json.Marshal(w); !bytes.Equal(again, twice) {
			t.Fatalf("decoded %q to %+v; its encoding %s decodes to %+v, which encodes as %s", body, v, again, w, twice)
		}
	})
}

func bindBytes(body []byte, v any) error {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("POST", "/", bytes.NewReader(body))
	return BindJSON(c, v)
}

func hasHanText(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
