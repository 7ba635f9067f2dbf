package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// The regulators' dashboard: KPIs of one month (Beijing time) and region.
// Agencies and projects are filtered by region; complaints and alerts are
// platform-wide (they carry no region).

// monthRange reads YYYY-MM (the current month when empty) as [from, to).
func monthRange(s string, now time.Time) (string, time.Time, time.Time, error) {
	if s == "" {
		s = now.In(registry.Shanghai).Format("2006-01")
	}
	from, err := time.ParseInLocation("2006-01", s, registry.Shanghai)
	if err != nil {
		return "", time.Time{}, time.Time{}, apperr.Invalid().Field("month", "月份格式应为 YYYY-MM，如 2026-11")
	}
	return s, from, from.AddDate(0, 1, 0), nil
}

func (h *handlers) dashboard(c *gin.Context) {
	var in dashboardQuery
	if !bindQueryOK(c, &in) {
		return
	}
	month, from, to, err := monthRange(in.Month, h.Scoring.Now())
	if err != nil {
		web.Fail(c, err)
		return
	}
	region := strings.TrimRight(strings.TrimSpace(in.Region), "0")
	inMonth := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	d := dashboardDTO{Month: month, Region: in.Region}

	grades := map[string]int{}
	for _, id := range h.activeAgencies(in.Region) {
		grades[h.Scoring.Grade(id)]++
	}
	for _, g := range []string{"A", "B", "C", "D", ""} {
		d.AgenciesByGrade = append(d.AgenciesByGrade, countDTO{Key: g, Label: gradeLabels[g], Count: grades[g]})
	}

	methods := map[hall.Method]int{}
	var ceiling, award, onTime, accepted int64
	var projects []*hall.Project
	if h.Hall != nil {
		projects = h.Hall.All()
	}
	for _, p := range projects {
		if !strings.HasPrefix(p.Region, region) {
			continue
		}
		for _, st := range p.Timeline {
			if (st.Kind == hall.EventOpened || st.Kind == hall.EventSelected) && inMonth(st.At) {
				methods[p.Method]++
				break
			}
		}
		if p.Contract == nil {
			continue
		}
		if inMonth(p.Contract.SignedOn) {
			ceiling, award = ceiling+p.CeilingFen, award+p.Contract.AmountFen
		}
		for _, dl := range p.Deliveries {
			if dl.Decision == "accepted" && inMonth(dl.DecidedAt) {
				accepted++
				if !dl.At.After(p.Contract.DueAt) {
					onTime++
				}
			}
		}
	}
	for _, m := range hall.Methods {
		d.SelectionsByMethod = append(d.SelectionsByMethod, countDTO{Key: string(m), Label: m.Label(), Count: methods[m]})
	}
	perTenThousand := func(num, den int64) int64 { return num * 10000 / den }
	d.SavingsRate = newRate(ceiling-award, ceiling, perTenThousand)
	d.OnTimeRate = newRate(onTime, accepted, perTenThousand)

	who := actorOf(web.PrincipalOf(c))
	states := map[scoring.ComplaintState]int{}
	for page := 1; ; page++ {
		items, total := h.Scoring.Complaints(who, scoring.ComplaintQuery{Page: page, PageSize: 100})
		for _, x := range items {
			if x.State.Open() {
				d.OpenComplaints++
			}
			if inMonth(x.SubmittedAt) {
				states[x.State]++
			}
		}
		if len(items) == 0 || page*100 >= total {
			break
		}
	}
	for _, s := range []scoring.ComplaintState{scoring.ComplaintSubmitted, scoring.ComplaintAccepted, scoring.ComplaintInvestigating,
		scoring.ComplaintSubstantiated, scoring.ComplaintUnsubstantiated, scoring.ComplaintRejected, scoring.ComplaintWithdrawn} {
		d.ComplaintsByState = append(d.ComplaintsByState, countDTO{Key: string(s), Label: s.Label(), Count: states[s]})
	}
	for _, l := range []struct{ key, label string }{{scoring.Yellow, "黄牌"}, {scoring.Red, "红牌"}} {
		_, n := h.Scoring.AlertList(true, l.key, 1, 1)
		d.OpenAlerts = append(d.OpenAlerts, countDTO{Key: l.key, Label: l.label, Count: n})
	}
	c.JSON(http.StatusOK, d)
}

// activeAgencies lists the active agencies of a region (all when empty).
func (h *handlers) activeAgencies(region string) []string {
	var ids []string
	for page := 1; ; page++ {
		items, total := h.Registry.Directory().Search(registry.DirectoryQuery{Region: region, Page: page, PageSize: 100,
			Statuses: []registry.AgencyStatus{registry.StatusActive}, Now: h.Scoring.Now()})
		for _, e := range items {
			ids = append(ids, e.Agency.ID)
		}
		if len(items) == 0 || page*100 >= total {
			return ids
		}
	}
}
