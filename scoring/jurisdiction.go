package scoring

import (
	"context"

	"github.com/agencyhall/agencyhall/registry"
)

// A regulator decides only on what lies in its region (registry.Actor's
// InJurisdiction): an agency by its registered region, a complaint by the
// region of its project, or else of the agency it is against. Platform
// admins and regulators without a region decide everywhere.

// agencyRegion is an agency's registered region ("" when unknown: the
// action then fails on the missing agency, not on the region).
func (s *Service) agencyRegion(ctx context.Context, id string) string {
	if s.Registry == nil || id == "" {
		return ""
	}
	a, err := s.Registry.Get(ctx, s.system, id)
	if err != nil {
		return ""
	}
	return a.Profile.Region
}

// complaintRegion is the region whose regulators handle a complaint.
func (s *Service) complaintRegion(ctx context.Context, c Complaint) string {
	if c.ProjectID != "" && s.Hall != nil {
		if p, ok := s.Hall.Peek(c.ProjectID); ok && p.Region != "" {
			return p.Region
		}
	}
	if c.TargetKind == "agency" {
		return s.agencyRegion(ctx, c.TargetID)
	}
	return ""
}

// inJurisdiction refuses a regulator's decision outside its region.
func (s *Service) inJurisdiction(who registry.Actor, region, what string) error {
	return who.InJurisdiction(region, what)
}

// alertRegion is the region of the object an alert is about.
func (s *Service) alertRegion(ctx context.Context, a Alert) string {
	switch a.ObjectKind {
	case "project":
		if s.Hall != nil {
			if p, ok := s.Hall.Peek(a.ObjectID); ok {
				return p.Region
			}
		}
	case "complaint":
		s.mu.RLock()
		c, ok := s.complaints[a.ObjectID]
		s.mu.RUnlock()
		if ok {
			return s.complaintRegion(ctx, c)
		}
	case "agency":
		return s.agencyRegion(ctx, a.ObjectID)
	}
	return ""
}
