package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"
)

// OpenAPI 3.0 document built from the declared routes, so the API document
// cannot drift from what is served.
//
// Conventions read from a Route:
//   - gin path parameters (":id", "*file") become "{id}" path parameters;
//   - In is an example of the JSON request body; for methods without a body
//     (GET, HEAD, DELETE) it describes the query parameters instead: every
//     field with a `form` tag is one, embedded structs included;
//   - Out is an example of the JSON response body; a string Out is a
//     text/plain response, nil Out a 204 (pages: an HTML page);
//   - schemas come from the examples' types by reflection, following the
//     encoding/json rules (json tags, omitempty = optional, embedding);
//   - a File In is a multipart/form-data upload, a File Out a download;
//   - non-public routes accept the session cookie or a bearer API token and
//     document 401 and 403; every error uses the ErrorBody schema.

// File stands for a file in a route's In or Out. As In it is a
// multipart/form-data upload with the file in form field Field and the
// further text fields Fields; as Out, a download of ContentType.
type File struct {
	ContentType string
	Field       string
	Fields      []string
}

// Info describes the API as a whole.
type Info struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
}

// Document is an OpenAPI 3.0 document.
type Document struct {
	OpenAPI    string                          `json:"openapi"`
	Info       Info                            `json:"info"`
	Tags       []DocTag                        `json:"tags,omitempty"`
	Paths      map[string]map[string]Operation `json:"paths"`
	Components Components                      `json:"components"`
}

// DocTag names a group of operations.
type DocTag struct {
	Name string `json:"name"`
}

// Operation is one method on one path.
type Operation struct {
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary,omitempty"`
	Description string                `json:"description,omitempty"`
	Tags        []string              `json:"tags,omitempty"`
	Parameters  []Parameter           `json:"parameters,omitempty"`
	RequestBody *RequestBody          `json:"requestBody,omitempty"`
	Responses   map[string]Response   `json:"responses"`
	Security    []map[string][]string `json:"security"`
}

// Parameter is a path, query or header parameter.
type Parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Required    bool    `json:"required"`
	Description string  `json:"description,omitempty"`
	Schema      *Schema `json:"schema"`
	Example     any     `json:"example,omitempty"`
}

// RequestBody is an operation's body.
type RequestBody struct {
	Required bool                 `json:"required"`
	Content  map[string]MediaType `json:"content"`
}

// Response is one status of an operation.
type Response struct {
	Description string               `json:"description"`
	Content     map[string]MediaType `json:"content,omitempty"`
	Headers     map[string]Header    `json:"headers,omitempty"`
}

// Header describes a response header.
type Header struct {
	Description string  `json:"description,omitempty"`
	Schema      *Schema `json:"schema"`
}

// MediaType is a schema and an example of one content type.
type MediaType struct {
	Schema  *Schema `json:"schema"`
	Example any     `json:"example,omitempty"`
}

// Schema is the subset of the OpenAPI schema object the generator uses.
type Schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	Type                 string             `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Nullable             bool               `json:"nullable,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	AdditionalProperties *Schema            `json:"additionalProperties,omitempty"`
}

// Components holds the shared schemas, responses and security schemes.
type Components struct {
	Schemas         map[string]*Schema        `json:"schemas"`
	SecuritySchemes map[string]SecurityScheme `json:"securitySchemes"`
}

// SecurityScheme is a way to authenticate.
type SecurityScheme struct {
	Type        string `json:"type"`
	In          string `json:"in,omitempty"`
	Name        string `json:"name,omitempty"`
	Scheme      string `json:"scheme,omitempty"`
	Description string `json:"description,omitempty"`
}

const (
	secCookie = "cookieSession"
	secBearer = "bearerToken"
	secSystem = "systemToken" // another system's credential (Access Bearer)
)

var errorRef = &Schema{Ref: "#/components/schemas/Error"}

// OpenAPI builds the document of the app's declared routes.
func (a *App) OpenAPI(info Info) *Document { return OpenAPI(a.Routes(), info) }

