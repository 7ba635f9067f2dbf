package adminui

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/hall"
)

// badge is a status badge: the colour class only supports the text.
type badge struct{ Label, Class string }

// soonWindow is how close a sign-up deadline must be to show 即将截止.
const soonWindow = 24 * time.Hour

// projectBadge is the status a project shows in lists and on its page
// (UI.md): 报名中 blue, 即将截止 orange, 选取中 purple, 公示中 cyan,
// 服务中 green, 已超期 red, 流标/已终止 grey.
func (u *ui) projectBadge(p hall.Project) badge {
	now := u.Hall.Now()
	switch p.State {
	case hall.StateOpen:
		switch left := p.SignupDeadline.Sub(now); {
		case left <= 0:
			return badge{"待开启", "badge-purple"}
		case left < soonWindow:
			return badge{"即将截止", "badge-orange"}
		}
		return badge{"报名中", "badge-blue"}
	case hall.StateOpening:
		return badge{"选取中", "badge-purple"}
	case hall.StatePublicity, hall.StateObjection:
		return badge{p.State.Label(), "badge-cyan"}
	case hall.StateInService:
		if overdue(p, now) {
			return badge{"已超期", "badge-red"}
		}
		return badge{"服务中", "badge-green"}
	case hall.StateContracting, hall.StateDelivered, hall.StateAccepted, hall.StateEvaluated:
		return badge{p.State.Label(), "badge-green"}
	}
	return badge{p.State.Label(), "badge-grey"} // draft, review, failed, cancelled
}

// overdue reports whether a project in service has passed its due date
// with the service clock running (a pause moves the due date on resume).
func overdue(p hall.Project, now time.Time) bool {
	return p.State == hall.StateInService && p.Contract != nil && !isPaused(p) && now.After(p.Contract.DueAt)
}

func isPaused(p hall.Project) bool {
	return len(p.Pauses) > 0 && p.Pauses[len(p.Pauses)-1].To.IsZero()
}

// deadline is a deadline shown with its absolute time and a countdown;
// static/countdown.js keeps the countdown live against the server clock.
type deadline struct {
	Label  string
	At     time.Time
	Now    time.Time // the server clock when the page was made
	Left   string    // the countdown as rendered by the server
	Passed bool
}

func (u *ui) countdown(at time.Time, label string) deadline {
	now := u.Hall.Now()
	d := deadline{Label: label, At: at, Now: now}
	if at.IsZero() {
		return d
	}
	d.Passed = !now.Before(at)
	d.Left = remaining(at.Sub(now))
	return d
}

// deadlineOf is a project's next deadline (sign-up, publicity, service).
func (u *ui) deadlineOf(p hall.Project) deadline {
	at, label := p.Deadline()
	if p.State == hall.StateOpen && !u.Hall.Now().Before(p.SignupDeadline) {
		at, label = p.OpeningTime, "开启时间"
	}
	return u.countdown(at, label)
}

// remaining writes a duration as the countdown does: 剩余 3 天 4 小时.
func remaining(d time.Duration) string {
	if d <= 0 {
		return "已截止"
	}
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	mins, secs := int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case days > 0:
		return "剩余 " + strconv.Itoa(days) + " 天 " + strconv.Itoa(hours) + " 小时"
	case hours > 0:
		return "剩余 " + strconv.Itoa(hours) + " 小时 " + strconv.Itoa(mins) + " 分"
	}
	return "剩余 " + strconv.Itoa(mins) + " 分 " + strconv.Itoa(secs) + " 秒"
}

// formatDeadline shows an instant; one that falls exactly at midnight in
// Shanghai is the end of the day before (working-day deadlines end then),
// so it reads 2026-12-02 24:00 rather than 2026-12-03 00:00.
func formatDeadline(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	l := t.In(shanghai)
	if l.Hour() == 0 && l.Minute() == 0 && l.Second() == 0 {
		return l.Add(-time.Minute).Format(layoutDate) + " 24:00"
	}
	return l.Format(layoutDateTime)
}

// formatPoints shows a score in ten-thousandths of a point: 85.1234.
func formatPoints(v int64) string {
	neg, abs := splitSign(v)
	s := strconv.FormatUint(abs/10000, 10) + "." + pad4(abs%10000)
	if neg {
		return "-" + s
	}
	return s
}

func pad4(v uint64) string {
	s := strconv.FormatUint(v, 10)
	return strings.Repeat("0", 4-len(s)) + s
}

// formatBP shows basis points as a percentage: 9600 → 96%, 9650 → 96.5%.
func formatBP(bp int) string {
	s := strconv.Itoa(bp/100) + "." + twoDigits(uint64(bp%100))
	return strings.TrimSuffix(strings.TrimSuffix(s, "0"), ".0") + "%"
}

// stars draws a 1–5 star rating; the number is in the text as well.
func stars(n int) template.HTML {
	n = min(max(n, 0), 5)
	return template.HTML(`<span class="stars" aria-hidden="true">` + strings.Repeat("★", n) + strings.Repeat("☆", 5-n) +
		`</span> <span class="num">` + strconv.Itoa(n) + ` 星</span>`)
}

// quoteRange says which quotes a project accepts.
func quoteRange(p hall.Project) string {
	if p.FloorFen > 0 {
		return "在 " + formatYuan(p.FloorFen) + " 与 " + formatYuan(p.CeilingFen) + " 之间"
	}
	return "大于 0 且不高于 " + formatYuan(p.CeilingFen)
}

// drawPurpose names what a draw decided.
func drawPurpose(p string) string {
	switch p {
	case "winner":
		return "抽取中选机构"
	case "tie-break":
		return "同价（同分）排序抽签"
	case "coefficient":
		return "抽取合理价系数"
	case "redraw":
		return "重新抽取中选机构"
	}
	return p
}

// hallFuncs are the template functions of the hall pages.
func (u *ui) hallFuncs() template.FuncMap {
	return template.FuncMap{
		"projectBadge": u.projectBadge,
		"deadlineOf":   u.deadlineOf,
		"countdown":    u.countdown,
		"deadlineTime": formatDeadline,
		"eventLabel":   hall.EventLabel,
		"points":       formatPoints,
		"percentBP":    formatBP,
		"stars":        stars,
		"drawPurpose":  drawPurpose,
		"quoteRange":   quoteRange,
		"evaluationDims": func() []struct{ Name, Label string } {
			return evaluationFields
		},
	}
}
