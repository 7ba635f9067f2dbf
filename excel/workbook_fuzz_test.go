package excel

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/agencyhall/agencyhall/apperr"
)

// FuzzReadWorkbook feeds arbitrary bytes (seeded with real workbooks, an
// encrypted one, a bare zip and junk) to every import reader. A reader never
// panics, and refuses a file only with an Invalid error whose message (and
// field messages) are Chinese; what it accepts is checked by the row fuzzers.
func FuzzReadWorkbook(f *testing.F) {
	var tpl, hol, cat bytes.Buffer
	if err := WriteCatalogTemplate(&tpl); err != nil {
		f.Fatal(err)
	}
	if err := WriteHolidayTemplate(&hol); err != nil {
		f.Fatal(err)
	}
	if err := WriteCatalog(&cat, sampleItems(), fuzzExportTime); err != nil {
		f.Fatal(err)
	}
	for _, b := range [][]byte{tpl.Bytes(), hol.Bytes(), cat.Bytes(), encryptedWorkbook(f), zipOf(f, "[Content_Types].xml", "<Types/>"),
		zipOf(f, "xl/workbook.xml", "<workbook><sheets><sheet name=\"x\" r:id=\"rId1\"/></sheets></workbook>"), []byte("PK\x03\x04"),
		[]byte("名称,编码\n1,2\n"), nil} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ReadCatalog(bytes.NewReader(data)); err != nil {
			wantInvalid(t, "ReadCatalog", err)
		}
		if _, err := ReadHolidays(bytes.NewReader(data)); err != nil {
			wantInvalid(t, "ReadHolidays", err)
		}
	})
}

var fuzzExportTime = time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)

// wantInvalid checks a whole-file refusal: Invalid, explained in Chinese.
func wantInvalid(t *testing.T, who string, err error) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Kind != apperr.KindInvalid {
		t.Fatalf("%s: %v is not an Invalid error", who, err)
	}
	if !hasHan(e.Message) {
		t.Fatalf("%s: message %q is not Chinese", who, e.Message)
	}
	for k, m := range e.Fields {
		if !hasHan(m) {
			t.Fatalf("%s: field %s: message %q is not Chinese", who, k, m)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// fuzzRows splits fuzz text into rows ("\n") of cells ("\t").
func fuzzRows(s string, maxRows int) [][]string {
	var rows [][]string
	for i, line := range strings.Split(s, "\n") {
		if i == maxRows {
			break
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}

// workbookOf writes a header row and text rows on the first sheet. ok is
// false for cells no workbook can hold (invalid UTF-8, over 32,767
// characters, control characters XML cannot carry, too many columns).
func workbookOf(header []string, rows [][]string) ([]byte, bool) {
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range append([][]string{header}, rows...) {
		if len(r) > 64 {
			return nil, false
		}
		cells := make([]any, len(r))
		for j, c := range r {
			if !utf8.ValidString(c) || utf8.RuneCountInString(c) > 32767 || strings.ContainsFunc(c, func(r rune) bool {
				return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
			}) {
				return nil, false
			}
			cells[j] = c
		}
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &cells); err != nil {
			return nil, false
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		return nil, false
	}
	return b.Bytes(), true
}

// cellMessage reports whether a row error names its column, as
// "D 列“审批阶段”：…", in Chinese.
func cellMessage(msg string) bool {
	return len(msg) > 4 && msg[0] >= 'A' && msg[0] <= 'Z' && strings.HasPrefix(msg[1:], " 列“") && hasHan(msg)
}
