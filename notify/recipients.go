package notify

import (
	"context"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/auth"
)

// recipients is a snapshot of the users who may be notified, indexed.
type recipients struct {
	byOrg      map[string][]Recipient
	byUser     map[string]Recipient
	regulators []Recipient
}

func newRecipients(list []Recipient) *recipients {
	r := &recipients{byOrg: map[string][]Recipient{}, byUser: map[string]Recipient{}}
	for _, x := range list {
		r.byOrg[x.OrgID] = append(r.byOrg[x.OrgID], x)
		r.byUser[x.UserID] = x
		if x.Role == auth.RoleRegulator {
			r.regulators = append(r.regulators, x)
		}
	}
	return r
}

// recipients returns the snapshot, read again when it is older than the TTL.
func (s *Service) recipients(ctx context.Context) (*recipients, error) {
	s.dirMu.Lock()
	defer s.dirMu.Unlock()
	if s.dir != nil && s.DirectoryTTL > 0 && time.Since(s.dirAt) < s.DirectoryTTL {
		return s.dir, nil
	}
	list, err := s.Directory.Recipients(ctx)
	if err != nil {
		return nil, err
	}
	s.dir, s.dirAt = newRecipients(list), time.Now()
	return s.dir, nil
}

// org lists the users of organisations.
func (r *recipients) org(ids ...string) []Recipient {
	var out []Recipient
	for _, id := range ids {
		if id != "" {
			out = append(out, r.byOrg[id]...)
		}
	}
	return out
}

// user is one user, if known and enabled.
func (r *recipients) user(id string) []Recipient {
	if x, ok := r.byUser[id]; ok && id != "" {
		return []Recipient{x}
	}
	return nil
}

// supervising lists the regulators whose area covers a region: a regulator
// of 620100 (a city) covers 6201xx, one of 620000 the whole province, one
// without a region everything. An unknown region reaches every regulator.
func (r *recipients) supervising(region string) []Recipient {
	var out []Recipient
	for _, x := range r.regulators {
		if covers(x.Region, region) {
			out = append(out, x)
		}
	}
	return out
}

// covers reports whether area (a region code, trailing zeros meaning "all
// below") contains region.
func covers(area, region string) bool {
	prefix := strings.TrimRight(area, "0")
	return prefix == "" || region == "" || strings.HasPrefix(region, prefix)
}
