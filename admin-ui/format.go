package adminui

import (
	"strconv"
	"strings"
	"time"
)

// shanghai is China Standard Time. A fixed UTC+8 zone rather than
// time.LoadLocation: the static binary in Docker may have no tzdata, and
// China has not used daylight saving time since 1991, so the two agree on
// every date the platform shows.
var shanghai = time.FixedZone("CST", 8*3600)

// Date and time layouts shown to users (UI.md: 2026-11-26 14:30).
const (
	layoutDateTime = "2006-01-02 15:04"
	layoutDate     = "2006-01-02"
)

// formatDateTime shows a stored UTC time in Asia/Shanghai; a zero time
// (never happened) shows as a dash rather than 0001-01-01.
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(shanghai).Format(layoutDateTime)
}

// formatDate is formatDateTime without the clock.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(shanghai).Format(layoutDate)
}

// isoDateTime is the machine-readable value of a <time datetime> attribute.
func isoDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(shanghai).Format(time.RFC3339)
}

// parseLocalDate reads a YYYY-MM-DD form value as the start of that day in
// Asia/Shanghai; ok is false for an empty or malformed value.
func parseLocalDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(layoutDate, strings.TrimSpace(s), shanghai)
	return t, err == nil
}

// formatYuan shows an amount of fen as ¥1,234,567.00. Money is an integer
// number of fen everywhere (DESIGN.md §2), so this never touches floats.
func formatYuan(fen int64) string {
	neg, abs := splitSign(fen)
	s := "¥" + groupThousands(abs/100) + "." + twoDigits(abs%100)
	if neg {
		return "-" + s
	}
	return s
}

// formatWan shows an amount of fen in 万元 with two decimals, rounded half
// away from zero, for dense lists: 1,234,567,890 fen → 1,234.57 万元.
func formatWan(fen int64) string {
	neg, abs := splitSign(fen)
	// 1 万元 = 1,000,000 fen, so hundredths of 万元 are units of 10,000 fen.
	hundredths := abs / 10000
	if abs%10000 >= 5000 {
		hundredths++
	}
	s := groupThousands(hundredths/100) + "." + twoDigits(hundredths%100) + " 万元"
	if neg && hundredths != 0 {
		return "-" + s
	}
	return s
}

// splitSign returns the sign and magnitude; the magnitude is unsigned so
// that math.MinInt64 does not overflow.
func splitSign(v int64) (bool, uint64) {
	if v < 0 {
		return true, uint64(-(v + 1)) + 1
	}
	return false, uint64(v)
}

func twoDigits(v uint64) string {
	if v < 10 {
		return "0" + strconv.FormatUint(v, 10)
	}
	return strconv.FormatUint(v, 10)
}

// groupThousands writes 1234567 as 1,234,567.
func groupThousands(v uint64) string {
	s := strconv.FormatUint(v, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	first := len(s) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(s[:first])
	for i := first; i < len(s); i += 3 {
		b.WriteByte(',')
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// formatCount shows a count with thousands separators.
func formatCount(n int) string {
	neg, abs := splitSign(int64(n))
	if neg {
		return "-" + groupThousands(abs)
	}
	return groupThousands(abs)
}
