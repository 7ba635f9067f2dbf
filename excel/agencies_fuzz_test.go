package excel

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/registry"
)

// FuzzReadAgencies writes fuzzed rows (cells split by tabs, rows by line
// breaks) under the migration template's header and imports them. Rows
// come back in order; errors name their column in Chinese; a row without
// errors is an agency with a valid credit code and region, texts within
// their limits, an admission date, qualifications with a type and an end
// date not before their start, and distinct service items; no two valid
// rows share a credit code or a legacy ID; and the error workbook of the
// rows with errors reads back with the same cells, as its instructions
// promise ("改正后可直接重新上传").
func FuzzReadAgencies(f *testing.F) {
	join := func(rows ...[]any) string {
		var lines []string
		for _, r := range rows {
			var cells []string
			for _, c := range r {
				cells = append(cells, strings.ReplaceAll(fmt.Sprint(c), "\n", " "))
			}
			lines = append(lines, strings.Join(cells, "\t"))
		}
		return strings.Join(lines, "\n")
	}
	f.Add(join(agencyRow(usccA, "L-1"), agencyRow(usccB, "L-2")))
	f.Add(join(agencyRow(usccA, "L-1"), agencyRow(strings.ToLower(usccA), "L-1")))
	f.Add(join(edit(agencyRow(usccA, "L-1"), acolUSCC, "９１６２０１０２ＭＡ７１００ＡＡ１"+usccA[17:]),
		edit(agencyRow(usccB, "L-2"), acolAdmittedOn, "43605"), edit(agencyRow(usccB, "L-3"), acolAdmittedOn, "1989-12-31")))
	f.Add(join(edit(agencyRow(usccA, "L-1"), acolQuals, "测绘资质/乙级/GS-CH-001/2027-02-30；//X/；a/b/c/2026-06-30至2021-01-01"),
		edit(agencyRow(usccB, "L-2"), acolItems, "A:0、A:20、B:-1、:5、C:9999999999999999999")))
	f.Add(join(edit(agencyRow(usccA, "L-1"), acolPhone, "0931 8123456转8"), edit(agencyRow(usccB, "L-2"), acolEmail, "张<a@b.cn>"),
		edit(agencyRow(testUSCC("91620102MA7100CC3"), "L-4"), acolRegion, "620102.0")))
	example := make([]any, len(agencyExample))
	for i, v := range agencyExample {
		example[i] = v
	}
	f.Add(join(example))
	f.Fuzz(func(t *testing.T, text string) {
		book, ok := workbookOf(AgencyHeaders(), fuzzRows(text, 20))
		if !ok {
			t.Skip("cells no workbook can hold")
		}
		rows, err := ReadAgencies(bytes.NewReader(book))
		if err != nil {
			wantInvalid(t, "ReadAgencies", err)
			return
		}
		usccs, legacy := map[string]int{}, map[string]int{}
		last, bad := 0, 0
		for _, r := range rows {
			if r.Line <= last || r.Line < 2 || len(r.Raw) != agencyColumnCount {
				t.Fatalf("line %d after line %d, %d cells", r.Line, last, len(r.Raw))
			}
			last = r.Line
			for _, m := range r.Errors {
				if !cellMessage(m) {
					t.Fatalf("line %d: error %q does not name its column in Chinese", r.Line, m)
				}
			}
			if !r.OK() {
				bad++
				continue
			}
			checkAgencyRow(t, r)
			in := r.Input
			if first, dup := usccs[in.Profile.USCC]; dup {
				t.Fatalf("credit code %s accepted on lines %d and %d", in.Profile.USCC, first, r.Line)
			}
			if first, dup := legacy[in.LegacyID]; dup {
				t.Fatalf("legacy ID %q accepted on lines %d and %d", in.LegacyID, first, r.Line)
			}
			usccs[in.Profile.USCC], legacy[in.LegacyID] = r.Line, r.Line
		}
		if bad == 0 {
			return
		}
		var out bytes.Buffer
		if err := WriteAgencyErrors(&out, rows); err != nil {
			t.Fatalf("error workbook: %v", err)
		}
		again, err := ReadAgencies(&out)
		if err != nil {
			t.Fatalf("the error workbook does not read back: %v", err)
		}
		var want [][]string
		for _, r := range rows {
			if !r.OK() {
				want = append(want, trimCells(r.Raw))
			}
		}
		var got [][]string
		for _, r := range again {
			got = append(got, trimCells(r.Raw))
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("the error workbook reads back other cells\n got %q\nwant %q", got, want)
		}
	})
}

func trimCells(raw []string) []string {
	out := make([]string, len(raw))
	for i, c := range raw {
		out[i] = strings.TrimSpace(cleanText(c))
	}
	return out
}

func checkAgencyRow(t *testing.T, r AgencyRow) {
	t.Helper()
	p, in := r.Input.Profile, r.Input
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("line %d accepted with "+format, append([]any{r.Line}, args...)...)
	}
	if registry.ValidateUSCC(p.USCC) != "" || registry.ValidateRegion(p.Region) != "" {
		fail("credit code %q, region %q", p.USCC, p.Region)
	}
	for _, tx := range []struct {
		v        string
		min, max int
	}{{p.Name, 1, maxAgencyName}, {p.LegalRep, 1, maxLegalRep}, {p.Contact, 0, maxContact}, {p.Phone, 0, maxPhone},
		{p.Address, 0, maxAddress}, {in.LegacyID, 1, maxLegacyID}} {
		if n := utf8.RuneCountInString(tx.v); n < tx.min || n > tx.max || tx.v != strings.TrimSpace(tx.v) {
			fail("text %q", tx.v)
		}
	}
	if in.AdmittedOn.IsZero() || in.AdmittedOn.Y < earliestAdmitted {
		fail("admission date %v", in.AdmittedOn)
	}
	if len(p.Qualifications) > maxQualsPerRow || len(in.Listings) > maxItemsPerRow {
		fail("%d qualifications and %d service items", len(p.Qualifications), len(in.Listings))
	}
	for _, q := range p.Qualifications {
		if strings.TrimSpace(q.Type) == "" || q.ValidTo.IsZero() || !q.ValidFrom.IsZero() && q.ValidTo.Before(q.ValidFrom) {
			fail("qualification %+v", q)
		}
	}
	seen := map[string]bool{}
	for _, l := range in.Listings {
		if l.ItemCode == "" || l.ItemCode != registry.NormalizeCode(l.ItemCode) || seen[l.ItemCode] || l.CommittedDays < 0 {
			fail("service items %+v", in.Listings)
		}
		seen[l.ItemCode] = true
	}
}
