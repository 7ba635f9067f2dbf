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
// searches never touch the database (DESIGN.md §3).
type Directory struct {
	mu       sync.RWMutex
	agencies map[string]Agency
	items    map[string]ServiceItem
	collator *collate.Collator
	// sortKeys caches the collation key of each name for sorting by pinyin.
	sortKeys map[string][]byte
}

// NewDirectory makes an empty directory.
func NewDirectory() *Directory {
	return &Directory{agencies: map[string]Agency{}, items: map[string]ServiceItem{}, sortKeys: map[string][]byte{},
		collator: collate.New(language.Chinese)}
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
	d.mu.Lock()
	defer d.mu.Unlock()
	d.agencies[a.ID] = a
	var buf collate.Buffer
	d.sortKeys[a.ID] = append([]byte(nil), d.collator.KeyFromString(&buf, a.Profile.Name)...)
}

// Sort orders of directory results.
const (
	SortName   = "name"
	SortNewest = "newest"
)

// DirectoryQuery filters the public directory.
type DirectoryQuery struct {
	Text     string // part of the name, or the start of the credit code
	ItemCode string
	Stage    Stage
	Region   string // a region code or its prefix (6201 = a whole city)
	QualType string
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
}

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
	day := DateOf(q.Now)

	d.mu.RLock()
	defer d.mu.RUnlock()
	var hits []DirectoryEntry
	for _, a := range d.agencies {
		if !slices.Contains(statuses, a.Status) {
			continue
		}
		if text != "" && !strings.Contains(a.Profile.Name, text) && !strings.HasPrefix(a.Profile.USCC, upper) {
			continue
		}
		if q.Region != "" && !strings.HasPrefix(a.Profile.Region, strings.TrimRight(q.Region, "0")) {
			continue
		}
		if q.QualType != "" && !slices.ContainsFunc(a.Profile.Qualifications, func(x Qualification) bool {
			return x.Type == q.QualType && x.ValidOn(day)
		}) {
			continue
		}
		valid := d.validListings(a, day)
		if q.ItemCode != "" && !slices.ContainsFunc(valid, func(l Listing) bool { return l.ItemCode == q.ItemCode }) {
			continue
		}
		if q.Stage != "" && !slices.ContainsFunc(valid, func(l Listing) bool { return d.items[l.ItemCode].Stage == q.Stage }) {
			continue
		}
		hits = append(hits, DirectoryEntry{Agency: a, ValidListings: valid})
	}
	switch q.Sort {
	case SortNewest:
		sort.Slice(hits, func(i, j int) bool {
			if !hits[i].Agency.AdmittedAt.Equal(hits[j].Agency.AdmittedAt) {
				return hits[i].Agency.AdmittedAt.After(hits[j].Agency.AdmittedAt)
			}
			return hits[i].Agency.ID < hits[j].Agency.ID
		})
	default:
		sort.Slice(hits, func(i, j int) bool {
			if c := compareBytes(d.sortKeys[hits[i].Agency.ID], d.sortKeys[hits[j].Agency.ID]); c != 0 {
				return c < 0
			}
			return hits[i].Agency.ID < hits[j].Agency.ID
		})
	}
	total := len(hits)
	from := (q.Page - 1) * q.PageSize
	if from > total {
		from = total
	}
	to := min(from+q.PageSize, total)
	page := hits[from:to]
	for i := range page {
		page[i].Agency = publicView(page[i].Agency)
	}
	return page, total
}

func compareBytes(a, b []byte) int { return strings.Compare(string(a), string(b)) }

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
	for _, a := range d.agencies {
		if a.Status == StatusPending || (a.PendingChange != nil && a.Status.Admitted()) {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].SubmittedAt.Equal(out[j].SubmittedAt) {
			return out[i].SubmittedAt.Before(out[j].SubmittedAt)
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
	for _, a := range d.agencies {
		m[a.Status]++
	}
	return m
}

// ItemName resolves a service item code for display.
func (d *Directory) Item(code string) (ServiceItem, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	it, ok := d.items[code]
	return it, ok
}
