package reports

import (
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// The figures of the monthly operations report, computed in one pass over
// each read model, in integers.

// tally counts the hall's activity of one month (in total, or of one
// method, service item or region).
type tally struct {
	Published, Selected, Failed, Contracts int
	CeilingFen, AwardFen                   int64 // of the contracts signed in the month
	Accepted, OnTime                       int   // deliveries accepted in the month
	WorkdaysSum, WorkdaysN                 int64 // publication to selection
}

func (t *tally) add(o tally) {
	t.Published += o.Published
	t.Selected += o.Selected
	t.Failed += o.Failed
	t.Contracts += o.Contracts
	t.CeilingFen += o.CeilingFen
	t.AwardFen += o.AwardFen
	t.Accepted += o.Accepted
	t.OnTime += o.OnTime
	t.WorkdaysSum += o.WorkdaysSum
	t.WorkdaysN += o.WorkdaysN
}

func (t tally) empty() bool { return t == tally{} }

// savings is 1 − awards/ceilings in basis points.
func (t tally) savings() (int64, bool) {
	if t.Contracts == 0 {
		return 0, false
	}
	return savingsBP(t.CeilingFen, t.AwardFen)
}

func (t tally) onTimeRate() (int64, bool) { return rateBP(int64(t.OnTime), int64(t.Accepted)) }

// avgWorkdays is the mean working days to select, in tenths, rounded.
func (t tally) avgWorkdays() (int64, bool) {
	if t.WorkdaysN == 0 {
		return 0, false
	}
	return (t.WorkdaysSum*10 + t.WorkdaysN/2) / t.WorkdaysN, true
}

// trendPoint is one month of the on-time trend.
type trendPoint struct {
	Month            string
	from, to         time.Time
	Accepted, OnTime int
}

// monthly is everything the monthly report shows.
type monthly struct {
	Month, Region   string
	from, to        time.Time
	Total           tally
	ByMethod        map[hall.Method]*tally
	ByItem          map[string]*tally
	ItemNames       map[string][2]string // code → name, stage
	ByRegion        map[string]*tally
	Trend           []trendPoint // 12 months ending with Month
	Admitted        int
	Received        int // complaints received
	Decided         int // complaints decided
	Sanctions       int
	SanctionsByKind map[scoring.SanctionKind]int
	Grades          map[string]int // current grades of the region's active agencies; "" unscored
}

func within(t, from, to time.Time) bool { return !t.IsZero() && !t.Before(from) && t.Before(to) }

func (s *Service) monthly(month, region string) (*monthly, error) {
	from, to, err := MonthRange(month)
	if err != nil {
		return nil, err
	}
	m := &monthly{Month: month, Region: region, from: from, to: to, ByMethod: map[hall.Method]*tally{}, ByItem: map[string]*tally{},
		ItemNames: map[string][2]string{}, ByRegion: map[string]*tally{}, SanctionsByKind: map[scoring.SanctionKind]int{},
		Grades: map[string]int{}}
	for i := 11; i >= 0; i-- {
		f := from.AddDate(0, -i, 0)
		m.Trend = append(m.Trend, trendPoint{Month: f.Format("2006-01"), from: f, to: f.AddDate(0, 1, 0)})
	}
	cal := s.Hall.Calendar
	trendFrom := m.Trend[0].from
	s.Hall.Each(func(p *hall.Project) {
		if region != "" && !inRegion(p.Region, region) {
			return
		}
		var t tally
		if within(p.PublishedAt, from, to) {
			t.Published++
		}
		if sel, ok := firstStep(p, hall.EventSelected); ok && within(sel, from, to) {
			t.Selected++
			if !p.PublishedAt.IsZero() {
				t.WorkdaysSum += int64(cal.WorkdaysBetween(registry.DateOf(p.PublishedAt), registry.DateOf(sel)))
				t.WorkdaysN++
			}
		}
		if at, ok := firstStep(p, hall.EventFailed); ok && within(at, from, to) {
			t.Failed++
		}
		if c := p.Contract; c != nil && within(c.SignedOn, from, to) {
			t.Contracts++
			t.CeilingFen += p.CeilingFen
			t.AwardFen += c.AmountFen
		}
		if d, ok := acceptedDelivery(p); ok && p.Contract != nil && within(d.DecidedAt, trendFrom, to) {
			onTime := !d.At.After(p.Contract.DueAt)
			for i := range m.Trend {
				if within(d.DecidedAt, m.Trend[i].from, m.Trend[i].to) {
					m.Trend[i].Accepted++
					if onTime {
						m.Trend[i].OnTime++
					}
				}
			}
			if within(d.DecidedAt, from, to) {
				t.Accepted++
				if onTime {
					t.OnTime++
				}
			}
		}
		if t.empty() {
			return
		}
		m.Total.add(t)
		for _, x := range []struct {
			m   map[string]*tally
			key string
		}{{m.ByItem, p.ItemCode}, {m.ByRegion, p.Region}} {
			if x.m[x.key] == nil {
				x.m[x.key] = &tally{}
			}
			x.m[x.key].add(t)
		}
		if m.ByMethod[p.Method] == nil {
			m.ByMethod[p.Method] = &tally{}
		}
		m.ByMethod[p.Method].add(t)
		m.ItemNames[p.ItemCode] = [2]string{p.ItemName, p.Stage}
	})

	regions := map[string]string{} // agency → region, for complaints and sanctions
	for _, a := range s.agencies("") {
		regions[a.ID] = a.Profile.Region
		if region != "" && !inRegion(a.Profile.Region, region) {
			continue
		}
		if within(a.AdmittedAt, from, to) {
			m.Admitted++
		}
		if a.Status == registry.StatusActive {
			m.Grades[s.Scoring.Grade(a.ID)]++
		}
	}
	inScope := func(agency, project string) bool {
		if region == "" {
			return true
		}
		if p, ok := s.Hall.Peek(project); project != "" && ok {
			return inRegion(p.Region, region)
		}
		r, ok := regions[agency]
		return ok && inRegion(r, region)
	}
	_ = eachPage(func(page int) ([]scoring.Complaint, int) {
		return s.Scoring.Complaints(supervisor, scoring.ComplaintQuery{Page: page, PageSize: 100})
	}, func(c scoring.Complaint) error {
		if !inScope(c.TargetID, c.ProjectID) {
			return nil
		}
		if within(c.SubmittedAt, from, to) {
			m.Received++
		}
		if within(c.DecidedAt, from, to) {
			m.Decided++
		}
		return nil
	})
	_ = eachPage(func(page int) ([]scoring.Sanction, int) { return s.Scoring.Sanctions("", false, page, 100) },
		func(x scoring.Sanction) error {
			if inScope(x.AgencyID, "") && within(x.IssuedAt, from, to) {
				m.Sanctions++
				m.SanctionsByKind[x.Kind]++
			}
			return nil
		})
	return m, nil
}
