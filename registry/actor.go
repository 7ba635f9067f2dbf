package registry

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
}

// Supervises reports whether the actor may review and act on any agency.
func (a Actor) Supervises() bool { return a.Kind == ActorRegulator || a.Kind == ActorAdmin }

// Owns reports whether the actor is a user of the agency with this ID.
func (a Actor) Owns(agencyID string) bool { return a.Kind == ActorAgency && a.OrgID == agencyID }
