package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
)

func newStrictDecoder(r io.Reader) *json.Decoder {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	return dec
}

// decodeJSON reads a body that must be one JSON object and nothing else
// (white space aside) into v, refusing unknown fields.
func decodeJSON(body io.Reader, v any) error {
	raw, err := io.ReadAll(body) // the body limit bounds it
	if err != nil {
		return decodeError(err)
	}
	if s := bytes.TrimSpace(raw); len(s) == 0 || s[0] != '{' {
		// null would decode into a struct as a no-op; [] and 1 are not objects.
		if len(s) == 0 {
			return decodeError(io.EOF)
		}
		return apperr.InvalidMsg("bad_json", "请求体应为 JSON 对象")
	}
	dec := newStrictDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	// Only white space may follow: dec.More alone lets a stray ] or } through.
	if len(bytes.TrimSpace(raw[dec.InputOffset():])) > 0 {
		return apperr.InvalidMsg("bad_json", "请求体只能包含一个 JSON 对象")
	}
	return nil
}

// decodeError explains a JSON decoding failure in Chinese, naming the field
// where it can.
func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var maxErr *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return apperr.InvalidMsg("empty_body", "请求体为空，请提交 JSON 数据")
	case errors.As(err, &maxErr):
		return apperr.InvalidMsg("body_too_large", "请求体过大")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return apperr.InvalidMsg("bad_json", "请求体应为 JSON 对象")
		}
		return apperr.Invalid().Field(field, "类型不正确，应为"+jsonKind(typeErr.Type.Kind().String()))
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.InvalidMsg("bad_json", "请求体不是合法的 JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		quoted := strings.TrimPrefix(err.Error(), "json: unknown field ")
		name, uerr := strconv.Unquote(quoted) // encoding/json writes the name with %q
		if uerr != nil {
			name = strings.Trim(quoted, `"`)
		}
		if name == "" || utf8.RuneCountInString(name) > 100 {
			return apperr.InvalidMsg("unknown_field", "请求体含有不认识的字段")
		}
		return apperr.Invalid().Field(name, "不认识的字段")
	}
	return apperr.InvalidMsg("bad_json", "请求体无法解析")
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "字符串"
	case "bool":
		return "布尔值"
	case "slice", "array":
		return "数组"
	case "struct", "map":
		return "对象"
	}
	return "数字"
}