// OpenAPI builds the document of a list of routes.
func OpenAPI(routes []Route, info Info) *Document {
	doc := &Document{
		OpenAPI: "3.0.3",
		Info:    info,
		Paths:   map[string]map[string]Operation{},
		Components: Components{
			Schemas: map[string]*Schema{"Error": SchemaOf(reflect.TypeFor[ErrorBody]())},
			SecuritySchemes: map[string]SecurityScheme{
				secCookie: {Type: "apiKey", In: "cookie", Name: SessionCookie,
					Description: "登录（POST /api/v1/auth/login）后的会话 Cookie；改变状态的请求还须在 " + CSRFHeader + " 头中携带登录时返回的 csrf_token"},
				secBearer: {Type: "http", Scheme: "bearer",
					Description: "个人 API 令牌（POST /api/v1/me/tokens 创建，只显示一次），以 Authorization: Bearer <令牌> 发送；无需 CSRF 令牌"},
				secSystem: {Type: "http", Scheme: "bearer",
					Description: "其他系统的访问令牌（如 Webhook 订阅方的订阅访问令牌，ahw_ 开头，由平台管理员登记或更换订阅时生成，只显示一次），只能调用为其声明的接口，且只限其本身的订阅；以 Authorization: Bearer <令牌> 发送"},
			},
		},
	}
	tags := map[string]bool{}
	for _, r := range routes {
		path, params := openAPIPath(r.Path)
		if doc.Paths[path] == nil {
			doc.Paths[path] = map[string]Operation{}
		}
		op := operation(r, params)
		doc.Paths[path][strings.ToLower(r.Method)] = op
		if !tags[op.Tags[0]] {
			tags[op.Tags[0]] = true
			doc.Tags = append(doc.Tags, DocTag{Name: op.Tags[0]})
		}
	}
	return doc
}

// OpenAPIPath converts a gin path to an OpenAPI path template.
func OpenAPIPath(ginPath string) string { p, _ := openAPIPath(ginPath); return p }

