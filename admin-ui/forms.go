package adminui

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/web"
)

// form keeps what a visitor typed and what is wrong with it, so a form
// shown again after an error keeps the input and marks each field.
type form struct {
	Values  map[string]string
	Errors  map[string]string
	Message string // a message about the whole form
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

// postedForm reads the named fields of a posted form. Passwords are never
// put in Values, so they are never echoed back into a page.
func postedForm(c *gin.Context, names ...string) *form {
	f := newForm()
	for _, n := range names {
		f.Values[n] = strings.TrimSpace(c.PostForm(n))
	}
	return f
}

func (f *form) Get(name string) string { return f.Values[name] }

// fail records an error from a service on the form. It reports false for
// errors a form cannot explain (internal, unavailable); those go to web.Fail.
func (f *form) fail(err error) bool {
	e, ok := apperr.As(err)
	if !ok {
		return false
	}
	switch e.Kind {
	case apperr.KindInvalid, apperr.KindConflict, apperr.KindUnauthorized, apperr.KindTooMany, apperr.KindNotFound:
	default:
		return false
	}
	f.Message = e.Message
	for k, v := range e.Fields {
		f.Errors[k] = v
	}
	return true
}

// status is the HTTP status of a form shown again after err.
func formStatus(err error) int { return web.Status(apperr.KindOf(err)) }

// field is what the "field" partial renders: a label bound to its input,
// the kept value, a hint and the field's own error message.
type field struct {
	ID, Name, Label, Type string
	Value, Error, Hint    string
	Describe              string // ids of the error and hint, for aria-describedby
	Required              bool
	Autocomplete          string
	InputMode             string
	MaxLength             int
	List                  string // id of a <datalist> of suggestions
	ReadOnly              bool
}

// newField builds a field from a form and options written as "required",
// "type=password", "auto=username", "mode=numeric", "max=18", "hint=…".
func newField(f *form, name, label string, opts ...string) field {
	fd := field{ID: fieldID(name), Name: name, Label: label, Type: "text"}
	if f != nil {
		fd.Value, fd.Error = f.Values[name], f.Errors[name]
	}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "required":
			fd.Required = true
		case "type":
			fd.Type = v
		case "auto":
			fd.Autocomplete = v
		case "mode":
			fd.InputMode = v
		case "max":
			fd.MaxLength, _ = strconv.Atoi(v)
		case "hint":
			fd.Hint = v
		case "list":
			fd.List = v
		case "readonly":
			fd.ReadOnly = true
		}
	}
	if fd.Type == "password" {
		fd.Value = ""
	}
	var ids []string
	if fd.Error != "" {
		ids = append(ids, fd.ID+"-error")
	}
	if fd.Hint != "" {
		ids = append(ids, fd.ID+"-hint")
	}
	fd.Describe = strings.Join(ids, " ")
	return fd
}

// fieldID is the element id of a form field: rows of a list are named like
// "qualifications[0].type" (the service's field error keys), and their ids
// keep only characters that need no escaping in CSS selectors.
func fieldID(name string) string {
	return "f-" + strings.Map(func(r rune) rune {
		if r == '[' || r == ']' || r == '.' {
			return '-'
		}
		return r
	}, strings.ReplaceAll(name, "].", "-"))
}

// localPath accepts only a path on this site, for "next" and "back"
// redirects: never another host, scheme or a protocol-relative //host.
func localPath(s string) (string, bool) {
	if s == "" || s[0] != '/' || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n\t") {
		return "", false
	}
	p, err := url.Parse(s)
	if err != nil || p.Scheme != "" || p.Host != "" || p.User != nil || p.Opaque != "" {
		return "", false
	}
	return p.RequestURI(), true
}

// pager is the pagination under a table, with the total.
type pager struct {
	Total, Page, Pages, From, To int
	Prev, Next                   string
}

// newPager builds the pagination links from the current query, changing
// only the page number so filters are kept.
func newPager(c *gin.Context, total, page, size int) pager {
	p := pager{Total: total, Page: page}
	if size < 1 {
		size = 1
	}
	p.Pages = (total + size - 1) / size
	if total > 0 {
		p.From = (page-1)*size + 1
		p.To = min(page*size, total)
	}
	link := func(n int) string {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return c.Request.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(min(page-1, max(p.Pages, 1)))
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}

// queryPage reads the page number of a list, from 1.
func queryPage(c *gin.Context) int {
	n, err := strconv.Atoi(c.Query("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// sortedKeys lists a map's keys in order, for stable messages.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
