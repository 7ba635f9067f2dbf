package registry

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Change kinds: decisions on an agency that the rest of the platform may
// want to hear of (notifications and webhooks).
const (
	ChangeSubmitted   = "agency.submitted"       // an application waits for review
	ChangeApproved    = "agency.approved"        // admitted
	ChangeRejected    = "agency.rejected"        // refused, with the reason
	ChangeReturned    = "agency.returned"        // returned for changes, with comments
	ChangeKeyApproved = "agency.change_approved" // a key-field change approved
	ChangeKeyRejected = "agency.change_rejected" // a key-field change refused, with the reason
)

// Change is one such decision, told to the observer once stored.
type Change struct {
	ID       string // agency:<id>:v<version>: unique per write, the same if told again
	Kind     string
	AgencyID string
	Name     string
	Region   string
	Note     string
	Actor    string
	At       time.Time
}

// SetObserver sets who is told of every Change (nil: nobody). Call it
// before serving. It runs in the caller's request, so it must be quick.
func (r *Registry) SetObserver(fn func(ctx context.Context, c Change)) { r.observer = fn }

// observe tells the observer of a decision on a stored agency.
func (r *Registry) observe(ctx context.Context, a Agency, kind, note, actor string) {
	if r.observer == nil {
		return
	}
	r.observer(ctx, Change{ID: fmt.Sprintf("agency:%s:v%d", a.ID, a.Version), Kind: kind, AgencyID: a.ID, Name: a.Profile.Name,
		Region: a.Profile.Region, Note: note, Actor: actor, At: a.UpdatedAt})
}

// Each calls fn with every agency in the given statuses (all when none), in
// no particular order, under the directory's read lock: fn must be quick
// and must not call the registry. The agencies are the full records.
func (d *Directory) Each(fn func(a Agency), statuses ...AgencyStatus) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, e := range d.entries {
		if len(statuses) == 0 || slices.Contains(statuses, e.agency.Status) {
			fn(e.agency)
		}
	}
}
