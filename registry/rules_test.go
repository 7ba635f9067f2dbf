package registry

import (
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
)

func TestEveryTransition(t *testing.T) {
	allowed := map[AgencyStatus]map[Move]AgencyStatus{
		StatusDraft:       {MoveSubmit: StatusPending, MoveWithdraw: StatusWithdrawn},
		StatusPending:     {MoveApprove: StatusActive, MoveReject: StatusRejected, MoveReturn: StatusDraft, MoveWithdraw: StatusWithdrawn},
		StatusRejected:    {MoveSubmit: StatusPending, MoveWithdraw: StatusWithdrawn},
		StatusActive:      {MoveSuspend: StatusSuspended, MoveWithdraw: StatusWithdrawn, MoveBlacklist: StatusBlacklisted},
		StatusSuspended:   {MoveRestore: StatusActive, MoveWithdraw: StatusWithdrawn, MoveBlacklist: StatusBlacklisted},
		StatusBlacklisted: {MoveRestore: StatusActive},
	}
	for _, from := range AllStatuses {
		for _, m := range AllMoves {
			to, err := NextStatus(from, m)
			want, ok := allowed[from][m]
			switch {
			case ok && err != nil:
				t.Errorf("%s --%s--> should be allowed, got %v", from, m, err)
			case ok && to != want:
				t.Errorf("%s --%s--> %s, want %s", from, m, to, want)
			case !ok && err == nil:
				t.Errorf("%s --%s--> %s should be refused", from, m, to)
			case !ok && !apperr.Is(err, apperr.KindConflict):
				t.Errorf("%s --%s--> refused with %v, want a conflict", from, m, err)
			}
		}
	}
}

func day(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestListingValidity(t *testing.T) {
	eia := ServiceItem{Code: "A", Enabled: true, Qualifications: []string{"环评", "测绘"}, QualMode: QualAnyOf}
	both := eia
	both.QualMode = QualAllOf
	open := ServiceItem{Code: "B", Enabled: true}
	off := ServiceItem{Code: "C", Enabled: false}
	q := func(typ, from, to string) Qualification {
		return Qualification{Type: typ, ValidFrom: day(from), ValidTo: day(to)}
	}
	at := func(s string) time.Time { return day(s).Start().Add(10 * time.Hour) }
	tests := []struct {
		name  string
		item  ServiceItem
		quals []Qualification
		now   time.Time
		want  bool
	}{
		{"any-of holds one", eia, []Qualification{q("测绘", "2025-01-01", "2027-01-01")}, at("2026-11-26"), true},
		{"any-of holds none", eia, []Qualification{q("造价", "2025-01-01", "2027-01-01")}, at("2026-11-26"), false},
		{"expired yesterday", eia, []Qualification{q("环评", "2025-01-01", "2026-11-25")}, at("2026-11-26"), false},
		{"last valid day counts", eia, []Qualification{q("环评", "2025-01-01", "2026-11-26")}, at("2026-11-26"), true},
		{"not yet valid", eia, []Qualification{q("环评", "2026-11-27", "2028-01-01")}, at("2026-11-26"), false},
		{"first valid day counts", eia, []Qualification{q("环评", "2026-11-26", "2028-01-01")}, at("2026-11-26"), true},
		{"all-of needs both", both, []Qualification{q("环评", "2025-01-01", "2027-01-01")}, at("2026-11-26"), false},
		{"all-of holds both", both, []Qualification{q("环评", "2025-01-01", "2027-01-01"), q("测绘", "2025-01-01", "2027-01-01")}, at("2026-11-26"), true},
		{"all-of one expired", both, []Qualification{q("环评", "2025-01-01", "2027-01-01"), q("测绘", "2025-01-01", "2026-01-01")}, at("2026-11-26"), false},
		{"no requirement", open, nil, at("2026-11-26"), true},
		{"item disabled", off, nil, at("2026-11-26"), false},
		// 23:30 UTC on the 25th is already the 26th in Shanghai.
		{"day is read in Shanghai", eia, []Qualification{q("环评", "2025-01-01", "2026-11-25")}, time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := ListingValid(tt.item, tt.quals, tt.now)
			if got != tt.want {
				t.Fatalf("ListingValid = %v (%s), want %v", got, reason, tt.want)
			}
			if !got && reason == "" {
				t.Fatal("an invalid listing needs a reason")
			}
		})
	}
}

