package server

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/web"
)

// Every text and list of a JSON request body is bounded here, at the
// boundary, whatever rules the domain applies afterwards: a field whose
// rule forgets a maximum (a note, a reason, an inspector's name) would
// otherwise store up to the whole body limit, and an export would then
// fail on a cell Excel cannot hold. Fields with a tighter rule in the domain
// keep it; a field may declare a larger bound with a maxlen tag.
const (
	maxTextRunes = 2000
	maxListItems = 500
)

// decodeRequest is the decode step of every JSON write endpoint: strict
// decoding (web.BindJSON), then the bounds of every text and list.
func decodeRequest(c *gin.Context, v any) error {
	if err := web.BindJSON(c, v); err != nil {
		return err
	}
	return checkLimits(v)
}

// checkLimits names each text longer than its bound and each list or map
// with more than maxListItems entries, by its JSON path (excluded[3].reason).
func checkLimits(v any) error {
	e := apperr.Invalid()
	limitValue(e, reflect.ValueOf(v), "", maxTextRunes)
	return e.OrNil()
}

func limitValue(e *apperr.Error, v reflect.Value, path string, maxText int) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			limitValue(e, v.Elem(), path, maxText)
		}
	case reflect.String:
		if n := utf8.RuneCountInString(v.String()); n > maxText {
			e.Field(path, fmt.Sprintf("内容过长：最多 %d 字，现为 %d 字", maxText, n))
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Len() > maxListItems {
			e.Field(path, fmt.Sprintf("最多 %d 项，现为 %d 项", maxListItems, v.Len()))
			return
		}
		for i := 0; i < v.Len(); i++ {
			limitValue(e, v.Index(i), path+"["+strconv.Itoa(i)+"]", maxText)
		}
	case reflect.Map:
		if v.Len() > maxListItems {
			e.Field(path, fmt.Sprintf("最多 %d 项，现为 %d 项", maxListItems, v.Len()))
			return
		}
		it := v.MapRange()
		for it.Next() {
			if k := it.Key(); k.Kind() == reflect.String && utf8.RuneCountInString(k.String()) > 200 {
				e.Field(path, "键过长：最多 200 字")
				continue
			}
			limitValue(e, it.Value(), path, maxText)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if f.Anonymous && name == "" {
				limitValue(e, v.Field(i), path, maxTextRunes)
				continue
			}
			if name == "" {
				name = f.Name
			}
			if path != "" {
				name = path + "." + name
			}
			bound := maxTextRunes
			if n, err := strconv.Atoi(f.Tag.Get("maxlen")); err == nil && n > 0 {
				bound = n
			}
			limitValue(e, v.Field(i), name, bound)
		}
	}
}
