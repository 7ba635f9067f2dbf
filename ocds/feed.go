package ocds

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// Projects is where the feed reads projects: the hall's read model.
type Projects interface {
	Each(fn func(p *hall.Project))
	Peek(id string) (hall.Project, bool)
	Generation() int64
}

// Feed pages every release of every project by a cursor.
//
// Releases are derived from the projects' timelines, so there is nothing
// to store and nothing to lose; the feed keeps only a sorted index of
// (date, release ID). A step's date is taken when its change is computed
// and the change commits a little later, so a release could appear with a
// date just before a cursor a consumer already holds. The feed therefore
// serves only releases older than Settle: by then every change that could
// carry such a date has committed or failed, and paging by cursor never
// skips one.
type Feed struct {
	Builder
	Projects Projects
	Now      func() time.Time
	Settle   time.Duration

	mu      sync.Mutex
	gen     int64
	builtAt time.Time
	built   bool
	index   []entry
}

// DefaultSettle is longer than any request may take to commit.
const DefaultSettle = time.Minute

// refreshEvery bounds how often a busy hall makes the index rebuild; it is
// far below Settle, so a stale index never hides a servable release.
const refreshEvery = time.Second

type entry struct {
	at      time.Time
	id      string
	project string
}

// Cursor is a position in the feed: after the release (At, ID).
type Cursor struct {
	At time.Time
	ID string
}

// String is the cursor as the opaque `since` parameter of the next page.
func (c Cursor) String() string {
	if c.At.IsZero() {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.At.UnixNano(), 10) + "|" + c.ID))
}

// ParseCursor reads a `since` parameter: a cursor from a previous page, or
// a date ("2026-11-01", China Standard Time) or RFC 3339 time to start
// from. Empty starts at the beginning.
func ParseCursor(s string) (Cursor, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Cursor{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return Cursor{At: t.Add(-time.Nanosecond), ID: "\uffff"}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, registry.Shanghai); err == nil {
		return Cursor{At: t.Add(-time.Nanosecond), ID: "\uffff"}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if n, id, ok := strings.Cut(string(raw), "|"); ok {
			if ns, err := strconv.ParseInt(n, 10, 64); err == nil {
				return Cursor{At: time.Unix(0, ns), ID: id}, nil
			}
		}
	}
	return Cursor{}, fmt.Errorf("since %q is neither a cursor nor a date", s)
}

func (e entry) after(c Cursor) bool {
	return e.at.After(c.At) || (e.at.Equal(c.At) && e.id > c.ID)
}

// Page returns up to limit releases after since, the cursor of the last
// one, and whether more are ready.
func (f *Feed) Page(since Cursor, limit int) (rels []Release, next Cursor, more bool) {
	index := f.snapshot()
	horizon := f.Now().Add(-f.Settle)
	i := sort.Search(len(index), func(i int) bool { return index[i].after(since) })
	next = since
	built := map[string][]Release{}
	for ; i < len(index) && !index[i].at.After(horizon); i++ {
		if len(rels) == limit {
			return rels, next, true
		}
		e := index[i]
		all, ok := built[e.project]
		if !ok {
			p, found := f.Projects.Peek(e.project)
			if !found {
				continue
			}
			all = f.Releases(&p)
			built[e.project] = all
		}
		for _, r := range all {
			if r.ID == e.id {
				rels = append(rels, r)
				break
			}
		}
		next = Cursor{At: e.at, ID: e.id}
	}
	return rels, next, false
}

// snapshot returns the sorted index, rebuilt when the projects changed
// (at most once per refreshEvery).
func (f *Feed) snapshot() []entry {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.Now()
	gen := f.Projects.Generation()
	if f.built && (gen == f.gen || now.Sub(f.builtAt) < refreshEvery) {
		return f.index
	}
	var index []entry
	f.Projects.Each(func(p *hall.Project) {
		for _, i := range ReleaseSteps(p) {
			index = append(index, entry{at: p.Timeline[i].At, id: f.ReleaseID(p.ID, i), project: p.ID})
		}
	})
	sort.Slice(index, func(a, b int) bool {
		if !index[a].at.Equal(index[b].at) {
			return index[a].at.Before(index[b].at)
		}
		return index[a].id < index[b].id
	})
	f.index, f.gen, f.builtAt, f.built = index, gen, now, true
	return index
}

// Release returns one release by its ID.
func (f *Feed) Release(id string) (Release, bool) {
	projectID, ok := f.projectOf(id)
	if !ok {
		return Release{}, false
	}
	p, found := f.Projects.Peek(projectID)
	if !found {
		return Release{}, false
	}
	for _, r := range f.Releases(&p) {
		if r.ID == id {
			return r, true
		}
	}
	return Release{}, false
}

// projectOf reads the project ID out of a release ID (<ocid>-<step>).
func (f *Feed) projectOf(releaseID string) (string, bool) {
	rest, ok := strings.CutPrefix(releaseID, f.Prefix+"-")
	if !ok {
		return "", false
	}
	cut := strings.LastIndexByte(rest, '-')
	if cut <= 0 {
		return "", false
	}
	return rest[:cut], true
}

// Record is everything published about a project (by its OCID): links to
// its releases and the compiled release. Since each release is complete
// in itself, the compiled release is the newest one.
func (f *Feed) Record(ocid string, releaseURL func(id string) string) (Record, bool) {
	projectID, ok := strings.CutPrefix(ocid, f.Prefix+"-")
	if !ok {
		return Record{}, false
	}
	p, found := f.Projects.Peek(projectID)
	if !found {
		return Record{}, false
	}
	rels := f.Releases(&p)
	if len(rels) == 0 {
		return Record{}, false
	}
	rec := Record{OCID: ocid}
	for _, r := range rels {
		rec.Releases = append(rec.Releases, LinkedRelease{URL: releaseURL(r.ID), Date: r.Date, Tag: r.Tag})
	}
	compiled := rels[len(rels)-1]
	compiled.ID = ocid + "-compiled"
	compiled.Tag = []string{"compiled"}
	rec.CompiledRelease = compiled
	return rec, true
}
