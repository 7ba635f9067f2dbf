package reports

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// Filters are the filters of the exports, the same as the lists they
// export. Each export reads the fields it knows and ignores the others.
type Filters struct {
	Q       string // projects: part of the name or the project number
	Region  string // projects, scores: a region code or its prefix (6201 = a whole city)
	State   string // projects, complaints: states, comma-separated
	Method  string // projects
	Item    string // projects: service item code
	Stage   string // projects: approval stage
	Funding string // projects: fiscal or social
	Month   string // projects: published in; complaints: submitted in (YYYY-MM, Beijing time)
	Grade   string // scores: A–D
	Target  string // complaints: the complained-about party
	Status  string // alerts: open (default) or all
	Level   string // alerts: yellow or red
	Agency  string // sanctions: one agency
	Active  bool   // sanctions: only those in force
	Actor   string // audit: login name
	Action  string // audit: action prefix, e.g. "project."
	From    time.Time
	To      time.Time // audit: [From, To)
}

// params lists the query parameters each export reads.
var params = map[Kind][]string{
	KindProjects:   {"q", "region", "state", "method", "item", "stage", "funding", "month"},
	KindScores:     {"region", "grade"},
	KindComplaints: {"state", "target", "month"},
	KindAlerts:     {"status", "level"},
	KindSanctions:  {"agency_id", "active"},
	KindAudit:      {"actor", "action", "from", "to"},
}

// Params lists the query parameters an export reads.
func Params(k Kind) []string { return params[k] }

