package hall

import (
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/registry"
)

func d(s string) registry.Date {
	v, err := registry.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestWorkdays2026(t *testing.T) {
	c := NewCalendar()
	tests := []struct {
		day  string
		work bool
	}{
		{"2026-01-01", false}, // 元旦
		{"2026-01-04", true},  // Sunday, adjusted working day
		{"2026-02-14", true},  // Saturday before 春节, working
		{"2026-02-16", false}, // 春节 (Monday)
		{"2026-10-08", true},  // Thursday after 国庆 (holiday runs to 10-07)
		{"2026-10-10", true},  // Saturday, adjusted working day
		{"2026-11-26", true},  // an ordinary Thursday
		{"2026-11-28", false}, // an ordinary Saturday
		{"2027-01-02", false}, // unknown year: weekends only (Saturday)
		{"2027-01-01", true},  // unknown year: a Friday counts as working until 2027 is imported
	}
	for _, tt := range tests {
		if got := c.IsWorkday(d(tt.day)); got != tt.work {
			t.Errorf("%s: workday=%v, want %v", tt.day, got, tt.work)
		}
	}
	if !c.Known(2026) || c.Known(2027) {
		t.Fatal("2026 is built in, 2027 is not yet published")
	}
	if m := c.MissingYears(2026, 2027); len(m) != 1 || m[0] != 2027 {
		t.Fatalf("missing %v", m)
	}
}

func TestAddWorkdays(t *testing.T) {
	c := NewCalendar()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-26", 3, "2026-12-01"}, // Thu → Fri, Mon, Tue
		{"2026-09-30", 1, "2026-10-08"}, // over 国庆: 10-01..07 off
		{"2026-09-30", 2, "2026-10-09"},
		{"2026-09-30", 3, "2026-10-10"}, // adjusted Saturday counts
		{"2026-02-13", 1, "2026-02-14"}, // adjusted Saturday before 春节
		{"2026-02-14", 1, "2026-02-24"},
	}
	for _, tt := range tests {
		if got := c.AddWorkdays(d(tt.from), tt.n); got != d(tt.want) {
			t.Errorf("%s + %d working days = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
	if n := c.WorkdaysBetween(d("2026-09-30"), d("2026-10-10")); n != 3 {
		t.Errorf("working days after 09-30 up to 10-10: %d, want 3", n)
	}
	end := c.EndOfWorkday(time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC), 2)
	if want := time.Date(2026, 12, 1, 0, 0, 0, 0, registry.Shanghai); !end.Equal(want) {
		t.Errorf("end of 2 working days from Thursday: %s, want %s", end, want)
	}
}

func TestValidateYear(t *testing.T) {
	good := Year{Year: 2027, Holidays: []Holiday{{Name: "元旦", From: d("2027-01-01"), To: d("2027-01-03")}}, Workdays: []registry.Date{d("2027-01-04")}}
	if err := ValidateYear(good); err != nil {
		t.Fatal(err)
	}
	bad := []Year{
		{Year: 2027, Holidays: []Holiday{{Name: "", From: d("2027-01-01"), To: d("2027-01-01")}}},
		{Year: 2027, Holidays: []Holiday{{Name: "春节", From: d("2027-02-10"), To: d("2027-02-05")}}},
		{Year: 2027, Holidays: []Holiday{{Name: "元旦", From: d("2026-12-31"), To: d("2027-01-01")}}},
		{Year: 2027, Holidays: []Holiday{{Name: "元旦", From: d("2027-01-01"), To: d("2027-01-01")}}, Workdays: []registry.Date{d("2027-01-01")}},
	}
	for i, y := range bad {
		if ValidateYear(y) == nil {
			t.Errorf("case %d should be refused", i)
		}
	}
	c := NewCalendar()
	c.Set(good)
	if c.IsWorkday(d("2027-01-01")) || !c.IsWorkday(d("2027-01-04")) || !c.Known(2027) {
		t.Fatal("an imported year applies at once")
	}
}
