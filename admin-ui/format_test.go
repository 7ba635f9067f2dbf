package adminui

import (
	"math"
	"testing"
	"time"
)

func TestFormatYuan(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{0, "¥0.00"},
		{1, "¥0.01"},
		{99, "¥0.99"},
		{100, "¥1.00"},
		{123456700, "¥1,234,567.00"},
		{123456789, "¥1,234,567.89"},
		{100000, "¥1,000.00"},
		{99999, "¥999.99"},
		{-250, "-¥2.50"},
		{math.MaxInt64, "¥92,233,720,368,547,758.07"},
		{math.MinInt64, "-¥92,233,720,368,547,758.08"},
	}
	for _, tt := range tests {
		if got := formatYuan(tt.fen); got != tt.want {
			t.Errorf("formatYuan(%d) = %q, want %q", tt.fen, got, tt.want)
		}
	}
}

func TestFormatWan(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{0, "0.00 万元"},
		{1000000, "1.00 万元"},        // ¥10,000.00
		{1234567890, "1,234.57 万元"}, // ¥12,345,678.90
		{10000000, "10.00 万元"},      // the direct-selection threshold, ¥100,000.00
		{4999, "0.00 万元"},           // below half a hundredth
		{5000, "0.01 万元"},           // half rounds away from zero
		{-5000, "-0.01 万元"},
		{-4999, "0.00 万元"},      // no "-0.00"
		{99995000, "100.00 万元"}, // rounding carries into the integer part
		{123456789012345, "123,456,789.01 万元"},
	}
	for _, tt := range tests {
		if got := formatWan(tt.fen); got != tt.want {
			t.Errorf("formatWan(%d) = %q, want %q", tt.fen, got, tt.want)
		}
	}
}

func TestFormatDateTime(t *testing.T) {
	tests := []struct {
		in       time.Time
		dateTime string
		date     string
	}{
		{time.Time{}, "—", "—"},
		{time.Date(2026, 11, 26, 6, 30, 0, 0, time.UTC), "2026-11-26 14:30", "2026-11-26"},
		// Late evening UTC is already the next day in Shanghai.
		{time.Date(2026, 12, 31, 16, 5, 59, 0, time.UTC), "2027-01-01 00:05", "2027-01-01"},
		{time.Date(2026, 11, 26, 14, 30, 0, 0, shanghai), "2026-11-26 14:30", "2026-11-26"},
	}
	for _, tt := range tests {
		if got := formatDateTime(tt.in); got != tt.dateTime {
			t.Errorf("formatDateTime(%v) = %q, want %q", tt.in, got, tt.dateTime)
		}
		if got := formatDate(tt.in); got != tt.date {
			t.Errorf("formatDate(%v) = %q, want %q", tt.in, got, tt.date)
		}
	}
}

func TestParseLocalDate(t *testing.T) {
	got, ok := parseLocalDate(" 2026-11-26 ")
	if !ok || !got.Equal(time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("parseLocalDate = %v, %v; want the start of the day in Shanghai", got, ok)
	}
	for _, bad := range []string{"", "2026/11/26", "2026-13-01", "today"} {
		if _, ok := parseLocalDate(bad); ok {
			t.Errorf("parseLocalDate(%q) accepted", bad)
		}
	}
}

func TestFormatCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1200: "-1,200"} {
		if got := formatCount(n); got != want {
			t.Errorf("formatCount(%d) = %q, want %q", n, got, want)
		}
	}
}
