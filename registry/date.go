package registry

import (
	"fmt"
	"time"
)

// Shanghai is the zone in which dates are read and shown.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600) // China has no daylight saving time
	}
	return loc
}()

// Date is a calendar day in Asia/Shanghai, as printed on a certificate.
type Date struct {
	Y int
	M time.Month
	D int
}

// ParseDate reads 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.ParseInLocation("2006-01-02", s, Shanghai)
	if err != nil {
		return Date{}, fmt.Errorf("日期格式应为 YYYY-MM-DD：%w", err)
	}
	if t.Year() < 1 { // year 0 is the zero Date, which means "not set"
		return Date{}, fmt.Errorf("日期 %s 的年份无效", s)
	}
	return DateOf(t), nil
}

// DateOf is the Shanghai calendar day of an instant.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Shanghai).Date()
	return Date{y, m, d}
}

// IsZero reports an unset date.
func (d Date) IsZero() bool { return d.Y == 0 }

// Start is the first instant of the day in Shanghai.
func (d Date) Start() time.Time { return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, Shanghai) }

// String formats as 2006-01-02.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D)
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.ordinal() < e.ordinal() }

// ordinal orders dates without building times; hot in directory queries.
func (d Date) ordinal() int { return d.Y*10000 + int(d.M)*100 + d.D }

// DaysUntil counts whole days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int {
	// Noon avoids any off-by-one from zone transitions (none in China, but cheap).
	a := time.Date(d.Y, d.M, d.D, 12, 0, 0, 0, time.UTC)
	b := time.Date(e.Y, e.M, e.D, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}
