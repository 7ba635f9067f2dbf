package excel

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/hall"
)

// FuzzReadHolidays writes fuzzed rows (cells split by tabs, rows by line
// breaks) under the holiday template's header and imports them. Rows come
// back in order; errors name their column in Chinese; a year is imported
// only when none of its rows has an error (and none at all when a bad row
// has no year); every imported year passes hall.ValidateYear with runs of
// days off in order, inside the year, at most 31 days long, not
// overlapping, and working days on distinct weekend days outside them; and
// the imported years survive an export and a second import unchanged.
func FuzzReadHolidays(f *testing.F) {
	join := func(rows [][]any) string {
		var lines []string
		for _, r := range rows {
			var cells []string
			for _, c := range r {
				cells = append(cells, fmt.Sprint(c))
			}
			lines = append(lines, strings.Join(cells, "\t"))
		}
		return strings.Join(lines, "\n")
	}
	f.Add(join(year2027Rows()))
	f.Add(join([][]any{{"２０２７年", "假日", "元旦", "2027年1月1日", "2027/1/3", "国办发明电〔2026〕1号"}, {"2027.0", "补班", "", "46403", "", ""}}))
	f.Add(join([][]any{{2027, "放假", "春节", "2027-02-14", "2027-02-06", ""}, {2027, "放假", "国庆", "2027-10-01", "2027-11-07", ""},
		{2026, "放假", "元旦", "2027-01-01", "", ""}, {"", "调休上班", "", "2027-02-20", "2027-02-21", ""}}))
	f.Add(join([][]any{{2027, "放假", "元旦", "2027-01-01", "2027-01-03", ""}, {2027, "放假", "元旦补", "2027-01-03", "", ""},
		{2027, "调休上班", "", "2027-01-02", "", ""}, {2027, "调休上班", "", "2027-01-04", "", ""}, {2028, "调休上班", "", "2028-01-08", "", ""}}))
	f.Add(join([][]any{{2027, "放假", "元旦", "2027-02-30", "", ""}, {1999, "放假", "元旦", "1999-01-01", "", ""}, {"abc", "休息", "", "x", "", ""}}))
	f.Fuzz(func(t *testing.T, text string) {
		book, ok := workbookOf(HolidayHeaders(), fuzzRows(text, 24))
		if !ok {
			t.Skip("cells no workbook can hold")
		}
		rows, err := ReadHolidays(bytes.NewReader(book))
		if err != nil {
			wantInvalid(t, "ReadHolidays", err)
			return
		}
		bad := map[int]bool{}
		last := 0
		for _, r := range rows {
			if r.Line <= last || r.Line < 2 {
				t.Fatalf("line %d after line %d", r.Line, last)
			}
			last = r.Line
			for _, m := range r.Errors {
				if !cellMessage(m) {
					t.Fatalf("line %d: error %q does not name its column in Chinese", r.Line, m)
				}
			}
			if r.Held && !r.OK() {
				t.Fatalf("line %d: held with errors", r.Line)
			}
			if !r.OK() {
				bad[r.Year] = true
			}
		}
		years := HolidayYears(rows)
		for _, y := range years {
			if bad[y.Year] || bad[0] {
				t.Fatalf("year %d imported although a row of it (or of no year) has errors", y.Year)
			}
			checkYear(t, y)
		}
		if len(years) == 0 {
			return
		}
		var out bytes.Buffer
		if err := WriteHolidays(&out, years); err != nil {
			t.Fatalf("export of imported years: %v", err)
		}
		again, err := ReadHolidays(&out)
		if err != nil {
			t.Fatalf("re-import of the export: %v", err)
		}
		for _, r := range again {
			if !r.Imported() {
				t.Fatalf("re-imported line %d: %q", r.Line, r.Errors)
			}
		}
		if back := HolidayYears(again); !reflect.DeepEqual(back, years) {
			t.Fatalf("export round trip\n got %+v\nwant %+v", back, years)
		}
	})
}

func checkYear(t *testing.T, y hall.Year) {
	t.Helper()
	if err := hall.ValidateYear(y); err != nil {
		t.Fatalf("imported year %d fails ValidateYear: %v", y.Year, err)
	}
	if len(y.Holidays) == 0 {
		t.Fatalf("year %d imported without days off", y.Year)
	}
	for i, h := range y.Holidays {
		if n := utf8.RuneCountInString(h.Name); n == 0 || n > 50 || h.Name != strings.TrimSpace(h.Name) {
			t.Fatalf("year %d: holiday name %q", y.Year, h.Name)
		}
		if h.From.Y != y.Year || h.To.Y != y.Year || h.To.Before(h.From) || h.From.DaysUntil(h.To) >= maxHolidaySpan {
			t.Fatalf("year %d: days off %v to %v", y.Year, h.From, h.To)
		}
		if i > 0 && !y.Holidays[i-1].To.Before(h.From) {
			t.Fatalf("year %d: days off overlap or are out of order: %+v", y.Year, y.Holidays)
		}
	}
	for i, d := range y.Workdays {
		if wd := d.Start().Weekday(); wd != time.Saturday && wd != time.Sunday || d.Y != y.Year {
			t.Fatalf("year %d: working day %v is a %v", y.Year, d, wd)
		}
		if i > 0 && !y.Workdays[i-1].Before(d) {
			t.Fatalf("year %d: working days repeat or are out of order: %v", y.Year, y.Workdays)
		}
		for _, h := range y.Holidays {
			if !d.Before(h.From) && !h.To.Before(d) {
				t.Fatalf("year %d: working day %v inside %+v", y.Year, d, h)
			}
		}
	}
}
