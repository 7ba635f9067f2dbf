package hall

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/agencyhall/agencyhall/registry"
)

// holidays-cn.json holds the State Council's holiday notices for 2025 and
// 2026 (sources inside the file). The 2027 notice was not published when
// it was made; later years are imported by an admin.
//
//go:embed holidays-cn.json
var builtinHolidays []byte

// Year is one year's official arrangement: days off, and weekend days that
// are working days (调休上班).
type Year struct {
	Year     int
	Holidays []Holiday
	Workdays []registry.Date
	Source   string
}

// Holiday is a named run of days off.
type Holiday struct {
	Name     string
	From, To registry.Date
}

// Calendar answers working-day questions. For a year it does not know it
// counts weekends only and reports the year as missing, so an alert can ask
// an admin to import it.
type Calendar struct {
	mu    sync.RWMutex
	years map[int]Year
	off   map[registry.Date]string // holiday name
	on    map[registry.Date]bool   // adjusted working weekend days
}

// NewCalendar builds a calendar with the built-in years.
func NewCalendar() *Calendar {
	c := &Calendar{years: map[int]Year{}, off: map[registry.Date]string{}, on: map[registry.Date]bool{}}
	years, err := parseHolidayJSON(builtinHolidays)
	if err != nil {
		panic("hall: built-in holiday calendar: " + err.Error())
	}
	for _, y := range years {
		c.Set(y)
	}
	return c
}

func parseHolidayJSON(b []byte) ([]Year, error) {
	var raw struct {
		Source map[string]string `json:"source"`
		Years  map[string]struct {
			Holidays []struct{ Name, From, To string } `json:"holidays"`
			Workdays []string                          `json:"workdays"`
		} `json:"years"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	var out []Year
	for ys, y := range raw.Years {
		var year Year
		if _, err := fmt.Sscan(ys, &year.Year); err != nil {
			return nil, fmt.Errorf("year %q: %w", ys, err)
		}
		year.Source = raw.Source[ys]
		for _, h := range y.Holidays {
			from, err1 := registry.ParseDate(h.From)
			to, err2 := registry.ParseDate(h.To)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("holiday %s of %s: bad date", h.Name, ys)
			}
			year.Holidays = append(year.Holidays, Holiday{Name: h.Name, From: from, To: to})
		}
		for _, w := range y.Workdays {
			d, err := registry.ParseDate(w)
			if err != nil {
				return nil, fmt.Errorf("workday %s: %w", w, err)
			}
			year.Workdays = append(year.Workdays, d)
		}
		out = append(out, year)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out, nil
}

// Set installs (or replaces) one year's arrangement.
func (c *Calendar) Set(y Year) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.years[y.Year]; ok {
		for _, h := range old.Holidays {
			for d := h.From; !h.To.Before(d); d = next(d) {
				delete(c.off, d)
			}
		}
		for _, d := range old.Workdays {
			delete(c.on, d)
		}
	}
	c.years[y.Year] = y
	for _, h := range y.Holidays {
		for d := h.From; !h.To.Before(d); d = next(d) {
			c.off[d] = h.Name
		}
	}
	for _, d := range y.Workdays {
		c.on[d] = true
	}
}

// Known reports whether the year's official arrangement is loaded.
func (c *Calendar) Known(year int) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.years[year]
	return ok
}

// Years lists the loaded years.
func (c *Calendar) Years() []Year {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]Year, 0, len(c.years))
	for _, y := range c.years {
		out = append(out, y)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out
}

func next(d registry.Date) registry.Date {
	return registry.DateOf(d.Start().AddDate(0, 0, 1).Add(12 * time.Hour))
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d registry.Date) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.on[d] {
		return true
	}
	if _, ok := c.off[d]; ok {
		return false
	}
	wd := d.Start().Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays returns the n-th working day after d (n ≥ 1), counting from
// the day after d whatever d is.
func (c *Calendar) AddWorkdays(d registry.Date, n int) registry.Date {
	for n > 0 {
		d = next(d)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween counts working days after from up to and including to.
func (c *Calendar) WorkdaysBetween(from, to registry.Date) int {
	n := 0
	for d := next(from); !to.Before(d); d = next(d) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// EndOfWorkday is the end (24:00 Shanghai time) of the n-th working day
// after the day of t: the instant an SLA of n working days runs out.
func (c *Calendar) EndOfWorkday(t time.Time, n int) time.Time {
	return next(c.AddWorkdays(registry.DateOf(t), n)).Start()
}

// MissingYears lists the years between from and to (inclusive) with no
// official arrangement loaded.
func (c *Calendar) MissingYears(from, to int) []int {
	var out []int
	for y := from; y <= to; y++ {
		if !c.Known(y) {
			out = append(out, y)
		}
	}
	return out
}