// ParseFilters reads an export's filters from query parameters (get
// returns "" for a missing one) and checks them.
func ParseFilters(k Kind, get func(string) string) (Filters, error) {
	v := apperr.Invalid()
	var f Filters
	for _, name := range params[k] {
		raw := strings.TrimSpace(get(name))
		if raw == "" {
			continue
		}
		if utf8.RuneCountInString(raw) > 200 {
			v.Field(name, "查询条件过长")
			continue
		}
		switch name {
		case "q":
			f.Q = raw
		case "region":
			f.Region = raw
			if strings.Trim(raw, "0123456789") != "" || len(raw) > 6 {
				v.Field(name, "行政区划代码应为数字")
			}
		case "state":
			f.State = raw
			if k == KindProjects && !validList(raw, func(s string) bool { return hall.State(s).Label() != "" }) {
				v.Field(name, "状态应为 draft、review、open、opening、publicity、objection、contracting、in_service、delivered、accepted、evaluated、failed、cancelled，多个用逗号分隔")
			}
			if k == KindComplaints && !validList(raw, func(s string) bool { return scoring.ComplaintState(s).Label() != "" }) {
				v.Field(name, "状态应为 submitted、accepted、rejected、investigating、substantiated、unsubstantiated、withdrawn，多个用逗号分隔")
			}
		case "method":
			f.Method = raw
			if !slices.Contains(hall.Methods, hall.Method(raw)) {
				v.Field(name, "选取方式应为 direct、random、lowest、reasonable 或 scoring")
			}
		case "item":
			f.Item = registry.NormalizeCode(raw)
		case "stage":
			f.Stage = raw
			if !registry.ValidStage(registry.Stage(raw)) {
				v.Field(name, "审批阶段应为：立项、用地、规划报建、施工许可、竣工验收之一")
			}
		case "funding":
			f.Funding = raw
			if raw != string(hall.FundingFiscal) && raw != string(hall.FundingSocial) {
				v.Field(name, "资金来源应为 fiscal（财政资金）或 social（社会资金）")
			}
		case "month":
			f.Month = raw
			if _, _, err := MonthRange(raw); err != nil {
				v.Field(name, "月份格式应为 YYYY-MM，如 2026-11")
			}
		case "grade":
			f.Grade = raw
			if !slices.Contains([]string{"A", "B", "C", "D"}, raw) {
				v.Field(name, "信用等级应为 A、B、C 或 D")
			}
		case "target":
			f.Target = raw
		case "status":
			f.Status = raw
			if raw != "open" && raw != "all" {
				v.Field(name, "范围应为 open（未关闭）或 all（全部）")
			}
		case "level":
			f.Level = raw
			if raw != scoring.Yellow && raw != scoring.Red {
				v.Field(name, "级别应为 yellow（黄牌）或 red（红牌）")
			}
		case "agency_id":
			f.Agency = raw
		case "active":
			switch raw {
			case "true", "1", "on":
				f.Active = true
			case "false", "0", "off":
			default:
				v.Field(name, "应为 true 或 false")
			}
		case "actor":
			f.Actor = raw
		case "action":
			f.Action = raw
		case "from", "to":
			t, err := parseTime(raw, name == "to")
			if err != nil {
				v.Field(name, "时间应为日期（如 2026-11-01，北京时间）或 RFC 3339 时间")
			} else if name == "from" {
				f.From = t
			} else {
				f.To = t
			}
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		v.Field("to", "截止时间应晚于起始时间")
	}
	return f, v.OrNil()
}

func validList(raw string, ok func(string) bool) bool {
	for _, s := range strings.Split(raw, ",") {
		if !ok(strings.TrimSpace(s)) {
			return false
		}
	}
	return true
}

// list splits a comma-separated filter.
func list(raw string) []string {
	if raw == "" {
		return nil
	}
	var out []string
	for _, s := range strings.Split(raw, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// parseTime reads RFC 3339 or a date in Beijing time; a date as an end
// means the end of that day.
func parseTime(s string, end bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, registry.Shanghai)
	if err != nil {
		return time.Time{}, err
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t.UTC(), nil
}

// MonthRange reads YYYY-MM (Beijing time) as the instants [from, to).
func MonthRange(month string) (time.Time, time.Time, error) {
	from, err := time.ParseInLocation("2006-01", month, registry.Shanghai)
	if err != nil {
		return time.Time{}, time.Time{}, apperr.Invalid().Field("month", "月份格式应为 YYYY-MM，如 2026-11")
	}
	return from, from.AddDate(0, 1, 0), nil
}

// Describe is the filter in words, for a workbook's title row ("" for none).
func (f Filters) Describe(k Kind) string {
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+"："+v)
		}
	}
	labels := func(raw string, label func(string) string) string {
		var out []string
		for _, s := range list(raw) {
			out = append(out, label(s))
		}
		return strings.Join(out, "、")
	}
	switch k {
	case KindProjects:
		add("关键词", f.Q)
		add("地区", regionText(f.Region))
		add("状态", labels(f.State, func(s string) string { return hall.State(s).Label() }))
		if f.Method != "" {
			add("选取方式", hall.Method(f.Method).Label())
		}
		add("服务事项", f.Item)
		add("审批阶段", f.Stage)
		if f.Funding != "" {
			add("资金来源", hall.Funding(f.Funding).Label())
		}
		add("发布月份", f.Month)
	case KindScores:
		add("地区", regionText(f.Region))
		add("信用等级", f.Grade)
	case KindComplaints:
		add("状态", labels(f.State, func(s string) string { return scoring.ComplaintState(s).Label() }))
		add("被投诉对象", f.Target)
		add("提交月份", f.Month)
	case KindAlerts:
		if f.Status == "all" {
			add("范围", "全部（含已关闭）")
		} else {
			add("范围", "未关闭")
		}
		add("级别", map[string]string{scoring.Yellow: "黄牌", scoring.Red: "红牌"}[f.Level])
	case KindSanctions:
		add("机构", f.Agency)
		if f.Active {
			add("范围", "正在执行")
		}
	case KindAudit:
		add("操作人", f.Actor)
		add("动作", f.Action)
		if !f.From.IsZero() {
			add("起始", f.From.In(registry.Shanghai).Format("2006-01-02 15:04"))
		}
		if !f.To.IsZero() {
			add("截止（不含）", f.To.In(registry.Shanghai).Format("2006-01-02 15:04"))
		}
	}
	return strings.Join(parts, "；")
}

// regionText is a region filter with its province, e.g. 6201（甘肃省）.
func regionText(code string) string {
	if p := registry.ProvinceName(code); p != "" {
		return code + "（" + p + "）"
	}
	return code
}

// inRegion reports whether a region code lies within a filter's code or
// prefix (trailing zeros of the filter are ignored: 620100 = 6201).
func inRegion(code, filter string) bool {
	return strings.HasPrefix(code, strings.TrimRight(filter, "0"))
}