func TestExpiryLevel(t *testing.T) {
	q := Qualification{ValidFrom: day("2024-01-01"), ValidTo: day("2026-12-31")}
	tests := []struct {
		today string
		want  int
	}{
		{"2026-10-01", 0},  // 91 days left
		{"2026-11-01", 60}, // 60 days left
		{"2026-11-02", 60},
		{"2026-12-01", 30}, // 30 days left
		{"2026-12-15", 30}, // 16 days left
		{"2026-12-16", 15}, // 15 days left
		{"2026-12-31", 15}, // last day
		{"2027-01-01", -1}, // expired
	}
	for _, tt := range tests {
		if got := ExpiryLevel(q, day(tt.today)); got != tt.want {
			t.Errorf("on %s: level %d, want %d", tt.today, got, tt.want)
		}
	}
}

func TestMaskID(t *testing.T) {
	tests := map[string]string{
		"62010219800101123X":   "**************123X",
		" 620102198001011234 ": "**************1234",
		"abc":                  "***",
		"":                     "",
	}
	for in, want := range tests {
		if got := MaskID(in); got != want {
			t.Errorf("MaskID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDiffProfilesKeyFields(t *testing.T) {
	base := Profile{Name: "甲", USCC: "X", LegalRep: "张三", Address: "旧址",
		Qualifications: []Qualification{{ID: "q1", Type: "环评", CertNo: "1", ValidFrom: day("2025-01-01"), ValidTo: day("2027-01-01")}}}
	addrOnly := base
	addrOnly.Address = "新址"
	if KeyFieldsDiffer(base, addrOnly) {
		t.Error("an address change is not a key change")
	}
	if d := DiffProfiles(base, addrOnly, false); len(d) != 1 || d[0].Field != "地址" {
		t.Errorf("full diff %+v", d)
	}
	renamed := base
	renamed.Name = "乙"
	if !KeyFieldsDiffer(base, renamed) {
		t.Error("a new name needs review")
	}
	newQual := base
	newQual.Qualifications = append([]Qualification{}, base.Qualifications...)
	newQual.Qualifications[0].ValidTo = day("2028-01-01")
	d := DiffProfiles(base, newQual, true)
	if len(d) != 1 || d[0].Field != "资质（变更）" {
		t.Errorf("qualification diff %+v", d)
	}
	dropped := base
	dropped.Qualifications = nil
	if d := DiffProfiles(base, dropped, true); len(d) != 1 || d[0].Field != "资质（删除）" {
		t.Errorf("removal diff %+v", d)
	}
}

func TestDirectoryGrades(t *testing.T) {
	d := NewDirectory()
	for i, name := range []string{"甲机构", "乙机构", "丙机构"} {
		d.Put(Agency{ID: string(rune('a' + i)), Status: StatusActive, Profile: Profile{Name: name}})
	}
	grades := map[string]string{"a": "B", "b": "A"}
	d.SetGrades(func(id string) string { return grades[id] })
	hits, _ := d.Search(DirectoryQuery{Sort: SortGrade, Now: time.Now()})
	if hits[0].Agency.ID != "b" || !hits[0].Recommended() || hits[2].Grade != "" {
		t.Fatalf("grade order: %+v", hits)
	}
	if _, n := d.Search(DirectoryQuery{Grade: "B", Now: time.Now()}); n != 1 {
		t.Fatalf("grade filter found %d", n)
	}
}
