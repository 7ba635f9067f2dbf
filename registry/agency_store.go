package registry

import "context"

// AgencyStore is what the agency registry needs from storage. Updates are
// applied by compare-and-swap: fn may run more than once and must only
// change the agency it is given.
type AgencyStore interface {
	CreateAgency(ctx context.Context, a Agency) error
	GetAgency(ctx context.Context, id string) (Agency, error)
	UpdateAgency(ctx context.Context, id string, fn func(*Agency) error) (Agency, error)
	// EachAgency streams every agency once, to load read models.
	EachAgency(ctx context.Context, fn func(Agency) error) error
}
