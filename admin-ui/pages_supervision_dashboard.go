package adminui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// The regulators' dashboard (监管看板): KPIs of one month (Beijing time)
// and region. Agencies and projects are filtered by region; complaints and
// alerts carry no region and count platform-wide.

type dashboardPage struct {
	Form       *form // month and region, with their errors
	MonthLabel string
	Region     string
	Agencies   int // active agencies in the region
	Grades     chart
	Scores     chart
	Methods    chart
	Complaints chart
	Alerts     chart
	Savings    rate
	OnTime     rate
	Ceiling    int64 // fen: ceilings of the month's contracts
	Award      int64 // fen: their contract amounts
	Selections int
	OpenCases  int // complaints not yet decided (all time)
}

// rate is a ratio in basis points, shown as 12.34%.
type rate struct {
	Known    bool
	BP       int64
	Num, Den int64
}

func newRate(num, den int64) rate {
	if den <= 0 {
		return rate{}
	}
	return rate{Known: true, BP: num * 10000 / den, Num: num, Den: den}
}

// Text is the rate as a percentage with two decimals.
func (r rate) Text() string {
	if !r.Known {
		return "—"
	}
	bp, sign := r.BP, ""
	if bp < 0 {
		bp, sign = -bp, "-"
	}
	return sign + strconv.FormatInt(bp/100, 10) + "." + twoDigits(uint64(bp%100)) + "%"
}

func (u *ui) dashboard(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := newForm()
	f.Values["month"], f.Values["region"] = strings.TrimSpace(c.Query("month")), strings.TrimSpace(c.Query("region"))
	now := u.Now().In(shanghai)
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, shanghai)
	if m := f.Get("month"); m != "" {
		if t, err := time.ParseInLocation("2006-01", m, shanghai); err == nil {
			from = t
		} else {
			f.Errors["month"] = "月份格式应为 YYYY-MM，如 2026-11"
		}
	}
	if f.Errors["month"] == "" {
		f.Values["month"] = from.Format("2006-01") // the month shown, for the month picker
	}
	region := f.Get("region")
	if strings.Trim(region, "0123456789") != "" || len(region) > 6 {
		f.Errors["region"], region = "请填写行政区划代码或其开头，如 6201", ""
	}
	to := from.AddDate(0, 1, 0)
	inMonth := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	p := dashboardPage{Form: f, MonthLabel: from.Format("2006 年 1 月"), Region: region}

	var ids []string
	for id, a := range u.agencyIndex(region) {
		if a.Status == registry.StatusActive {
			ids = append(ids, id)
		}
	}
	p.Grades, p.Agencies = u.gradeChart(ids)
	p.Scores = u.scoreChart(ids)

	prefix := strings.TrimRight(region, "0")
	methods := map[hall.Method]int{}
	var onTime, accepted int64
	for _, pr := range u.Hall.All() {
		if !strings.HasPrefix(pr.Region, prefix) {
			continue
		}
		for _, st := range pr.Timeline {
			if (st.Kind == hall.EventOpened || st.Kind == hall.EventSelected) && inMonth(st.At) {
				methods[pr.Method]++
				p.Selections++
				break
			}
		}
		if pr.Contract == nil {
			continue
		}
		if inMonth(pr.Contract.SignedOn) {
			p.Ceiling, p.Award = p.Ceiling+pr.CeilingFen, p.Award+pr.Contract.AmountFen
		}
		for _, d := range pr.Deliveries {
			if d.Decision == "accepted" && inMonth(d.DecidedAt) {
				accepted++
				if !d.At.After(pr.Contract.DueAt) {
					onTime++
				}
			}
		}
	}
	p.Savings, p.OnTime = newRate(p.Ceiling-p.Award, p.Ceiling), newRate(onTime, accepted)
	var labels []string
	var counts []int
	for _, m := range hall.Methods {
		labels, counts = append(labels, m.Label()), append(counts, methods[m])
	}
	p.Methods = countChart("methods", "bar", "本月选取项目（按选取方式）", "个", "选取方式", labels, counts)

	p.Complaints, p.OpenCases = u.complaintChart(actor(c), inMonth)
	_, yellow := u.Scoring.AlertList(true, scoring.Yellow, 1, 1)
	_, red := u.Scoring.AlertList(true, scoring.Red, 1, 1)
	p.Alerts = countChart("alerts", "pie", "未关闭的电子监察预警", "条", "预警", []string{"黄牌", "红牌"}, []int{yellow, red}, withColors(alertColors...))
	u.render(c, http.StatusOK, "sup_dashboard", view{Title: "监管看板", Section: "dashboard", Data: p})
}

// scoreChart is the distribution of the agencies' current scores.
func (u *ui) scoreChart(ids []string) chart {
	labels := []string{"60 分以下", "60–74.9 分", "75–89.9 分", "90–99.9 分", "100 分及以上", "尚未评分"}
	counts := make([]int, len(labels))
	for _, id := range ids {
		pt, ok := u.Scoring.Current(id)
		switch {
		case !ok:
			counts[5]++
		case pt.Score < 600:
			counts[0]++
		case pt.Score < 750:
			counts[1]++
		case pt.Score < 900:
			counts[2]++
		case pt.Score < 1000:
			counts[3]++
		default:
			counts[4]++
		}
	}
	return countChart("scores", "bar", "信用评分分布", "家", "分数段", labels, counts,
		withColors("#b42318", "#c26a00", "#1b4f93", "#1a7f37", "#1a7f37", "#8a919c"))
}

// complaintChart counts the month's complaints by state, and the open
// complaints of all time.
func (u *ui) complaintChart(who registry.Actor, inMonth func(time.Time) bool) (chart, int) {
	states := map[scoring.ComplaintState]int{}
	open := 0
	for page := 1; ; page++ {
		rows, total := u.Scoring.Complaints(who, scoring.ComplaintQuery{Page: page, PageSize: 100})
		for _, x := range rows {
			if x.State.Open() {
				open++
			}
			if inMonth(x.SubmittedAt) {
				states[x.State]++
			}
		}
		if len(rows) == 0 || page*100 >= total {
			break
		}
	}
	order := []scoring.ComplaintState{scoring.ComplaintSubmitted, scoring.ComplaintAccepted, scoring.ComplaintInvestigating,
		scoring.ComplaintSubstantiated, scoring.ComplaintUnsubstantiated, scoring.ComplaintRejected, scoring.ComplaintWithdrawn}
	var labels []string
	var counts []int
	for _, s := range order {
		labels, counts = append(labels, s.Label()), append(counts, states[s])
	}
	return countChart("complaints", "bar", "本月收到的投诉（按当前状态）", "件", "状态", labels, counts), open
}
