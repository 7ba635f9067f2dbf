package excel

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/agencyhall/agencyhall/registry"
)

// FuzzReadCatalog writes fuzzed rows (cells split by tabs, rows by line
// breaks) under the template's header and imports them. Every row comes
// back in order; a row with errors names each bad column in Chinese; a row
// without errors is a valid service item, normalised, whose code appears in
// no other valid row; and the valid items survive an export and a second
// import unchanged.
func FuzzReadCatalog(f *testing.F) {
	join := func(rows ...[]any) string {
		var lines []string
		for _, r := range rows {
			var cells []string
			for _, c := range r {
				cells = append(cells, strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(fmt.Sprint(c), "\t", " "), "\n", " ")))
			}
			lines = append(lines, strings.Join(cells, "\t"))
		}
		return strings.Join(lines, "\n")
	}
	f.Add(join(goodRow("HP-001")))
	f.Add(join(goodRow("hp-001"), goodRow(" HP-001 ")))
	f.Add(join(edit(goodRow("A"), colStage, "立项阶段"), edit(goodRow("B"), colTimeLimit, "２０天"), edit(goodRow("C"), colTimeLimit, "2E1"),
		edit(goodRow("D"), colTimeLimit, "20.5"), edit(goodRow("E"), colEnabled, "Y"), edit(goodRow("F"), colQualMode, "")))
	f.Add(join(catalogExampleRow()))
	f.Add(join(edit(goodRow("G"), colQualifications, "甲；乙;甲\n丙"), edit(goodRow(strings.Repeat("X", 33)), colName, "")))
	f.Add("\t\t\t\n\n" + join(edit(goodRow("H"), colTimeLimit, "-0")))
	f.Fuzz(func(t *testing.T, text string) {
		rows := fuzzRows(text, 20)
		book, ok := workbookOf(CatalogHeaders(), rows)
		if !ok {
			t.Skip("cells no workbook can hold")
		}
		got, err := ReadCatalog(bytes.NewReader(book))
		if err != nil {
			wantInvalid(t, "ReadCatalog", err)
			return
		}
		var valid []registry.ServiceItem
		codes := map[string]int{}
		last := 0
		for _, r := range got {
			if r.Line <= last || r.Line < 2 {
				t.Fatalf("line %d after line %d", r.Line, last)
			}
			last = r.Line
			if len(r.Raw) != catalogColumnCount {
				t.Fatalf("line %d: %d raw cells", r.Line, len(r.Raw))
			}
			for _, m := range r.Errors {
				if !cellMessage(m) {
					t.Fatalf("line %d: error %q does not name its column in Chinese", r.Line, m)
				}
			}
			if !r.OK() {
				continue
			}
			it := r.Item
			if err := it.Validate(); err != nil {
				t.Fatalf("line %d: accepted an invalid item %+v: %v", r.Line, it, err)
			}
			if it.Code != registry.NormalizeCode(r.Raw[colCode]) || it.Name != strings.TrimSpace(it.Name) {
				t.Fatalf("line %d: item not normalised: %+v", r.Line, it)
			}
			for _, q := range it.Qualifications {
				if q == "" || q != strings.TrimSpace(q) || strings.ContainsAny(q, "；;\n\r") {
					t.Fatalf("line %d: qualification %q", r.Line, q)
				}
			}
			if first, dup := codes[it.Code]; dup {
				t.Fatalf("code %s accepted on lines %d and %d", it.Code, first, r.Line)
			}
			codes[it.Code] = r.Line
			valid = append(valid, it)
		}
		if len(valid) == 0 {
			return
		}
		var out bytes.Buffer
		if err := WriteCatalog(&out, valid, fuzzExportTime); err != nil {
			t.Fatalf("export of valid items: %v", err)
		}
		again, err := ReadCatalog(&out)
		if err != nil {
			t.Fatalf("re-import of the export: %v", err)
		}
		var back []registry.ServiceItem
		for _, r := range again {
			if !r.OK() {
				t.Fatalf("re-imported line %d: %q", r.Line, r.Errors)
			}
			back = append(back, r.Item)
		}
		var want []registry.ServiceItem
		for _, it := range valid {
			if !isExampleItem(it) {
				want = append(want, it)
			}
		}
		if !reflect.DeepEqual(back, want) {
			t.Fatalf("export round trip\n got %+v\nwant %+v", back, want)
		}
	})
}

func catalogExampleRow() []any {
	r := make([]any, len(catalogExample))
	for i, c := range catalogExample {
		r[i] = c
	}
	return r
}

// isExampleItem: the template's example row is skipped on import, so an
// item identical to it does not come back.
func isExampleItem(it registry.ServiceItem) bool {
	raw := parseCatalogRow(3, append([]string(nil), catalogExample...))
	return reflect.DeepEqual(raw.Item, it)
}
