package registry

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Directory is the in-memory read model behind the public agency directory
// and the review queue: every write to an agency replaces its entry, so
// searches never touch the database (DESIGN.md §3). Searches walk a cached
// ordering (by pinyin name, or newest first) and filter, so no query sorts.
type Directory struct {
	mu       sync.RWMutex
	entries  map[string]*dirEntry
	items    map[string]ServiceItem
	collator *collate.Collator

	orderMu  sync.Mutex // guards rebuilding the orderings under the read lock
	byName   []*dirEntry
	byNewest []*dirEntry
	dirty    bool

	// grade returns an agency's credit grade (A–D, "" unscored); supervision
	// sets it, the registry itself knows no scores.
	grade func(id string) string
}

// SetGrades tells the directory where credit grades come from.
func (d *Directory) SetGrades(grade func(id string) string) {
	d.mu.Lock()
	d.grade = grade
	d.mu.Unlock()
}

// Grade is an agency's credit grade, "" when unknown.
func (d *Directory) Grade(id string) string {
	d.mu.RLock()
	g := d.grade
	d.mu.RUnlock()
	if g == nil {
		return ""
	}
	return g(id)
}

type dirEntry struct {
	agency  Agency
	nameKey string // collation key: sorts Chinese names by pinyin
}

// NewDirectory makes an empty directory.
func NewDirectory() *Directory {
	return &Directory{entries: map[string]*dirEntry{}, items: map[string]ServiceItem{}, collator: collate.New(language.Chinese)}
}

// SetCatalog replaces the service items the directory resolves listings with.
func (d *Directory) SetCatalog(items []ServiceItem) {
	m := make(map[string]ServiceItem, len(items))
	for _, it := range items {
		m[it.Code] = it
	}
	d.mu.Lock()
	d.items = m
	d.mu.Unlock()
}

// Put stores the latest state of an agency.
func (d *Directory) Put(a Agency) {
	var buf collate.Buffer
	key := string(d.collator.KeyFromString(&buf, a.Profile.Name))
	d.mu.Lock()
	defer d.mu.Unlock()
	d.entries[a.ID] = &dirEntry{agency: a, nameKey: key}
	d.dirty = true
}

// PublicName is the name anyone may see (Registry.Get's rule): the
// admitted profile's, and nothing before admission.
func (d *Directory) PublicName(id string) (string, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, ok := d.entries[id]
	if !ok || !e.agency.Status.Admitted() {
		return "", false
	}
	return e.agency.Profile.Name, true
}

// Name is an agency's registered name, for listings that hold only its ID.
func (d *Directory) Name(id string) (string, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, ok := d.entries[id]
	if !ok {
		return "", false
	}
	return e.agency.Profile.Name, true
}

// orderings returns the cached orderings, rebuilding them after writes.
// Callers hold the read lock.
func (d *Directory) orderings() (byName, byNewest []*dirEntry) {
	d.orderMu.Lock()
	defer d.orderMu.Unlock()
	if d.dirty || d.byName == nil {
		all := make([]*dirEntry, 0, len(d.entries))
		for _, e := range d.entries {
			all = append(all, e)
		}
		d.byName = slices.Clone(all)
		sort.Slice(d.byName, func(i, j int) bool {
			a, b := d.byName[i], d.byName[j]
			if a.nameKey != b.nameKey {
				return a.nameKey < b.nameKey
			}
			return a.agency.ID < b.agency.ID
		})
		d.byNewest = all
		sort.Slice(d.byNewest, func(i, j int) bool {
			a, b := d.byNewest[i].agency, d.byNewest[j].agency
			if !a.AdmittedAt.Equal(b.AdmittedAt) {
				return a.AdmittedAt.After(b.AdmittedAt)
			}
			return a.ID < b.ID
		})
		d.dirty = false
	}
	return d.byName, d.byNewest
}

// Sort orders of directory results.
const (
	SortName   = "name"
	SortNewest = "newest"
	SortGrade  = "grade" // best grade first, then by name
)

// DirectoryQuery filters the public directory.
type DirectoryQuery struct {
	Text     string // part of the name, or the start of the credit code
	ItemCode string
	Stage    Stage
	Region   string // a region code or its prefix (6201 = a whole city)
	QualType string
	Grade    string // A, B, C or D
	Sort     string
	Page     int
	PageSize int
	Statuses []AgencyStatus // regulators may widen the default (active only)
	Now      time.Time
}

// DirectoryEntry is one agency as the directory lists it.
type DirectoryEntry struct {
	Agency        Agency
	ValidListings []Listing // listings valid now
	Grade         string    // credit grade, "" before the first scoring
}

