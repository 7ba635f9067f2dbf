package server

import (
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
)

// Paging holds the page and page_size query parameters of every list.
type Paging struct {
	Page     int `form:"page" doc:"页码，从 1 开始，默认 1"`
	PageSize int `form:"page_size" doc:"每页条数，1–100，默认 20"`
}

func (p *Paging) paging() *Paging { return p }

// Default and largest page sizes of the list endpoints.
const (
	defaultPageSize = 20
	maxPageSize     = 100
	maxQueryRunes   = 200
)

// shanghai is China Standard Time; China has no daylight saving time, so a
// fixed zone is exact and needs no tz database.
var shanghai = time.FixedZone("CST", 8*60*60)

// bindQuery fills the fields of dst (a pointer to a struct) that have a
// `form` tag from the query string, with Chinese field errors. Supported
// field types are string, int and time.Time; a time accepts RFC 3339 or a
// date (2006-01-02, Beijing time), and a date on a field tagged `form:"x,end"`
// means the end of that day. A struct embedding Paging gets the defaults and
// the page size limit.
func bindQuery(c *gin.Context, dst any) error {
	v := apperr.Invalid()
	bindFields(c, reflect.ValueOf(dst).Elem(), v)
	if pg, ok := dst.(interface{ paging() *Paging }); ok {
		p := pg.paging()
		if _, bad := v.Fields["page"]; !bad && c.Query("page") != "" && p.Page < 1 {
			v.Field("page", "页码应为正整数")
		}
		if _, bad := v.Fields["page_size"]; !bad && c.Query("page_size") != "" && (p.PageSize < 1 || p.PageSize > maxPageSize) {
			v.Field("page_size", "每页条数应为 1–100")
		}
		if p.Page < 1 {
			p.Page = 1
		}
		if p.PageSize < 1 {
			p.PageSize = defaultPageSize
		}
	}
	return v.OrNil()
}

var timeType = reflect.TypeFor[time.Time]()

func bindFields(c *gin.Context, sv reflect.Value, v *apperr.Error) {
	st := sv.Type()
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("form"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			bindFields(c, sv.Field(i), v)
			continue
		}
		raw := strings.TrimSpace(c.Query(name))
		if name == "" || name == "-" || raw == "" {
			continue
		}
		if utf8.RuneCountInString(raw) > maxQueryRunes {
			v.Field(name, "查询条件过长")
			continue
		}
		fv := sv.Field(i)
		switch {
		case f.Type == timeType:
			t, err := parseTimeParam(raw, opts == "end")
			if err != nil {
				v.Field(name, "时间格式应为 2006-01-02 或 RFC 3339（如 2006-01-02T15:04:05+08:00）")
				continue
			}
			fv.Set(reflect.ValueOf(t))
		case f.Type.Kind() == reflect.Int:
			n, err := strconv.Atoi(raw)
			if err != nil {
				v.Field(name, "应为整数")
				continue
			}
			fv.SetInt(int64(n))
		case f.Type.Kind() == reflect.String:
			fv.SetString(raw)
		default:
			panic("server: unsupported query field type " + f.Type.String())
		}
	}
}

// parseTimeParam reads RFC 3339 or a Beijing-time date; with end, a date
// means the start of the next day (bounds are exclusive at the end).
func parseTimeParam(s string, end bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, shanghai)
	if err != nil {
		return time.Time{}, err
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d.UTC(), nil
}
