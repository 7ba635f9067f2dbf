package registry

import (
	"strings"

	"github.com/agencyhall/agencyhall/apperr"
)

// ActorKind is the part of a caller's role the registry's rules look at.
type ActorKind string

const (
	ActorPublic    ActorKind = ""
	ActorOwner     ActorKind = "owner"
	ActorAgency    ActorKind = "agency"
	ActorRegulator ActorKind = "regulator"
	ActorAdmin     ActorKind = "admin"
)

// Actor is who calls the registry. The HTTP layer converts its session
// principal into one; the registry does not know about sessions.
type Actor struct {
	UserID string
	OrgID  string
	Kind   ActorKind
	// Region is the caller's organisation's administrative division code:
	// for a regulator, its jurisdiction (see Covers).
	Region string
}

// Supervises reports whether the actor may review and act on any agency.
func (a Actor) Supervises() bool { return a.Kind == ActorRegulator || a.Kind == ActorAdmin }

// Owns reports whether the actor is a user of the agency with this ID.
func (a Actor) Owns(agencyID string) bool { return a.Kind == ActorAgency && a.OrgID == agencyID }

// Covers reports whether a region lies in the actor's jurisdiction: a
// province-level code (620000) covers the province, a city (620100) its
// districts (6201xx), a county (620102) itself. Platform admins and
// regulators without a region (the platform's own service centre, system
// jobs) cover everything; so does an object without a region.
func (a Actor) Covers(region string) bool {
	if a.Kind == ActorAdmin || a.Region == "" || region == "" || a.Region == "100000" {
		return true
	}
	prefix := a.Region
	switch {
	case strings.HasSuffix(prefix, "0000"):
		prefix = prefix[:2]
	case strings.HasSuffix(prefix, "00"):
		prefix = prefix[:4]
	}
	return strings.HasPrefix(region, prefix)
}

// InJurisdiction refuses a regulator's decision on something outside its
// region (what names the thing in Chinese); other actors' rights are
// checked by the rules of each action.
func (a Actor) InJurisdiction(region, what string) error {
	if a.Kind != ActorRegulator || a.Covers(region) {
		return nil
	}
	return apperr.Forbidden("该" + what + "不在本部门辖区（行政区划 " + a.Region + "）内，无权处理")
}