// Recommended reports whether the directory shows the agency as
// recommended (grade A).
func (e DirectoryEntry) Recommended() bool { return e.Grade == "A" }

// Search returns one page of matching agencies and the total.
func (d *Directory) Search(q DirectoryQuery) ([]DirectoryEntry, int) {
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PageSize < 1 || q.PageSize > 100 {
		q.PageSize = 20
	}
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = []AgencyStatus{StatusActive}
	}
	text := strings.TrimSpace(q.Text)
	upper := strings.ToUpper(text)
	region := strings.TrimRight(q.Region, "0")
	day := DateOf(q.Now)
	needListings := q.ItemCode != "" || q.Stage != ""

	d.mu.RLock()
	defer d.mu.RUnlock()
	byName, byNewest := d.orderings()
	order := byName
	if q.Sort == SortNewest {
		order = byNewest
	}
	grade := d.grade
	if grade == nil {
		grade = func(string) string { return "" }
	}
	if q.Sort == SortGrade {
		// Stable over the name order: grade A first, unscored last.
		rank := map[string]int{"A": 0, "B": 1, "C": 2, "D": 3, "": 4}
		order = slices.Clone(byName)
		sort.SliceStable(order, func(i, j int) bool { return rank[grade(order[i].agency.ID)] < rank[grade(order[j].agency.ID)] })
	}
	from := (q.Page - 1) * q.PageSize
	var page []DirectoryEntry
	total := 0
	for _, e := range order {
		a := &e.agency
		if !slices.Contains(statuses, a.Status) {
			continue
		}
		if text != "" && !strings.Contains(a.Profile.Name, text) && !strings.HasPrefix(a.Profile.USCC, upper) {
			continue
		}
		if region != "" && !strings.HasPrefix(a.Profile.Region, region) {
			continue
		}
		if q.QualType != "" && !slices.ContainsFunc(a.Profile.Qualifications, func(x Qualification) bool {
			return x.Type == q.QualType && x.ValidOn(day)
		}) {
			continue
		}
		if needListings && !d.anyValidListing(a, day, q.ItemCode, q.Stage) {
			continue
		}
		if q.Grade != "" && grade(a.ID) != q.Grade {
			continue
		}
		if total >= from && len(page) < q.PageSize {
			page = append(page, DirectoryEntry{Agency: publicView(*a), ValidListings: d.validListings(*a, day), Grade: grade(a.ID)})
		}
		total++
	}
	return page, total
}

// anyValidListing reports whether the agency has a listing, valid on day,
// of the item (when given) in the stage (when given).
func (d *Directory) anyValidListing(a *Agency, day Date, item string, stage Stage) bool {
	for _, l := range a.Listings {
		if item != "" && l.ItemCode != item {
			continue
		}
		it, ok := d.items[l.ItemCode]
		if !ok || (stage != "" && it.Stage != stage) {
			continue
		}
		if it.Enabled && MeetsRequirement(it, a.Profile.Qualifications, day) {
			return true
		}
	}
	return false
}

// validListings keeps the listings whose item is enabled and whose
// qualification requirement the agency meets on day.
func (d *Directory) validListings(a Agency, day Date) []Listing {
	var out []Listing
	for _, l := range a.Listings {
		it, ok := d.items[l.ItemCode]
		if ok && it.Enabled && MeetsRequirement(it, a.Profile.Qualifications, day) {
			out = append(out, l)
		}
	}
	return out
}

// Queue lists pending applications and pending changes, oldest first.
func (d *Directory) Queue() []Agency {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []Agency
	for _, e := range d.entries {
		a := e.agency
		if a.Status == StatusPending || (a.PendingChange != nil && a.Status.Admitted()) {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].UpdatedAt.Equal(out[j].UpdatedAt) {
			return out[i].UpdatedAt.Before(out[j].UpdatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Counts reports how many agencies are in each status.
func (d *Directory) Counts() map[AgencyStatus]int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	m := map[AgencyStatus]int{}
	for _, e := range d.entries {
		m[e.agency.Status]++
	}
	return m
}

// Item resolves a service item code for display.
func (d *Directory) Item(code string) (ServiceItem, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	it, ok := d.items[code]
	return it, ok
}

// IDs lists the agencies in the given statuses (all when none), sorted.
func (d *Directory) IDs(statuses ...AgencyStatus) []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []string
	for id, e := range d.entries {
		if len(statuses) == 0 || slices.Contains(statuses, e.agency.Status) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}
