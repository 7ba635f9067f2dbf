package ocds

import (
	"slices"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/hall"
)

// fakeHall is the read model the feed pages: a map of projects.
type fakeHall struct {
	byID map[string]hall.Project
	gen  int64
}

func (h *fakeHall) put(p hall.Project) {
	if h.byID == nil {
		h.byID = map[string]hall.Project{}
	}
	h.byID[p.ID] = p
	h.gen++
}

func (h *fakeHall) Each(fn func(p *hall.Project)) {
	for _, p := range h.byID {
		fn(&p)
	}
}
func (h *fakeHall) Peek(id string) (hall.Project, bool) { p, ok := h.byID[id]; return p, ok }
func (h *fakeHall) Generation() int64                   { return h.gen }

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func newFeed(h *fakeHall, c *clock) *Feed {
	return &Feed{Builder: testBuilder, Projects: h, Now: c.Now, Settle: DefaultSettle}
}

// walk pages through the whole feed from since, limit at a time.
func walk(t *testing.T, f *Feed, since Cursor, limit int) ([]string, Cursor) {
	t.Helper()
	var ids []string
	for range 100 {
		rels, next, more := f.Page(since, limit)
		for _, r := range rels {
			ids = append(ids, r.ID)
		}
		since = next
		if !more {
			return ids, since
		}
	}
	t.Fatal("the feed never ends")
	return nil, since
}

func TestFeedPagesEveryReleaseOnceInDateOrder(t *testing.T) {
	h := &fakeHall{}
	for _, p := range []hall.Project{pricedProject(), drawProject(), directProject(), cancelledProject(), draftProject()} {
		h.put(p)
	}
	c := &clock{t: at(24 * 100)}
	f := newFeed(h, c)

	var want []string
	for _, p := range h.byID {
		for _, r := range f.Releases(&p) {
			want = append(want, r.ID)
		}
	}
	for _, limit := range []int{1, 2, 7, 100} {
		got, _ := walk(t, f, Cursor{}, limit)
		if len(got) != len(want) || !sameSet(got, want) {
			t.Fatalf("limit %d: %d releases %v, want %d", limit, len(got), got, len(want))
		}
	}
	// Date order: the direct project's two releases (hour 5) come after the
	// first publications (hours 1 and 3) and before the first opening (49).
	got, _ := walk(t, f, Cursor{}, 100)
	if got[0] != "ocds-test01-P100-0001" || got[3] != "ocds-test01-P300-0001" {
		t.Errorf("order %v", got)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b) && len(slices.Compact(a)) == len(a)
}

// A consumer polling with its cursor gets each new release exactly once,
// and only after the settle time.
func TestFeedCursorFollowsNewReleases(t *testing.T) {
	h := &fakeHall{}
	p := drawProject()
	p.Timeline = p.Timeline[:3] // published and opened so far
	h.put(p)
	c := &clock{t: at(49)}
	f := newFeed(h, c)

	ids, cur := walk(t, f, Cursor{}, 10)
	if !slices.Equal(ids, []string{"ocds-test01-P200-0001"}) {
		t.Fatalf("at the opening: %v (the opening itself is not settled yet)", ids)
	}
	c.t = at(50)
	ids, cur = walk(t, f, cur, 10)
	if !slices.Equal(ids, []string{"ocds-test01-P200-0002"}) {
		t.Fatalf("an hour later: %v", ids)
	}
	h.put(drawProject()) // the rest of its life
	c.t = at(24 * 20)
	ids, cur = walk(t, f, cur, 10)
	if len(ids) != 4 || ids[0] != "ocds-test01-P200-0003" {
		t.Fatalf("after the substitute: %v", ids)
	}
	ids, _ = walk(t, f, cur, 10)
	if len(ids) != 0 {
		t.Fatalf("nothing new, got %v", ids)
	}
	// The cursor survives its text form.
	back, err := ParseCursor(cur.String())
	if err != nil || !back.At.Equal(cur.At) || back.ID != cur.ID {
		t.Fatalf("cursor %q → %+v, %v", cur.String(), back, err)
	}
}

func TestParseCursor(t *testing.T) {
	h := &fakeHall{}
	h.put(pricedProject())
	f := newFeed(h, &clock{t: at(24 * 100)})
	tests := []struct {
		since string
		first string // first release served, "" for none
		bad   bool
	}{
		{since: "", first: "ocds-test01-P100-0001"},
		{since: "2026-03-04", first: "ocds-test01-P100-0003"},           // from midnight CST: the opening at 2026-03-04 10:00
		{since: "2026-03-04T02:00:00Z", first: "ocds-test01-P100-0003"}, // exactly the opening's time is included
		{since: "2026-03-04T02:00:01Z", first: "ocds-test01-P100-0005"},
		{since: "2030-01-01", first: ""},
		{since: "yesterday", bad: true},
		{since: "MTIzfA", first: "ocds-test01-P100-0001"}, // a cursor at 123 ns after the epoch
	}
	for _, tc := range tests {
		c, err := ParseCursor(tc.since)
		if (err != nil) != tc.bad {
			t.Errorf("%q: error %v", tc.since, err)
			continue
		}
		if tc.bad {
			continue
		}
		rels, _, _ := f.Page(c, 1)
		got := ""
		if len(rels) > 0 {
			got = rels[0].ID
		}
		if got != tc.first {
			t.Errorf("since %q: first %q, want %q", tc.since, got, tc.first)
		}
	}
}

func TestRecordAndReleaseLookup(t *testing.T) {
	h := &fakeHall{}
	h.put(pricedProject())
	h.put(draftProject())
	f := newFeed(h, &clock{t: at(24 * 100)})
	url := func(id string) string { return "https://example.gov.cn/api/v1/ocds/releases/" + id }

	rec, ok := f.Record("ocds-test01-P100", url)
	if !ok || len(rec.Releases) != 9 || rec.CompiledRelease.Tag[0] != "compiled" ||
		rec.CompiledRelease.Contracts[0].Status != "terminated" || rec.Releases[0].URL != url("ocds-test01-P100-0001") {
		t.Fatalf("record: %v %+v", ok, rec)
	}
	validate(t, releaseSchema(t), rec.CompiledRelease)
	for _, ocid := range []string{"ocds-test01-P500", "ocds-test01-P999", "ocds-other-P100", "P100"} {
		if _, ok := f.Record(ocid, url); ok {
			t.Errorf("record %s exists", ocid)
		}
	}
	if r, ok := f.Release("ocds-test01-P100-0004"); !ok || r.Tag[0] != "award" {
		t.Errorf("release by id: %v %+v", ok, r.Tag)
	}
	for _, id := range []string{"ocds-test01-P100-0002", "ocds-test01-P100", "ocds-test01-P500-0002", "x"} {
		if _, ok := f.Release(id); ok {
			t.Errorf("release %s exists", id)
		}
	}
}
