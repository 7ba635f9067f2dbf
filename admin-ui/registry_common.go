package adminui

import (
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// actorOf converts the session principal into the registry's caller; the
// registry knows nothing about sessions or roles beyond this.
func actorOf(p auth.Principal) registry.Actor {
	kinds := map[auth.Role]registry.ActorKind{
		auth.RoleOwner: registry.ActorOwner, auth.RoleAgency: registry.ActorAgency,
		auth.RoleRegulator: registry.ActorRegulator, auth.RoleAdmin: registry.ActorAdmin,
	}
	if p.Anonymous() {
		return registry.Actor{}
	}
	return registry.Actor{UserID: p.UserID, OrgID: p.OrgID, Kind: kinds[p.Role], Region: p.Region}
}

// actor is the registry caller of this request.
func actor(c *gin.Context) registry.Actor { return actorOf(web.PrincipalOf(c)) }

// fileReader is who reads an uploaded file in this request.
func fileReader(c *gin.Context) files.Reader {
	a := actor(c)
	return files.Reader{OrgID: a.OrgID, Supervises: a.Supervises()}
}

// statusClass is the badge colour of an agency status; the badge always
// carries the status in words as well.
func statusClass(s registry.AgencyStatus) string {
	switch s {
	case registry.StatusActive:
		return "badge-green"
	case registry.StatusPending:
		return "badge-blue"
	case registry.StatusSuspended:
		return "badge-orange"
	case registry.StatusRejected, registry.StatusBlacklisted:
		return "badge-red"
	}
	return "badge-grey"
}

// expiry is how a qualification's validity is shown on a given day.
type expiry struct {
	Level int    // registry.ExpiryLevel: 60, 30, 15, 0 or -1 (expired)
	Label string // "" when nothing to warn about
	Class string
	Days  int // days left (negative: days since expiry)
}

func expiryOn(q registry.Qualification, day registry.Date) expiry {
	e := expiry{Level: registry.ExpiryLevel(q, day), Days: day.DaysUntil(q.ValidTo)}
	switch {
	case q.ValidTo.IsZero():
		e.Level = 0
	case e.Level < 0:
		e.Label, e.Class = "已过期", "badge-red"
	case day.Before(q.ValidFrom):
		e.Label, e.Class = "尚未生效", "badge-grey"
	case e.Level == 15:
		e.Label, e.Class = "15 天内到期", "badge-red"
	case e.Level == 30:
		e.Label, e.Class = "30 天内到期", "badge-orange"
	case e.Level == 60:
		e.Label, e.Class = "60 天内到期", "badge-orange"
	}
	return e
}

// today is the current day in Asia/Shanghai.
func (u *ui) today() registry.Date { return registry.DateOf(u.Now()) }

// formatSize shows a file size as 356 KB or 2.4 MB.
func formatSize(n int64) string {
	switch {
	case n < 1024:
		return strconv.FormatInt(n, 10) + " 字节"
	case n < 1<<20:
		return strconv.FormatInt((n+512)/1024, 10) + " KB"
	}
	tenths := (n*10 + 1<<19) >> 20
	return strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10) + " MB"
}

// regionName shows a region code with its province, e.g. 620102（甘肃省）.
func regionName(code string) string {
	if p := registry.ProvinceName(code); p != "" {
		return code + "（" + p + "）"
	}
	return code
}

// qualTypes lists the qualification types of an agency once each, in order.
func qualTypes(quals []registry.Qualification) []string {
	var out []string
	seen := map[string]bool{}
	for _, q := range quals {
		if q.Type != "" && !seen[q.Type] {
			seen[q.Type] = true
			out = append(out, q.Type)
		}
	}
	return out
}

// catalogQualTypes lists every qualification type the catalog names.
func catalogQualTypes(items []registry.ServiceItem) []string {
	var out []string
	seen := map[string]bool{}
	for _, it := range items {
		for _, t := range it.Qualifications {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// itemGroup is the catalog's items of one stage, for grouped selects.
type itemGroup struct {
	Stage registry.Stage
	Items []registry.ServiceItem
}

// groupItems groups items (already in stage order) by stage, keeping only
// enabled ones unless all is set.
func groupItems(items []registry.ServiceItem, all bool) []itemGroup {
	var out []itemGroup
	for _, s := range registry.Stages {
		g := itemGroup{Stage: s}
		for _, it := range items {
			if it.Stage == s && (all || it.Enabled) {
				g.Items = append(g.Items, it)
			}
		}
		if len(g.Items) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// contentDisposition names a download for every browser: an ASCII
// fallback and the UTF-8 name (RFC 6266 / RFC 5987).
func contentDisposition(kind, name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, name)
	return kind + `; filename="` + ascii + `"; filename*=UTF-8''` + pathEscape(name)
}

// pathEscape percent-encodes everything but RFC 5987 attr-chars.
func pathEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("!#$&+-.^_`|~", ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

// stamp is a compact local date for file names, e.g. 20261126.
func stamp(t time.Time) string { return t.In(shanghai).Format("20060102") }

// registryActionLabels name the registry's audit actions of these pages.
var registryActionLabels = map[string]string{
	"agency.save": "保存入驻资料", "agency.commit": "签署承诺书", "agency.submit": "提交入驻申请",
	"agency.withdraw": "退出平台", "agency.review": "审核入驻申请", "agency.change_review": "审核信息变更",
	"agency.suspend": "暂停机构", "agency.restore": "恢复机构",
	"catalog.create": "新增服务事项", "catalog.update": "修改服务事项", "catalog.enable": "启用服务事项",
	"catalog.disable": "停用服务事项", "catalog.import": "导入服务事项", "org.update": "修改单位信息",
}

// actionLabel is the Chinese name of an audit action.
func actionLabel(action string) string {
	if l, ok := registryActionLabels[action]; ok {
		return l
	}
	if l, ok := supervisionActionLabels[action]; ok {
		return l
	}
	return audit.ActionLabel(action)
}