func openAPIPath(ginPath string) (string, []string) {
	segs := strings.Split(ginPath, "/")
	var params []string
	for i, s := range segs {
		if len(s) > 1 && (s[0] == ':' || s[0] == '*') {
			params = append(params, s[1:])
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/"), params
}

func operation(r Route, pathParams []string) Operation {
	tag := r.Tag
	if tag == "" {
		tag = "其他"
		if r.Page {
			tag = "页面"
		}
	}
	op := Operation{
		OperationID: operationID(r.Method, r.Path),
		Summary:     r.Summary,
		Description: "访问权限：" + r.Access.Describe(),
		Tags:        []string{tag},
		Responses:   map[string]Response{},
		Security:    []map[string][]string{},
	}
	if r.Action != "" {
		op.Description += "。审计动作：" + r.Action
	}
	for _, p := range pathParams {
		op.Parameters = append(op.Parameters, Parameter{Name: p, In: "path", Required: true, Schema: &Schema{Type: "string"}})
	}
	body := hasBody(r.Method)
	if r.In != nil && !body {
		op.Parameters = append(op.Parameters, queryParams(reflect.ValueOf(r.In))...)
	}
	if unsafe(r.Method) {
		op.Parameters = append(op.Parameters, Parameter{Name: CSRFHeader, In: "header", Schema: &Schema{Type: "string"},
			Description: "以会话 Cookie 认证时必填：登录时返回的 csrf_token；以 Bearer 令牌认证时不需要"})
	}
	if f, ok := r.In.(File); ok && body {
		s := &Schema{Type: "object", Properties: map[string]*Schema{f.Field: {Type: "string", Format: "binary"}}, Required: []string{f.Field}}
		for _, name := range f.Fields {
			s.Properties[name] = &Schema{Type: "string"}
		}
		op.RequestBody = &RequestBody{Required: true, Content: map[string]MediaType{"multipart/form-data": {Schema: s}}}
	} else if r.In != nil && body {
		ct := "application/json"
		if r.Page {
			ct = "application/x-www-form-urlencoded"
		}
		op.RequestBody = &RequestBody{Required: true, Content: map[string]MediaType{
			ct: {Schema: SchemaOf(reflect.TypeOf(r.In)), Example: r.In}}}
	}
	switch {
	case r.Page && r.Method == http.MethodGet:
		op.Responses["200"] = Response{Description: "HTML 页面", Content: map[string]MediaType{"text/html": {Schema: &Schema{Type: "string"}}}}
	case r.Page:
		op.Responses["303"] = Response{Description: "完成后跳转", Headers: map[string]Header{"Location": {Schema: &Schema{Type: "string"}}}}
		op.Responses["200"] = Response{Description: "HTML 页面（表单有误时重新显示）", Content: map[string]MediaType{"text/html": {Schema: &Schema{Type: "string"}}}}
	case isFile(r.Out):
		ct := r.Out.(File).ContentType
		op.Responses["200"] = Response{Description: "文件下载", Content: map[string]MediaType{ct: {Schema: &Schema{Type: "string", Format: "binary"}}}}
	case r.Out == nil:
		op.Responses["204"] = Response{Description: "成功，无内容"}
	default:
		ct := "application/json"
		if reflect.TypeOf(r.Out).Kind() == reflect.String {
			ct = "text/plain"
		}
		op.Responses["200"] = Response{Description: "成功", Content: map[string]MediaType{ct: {Schema: SchemaOf(reflect.TypeOf(r.Out)), Example: r.Out}}}
	}
	errResp := func(code, desc string) {
		ct := "application/json"
		s := errorRef
		if r.Page {
			ct, s = "text/html", &Schema{Type: "string"}
		}
		op.Responses[code] = Response{Description: desc, Content: map[string]MediaType{ct: {Schema: s}}}
	}
	if r.In != nil || body {
		errResp("400", "请求有误（fields 中列出各字段的问题）")
	}
	if r.Access.Credential() != nil {
		op.Security = []map[string][]string{{secSystem: {}}}
		errResp("401", "缺少访问令牌或令牌无效")
		errResp("403", "无权执行此操作")
	} else if !r.Access.IsPublic() {
		op.Security = []map[string][]string{{secCookie: {}}, {secBearer: {}}}
		errResp("401", "未登录或凭据无效")
		errResp("403", "无权执行此操作")
	} else if unsafe(r.Method) {
		errResp("403", "CSRF 令牌无效")
	}
	if len(pathParams) > 0 {
		errResp("404", "不存在")
	}
	errResp("default", "其他错误")
	return op
}

func isFile(v any) bool { _, ok := v.(File); return ok }

func hasBody(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodDelete
}

func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, s := range strings.Split(path, "/") {
		s = strings.TrimLeft(s, ":*")
		if s == "" {
			continue
		}
		b.WriteByte('_')
		for _, r := range s {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
	}
	return b.String()
}

// queryParams describes the fields of a query example that have a form tag.
func queryParams(v reflect.Value) []Parameter {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	var out []Parameter
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
		if f.Anonymous && name == "" {
			out = append(out, queryParams(v.Field(i))...)
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		p := Parameter{Name: name, In: "query", Schema: SchemaOf(f.Type), Description: f.Tag.Get("doc")}
		if fv := v.Field(i); !fv.IsZero() {
			p.Example = fv.Interface()
		}
		out = append(out, p)
	}
	return out
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	rawJSONType  = reflect.TypeFor[json.RawMessage]()
	marshalerTyp = reflect.TypeFor[json.Marshaler]()
)

// SchemaOf describes a Go type as encoding/json would write it.
func SchemaOf(t reflect.Type) *Schema { return schemaOf(t, map[reflect.Type]bool{}) }

func schemaOf(t reflect.Type, seen map[reflect.Type]bool) *Schema {
	if t == nil {
		return &Schema{}
	}
	if t.Kind() == reflect.Pointer {
		s := *schemaOf(t.Elem(), seen)
		s.Nullable = true
		return &s
	}
	switch {
	case t == timeType:
		return &Schema{Type: "string", Format: "date-time"}
	case t == rawJSONType, t.Kind() == reflect.Interface:
		return &Schema{}
	case t.Kind() != reflect.Struct && t.Implements(marshalerTyp):
		return &Schema{}
	}
	switch t.Kind() {
	case reflect.String:
		return &Schema{Type: "string"}
	case reflect.Bool:
		return &Schema{Type: "boolean"}
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64, reflect.Uint32:
		return &Schema{Type: "integer", Format: "int64"}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return &Schema{Type: "integer", Format: "int32"}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return &Schema{Type: "string", Format: "byte"}
		}
		return &Schema{Type: "array", Items: schemaOf(t.Elem(), seen)}
	case reflect.Map:
		return &Schema{Type: "object", AdditionalProperties: schemaOf(t.Elem(), seen)}
	case reflect.Struct:
		if seen[t] {
			return &Schema{Type: "object"} // recursive type: stop here
		}
		seen[t] = true
		defer delete(seen, t)
		s := &Schema{Type: "object", Properties: map[string]*Schema{}}
		addFields(s, t, seen)
		sort.Strings(s.Required)
		return s
	}
	return &Schema{}
}

// addFields adds a struct's JSON fields to s, flattening untagged embedded
// structs like encoding/json does.
func addFields(s *Schema, t reflect.Type, seen map[reflect.Type]bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				addFields(s, ft, seen)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs := schemaOf(ft, seen)
		if hasOpt(opts, "string") && fs.Type != "" && fs.Type != "object" && fs.Type != "array" {
			fs = &Schema{Type: "string", Nullable: fs.Nullable}
		}
		s.Properties[name] = fs
		if !hasOpt(opts, "omitempty") && !hasOpt(opts, "omitzero") {
			s.Required = append(s.Required, name)
		}
	}
}

func hasOpt(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}
