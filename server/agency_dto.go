package server

import (
	"time"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/registry"
)

// Agency bodies. The full record (agencyDTO) goes only to the agency itself
// and to supervisors; the public gets publicAgencyDTO and directoryItemDTO,
// whose types have no place for review notes, scanned files or ID numbers.

// actorOf converts the session principal into the registry's caller.
func actorOf(p auth.Principal) registry.Actor {
	kinds := map[auth.Role]registry.ActorKind{auth.RoleOwner: registry.ActorOwner, auth.RoleAgency: registry.ActorAgency,
		auth.RoleRegulator: registry.ActorRegulator, auth.RoleAdmin: registry.ActorAdmin}
	if p.Anonymous() {
		return registry.Actor{}
	}
	return registry.Actor{UserID: p.UserID, OrgID: p.OrgID, Kind: kinds[p.Role], Region: p.Region}
}

type qualificationDTO struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Level     string `json:"level,omitempty"`
	CertNo    string `json:"cert_no"`
	Issuer    string `json:"issuer,omitempty"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	FileID    string `json:"file_id,omitempty"`
	// Valid reports whether it is in force today; ExpiryLevel is 60, 30 or
	// 15 within that many days of expiry, -1 once expired, else 0.
	Valid       bool `json:"valid"`
	ExpiryLevel int  `json:"expiry_level"`
}

func toQualifications(qs []registry.Qualification, today registry.Date) []qualificationDTO {
	out := make([]qualificationDTO, 0, len(qs))
	for _, q := range qs {
		out = append(out, qualificationDTO{ID: q.ID, Type: q.Type, Level: q.Level, CertNo: q.CertNo, Issuer: q.Issuer,
			ValidFrom: q.ValidFrom.String(), ValidTo: q.ValidTo.String(), FileID: q.FileID,
			Valid: q.ValidOn(today), ExpiryLevel: registry.ExpiryLevel(q, today)})
	}
	return out
}

type profileDTO struct {
	USCC           string             `json:"uscc"`
	Name           string             `json:"name"`
	LegalRep       string             `json:"legal_rep"`
	Region         string             `json:"region"`
	Address        string             `json:"address,omitempty"`
	Contact        string             `json:"contact,omitempty"`
	Phone          string             `json:"phone,omitempty"`
	Email          string             `json:"email,omitempty"`
	Qualifications []qualificationDTO `json:"qualifications"`
}

func toProfile(p registry.Profile, today registry.Date) profileDTO {
	return profileDTO{USCC: p.USCC, Name: p.Name, LegalRep: p.LegalRep, Region: p.Region, Address: p.Address,
		Contact: p.Contact, Phone: p.Phone, Email: p.Email, Qualifications: toQualifications(p.Qualifications, today)}
}

type practitionerDTO struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Certificate string `json:"certificate,omitempty"`
	IDMasked    string `json:"id_masked,omitempty"`
}

type listingDTO struct {
	ItemCode      string `json:"item_code"`
	ItemName      string `json:"item_name"`
	Stage         string `json:"stage,omitempty"`
	CommittedDays int    `json:"committed_days"`
	FeeNote       string `json:"fee_note,omitempty"`
	// Valid: the item is enabled and the agency holds a qualification, in
	// force today, that meets its requirement; else InvalidReason says why.
	Valid         bool   `json:"valid"`
	InvalidReason string `json:"invalid_reason,omitempty"`
}

// toListings resolves item names and checks validity against quals at now.
func (h *handlers) toListings(ls []registry.Listing, quals []registry.Qualification, now time.Time) []listingDTO {
	out := make([]listingDTO, 0, len(ls))
	for _, l := range ls {
		d := listingDTO{ItemCode: l.ItemCode, CommittedDays: l.CommittedDays, FeeNote: l.FeeNote, InvalidReason: "服务事项不存在"}
		if it, ok := h.Registry.Directory().Item(l.ItemCode); ok {
			d.ItemName, d.Stage = it.Name, string(it.Stage)
			d.Valid, d.InvalidReason = registry.ListingValid(it, quals, now)
		}
		out = append(out, d)
	}
	return out
}

type commitmentDTO struct {
	TextVersion string    `json:"text_version"`
	AcceptedAt  time.Time `json:"accepted_at"`
	AcceptedBy  string    `json:"accepted_by"`
}

type versionDTO struct {
	No         int        `json:"no"`
	Profile    profileDTO `json:"profile"`
	ApprovedAt time.Time  `json:"approved_at"`
	ApprovedBy string     `json:"approved_by"`
}

// agencyDTO is the full record: for the agency itself and supervisors.
type agencyDTO struct {
	ID            string            `json:"id"`
	Status        string            `json:"status"`
	StatusLabel   string            `json:"status_label"`
	Profile       profileDTO        `json:"profile"`
	PendingChange *profileDTO       `json:"pending_change,omitempty"`
	Practitioners []practitionerDTO `json:"practitioners"`
	Listings      []listingDTO      `json:"listings"`
	Commitment    *commitmentDTO    `json:"commitment,omitempty"`
	// CommitmentText is the letter to accept, while the current version is
	// not accepted yet.
	CommitmentText    string       `json:"commitment_text,omitempty"`
	CommitmentVersion string       `json:"commitment_version"`
	ReviewNote        string       `json:"review_note,omitempty"`
	Versions          []versionDTO `json:"versions"`
	SubmittedAt       *time.Time   `json:"submitted_at,omitempty"`
	AdmittedAt        *time.Time   `json:"admitted_at,omitempty"`
	UpdatedAt         time.Time    `json:"updated_at"`
	// Migration is set on agencies migrated from a legacy platform.
	Migration *migrationDTO `json:"migration,omitempty"`
}

// migrationDTO says where a migrated agency came from.
type migrationDTO struct {
	LegacyID   string    `json:"legacy_id"`   // 原平台机构编号
	AdmittedOn string    `json:"admitted_on"` // 原平台入驻日期, YYYY-MM-DD
	ImportedAt time.Time `json:"imported_at"`
	ImportedBy string    `json:"imported_by"`
}

func (h *handlers) toAgency(a registry.Agency) agencyDTO {
	now := h.now()
	today := registry.DateOf(now)
	out := agencyDTO{ID: a.ID, Status: string(a.Status), StatusLabel: a.Status.Label(), Profile: toProfile(a.Profile, today),
		Practitioners: make([]practitionerDTO, 0, len(a.Practitioners)), Listings: h.toListings(a.Listings, a.Profile.Qualifications, now),
		CommitmentVersion: registry.CommitmentVersion, ReviewNote: a.ReviewNote, Versions: make([]versionDTO, 0, len(a.Versions)),
		SubmittedAt: optTime(a.SubmittedAt), AdmittedAt: optTime(a.AdmittedAt), UpdatedAt: a.UpdatedAt.UTC()}
	if a.PendingChange != nil {
		p := toProfile(*a.PendingChange, today)
		out.PendingChange = &p
	}
	for _, p := range a.Practitioners {
		out.Practitioners = append(out.Practitioners, practitionerDTO{ID: p.ID, Name: p.Name, Certificate: p.Certificate, IDMasked: p.IDMasked})
	}
	if c := a.Commitment; !c.AcceptedAt.IsZero() {
		out.Commitment = &commitmentDTO{TextVersion: c.TextVersion, AcceptedAt: c.AcceptedAt.UTC(), AcceptedBy: c.AcceptedBy}
	}
	if a.Commitment.AcceptedAt.IsZero() || a.Commitment.TextVersion != registry.CommitmentVersion {
		out.CommitmentText = registry.CommitmentText
	}
	for _, v := range a.Versions {
		out.Versions = append(out.Versions, versionDTO{No: v.No, Profile: toProfile(v.Profile, today), ApprovedAt: v.ApprovedAt.UTC(), ApprovedBy: v.ApprovedBy})
	}
	if m := a.Migration; m != nil {
		out.Migration = &migrationDTO{LegacyID: m.LegacyID, AdmittedOn: m.AdmittedOn.String(), ImportedAt: m.ImportedAt.UTC(), ImportedBy: m.ImportedBy}
	}
	return out
}

// publicQualificationDTO is a qualification as the public sees it: no
// scanned certificate.
type publicQualificationDTO struct {
	Type        string `json:"type"`
	Level       string `json:"level,omitempty"`
	CertNo      string `json:"cert_no"`
	Issuer      string `json:"issuer,omitempty"`
	ValidFrom   string `json:"valid_from"`
	ValidTo     string `json:"valid_to"`
	Valid       bool   `json:"valid"`
	ExpiryLevel int    `json:"expiry_level"`
}

// publicPractitionerDTO has no ID number, masked or not.
type publicPractitionerDTO struct {
	Name        string `json:"name"`
	Certificate string `json:"certificate,omitempty"`
}

// publicAgencyDTO is the public profile of an admitted agency: its admitted
// version. Project counts and ratings come with the selection hall.
type publicAgencyDTO struct {
	ID             string                   `json:"id"`
	Name           string                   `json:"name"`
	USCC           string                   `json:"uscc"`
	LegalRep       string                   `json:"legal_rep"`
	Region         string                   `json:"region"`
	Address        string                   `json:"address,omitempty"`
	Contact        string                   `json:"contact,omitempty"`
	Phone          string                   `json:"phone,omitempty"`
	Email          string                   `json:"email,omitempty"`
	Status         string                   `json:"status"`
	StatusLabel    string                   `json:"status_label"`
	AdmittedAt     *time.Time               `json:"admitted_at,omitempty"`
	Qualifications []publicQualificationDTO `json:"qualifications"`
	Practitioners  []publicPractitionerDTO  `json:"practitioners"`
	Listings       []listingDTO             `json:"listings"`
}

func (h *handlers) toPublicAgency(a registry.Agency) publicAgencyDTO {
	now := h.now()
	p := a.Profile
	out := publicAgencyDTO{ID: a.ID, Name: p.Name, USCC: p.USCC, LegalRep: p.LegalRep, Region: p.Region, Address: p.Address,
		Contact: p.Contact, Phone: p.Phone, Email: p.Email, Status: string(a.Status), StatusLabel: a.Status.Label(),
		AdmittedAt: optTime(a.AdmittedAt), Qualifications: make([]publicQualificationDTO, 0, len(p.Qualifications)),
		Practitioners: make([]publicPractitionerDTO, 0, len(a.Practitioners)), Listings: h.toListings(a.Listings, p.Qualifications, now)}
	for _, q := range toQualifications(p.Qualifications, registry.DateOf(now)) {
		out.Qualifications = append(out.Qualifications, publicQualificationDTO{Type: q.Type, Level: q.Level, CertNo: q.CertNo,
			Issuer: q.Issuer, ValidFrom: q.ValidFrom, ValidTo: q.ValidTo, Valid: q.Valid, ExpiryLevel: q.ExpiryLevel})
	}
	for _, pr := range a.Practitioners {
		out.Practitioners = append(out.Practitioners, publicPractitionerDTO{Name: pr.Name, Certificate: pr.Certificate})
	}
	return out
}

type qualSummaryDTO struct {
	Type    string `json:"type"`
	ValidTo string `json:"valid_to"`
	Valid   bool   `json:"valid"`
}

// directoryItemDTO is one agency in the directory, with its listings that
// are valid now.
type directoryItemDTO struct {
	ID             string           `json:"id"`
	Name           string           `json:"name"`
	USCC           string           `json:"uscc"`
	Region         string           `json:"region"`
	Status         string           `json:"status"`
	StatusLabel    string           `json:"status_label"`
	Listings       []listingDTO     `json:"listings"`
	Qualifications []qualSummaryDTO `json:"qualifications"`
	Grade          string           `json:"grade,omitempty"` // credit grade; omitted before the first scoring
	Recommended    bool             `json:"recommended"`     // grade A: shown as recommended
}

func (h *handlers) toDirectoryItem(e registry.DirectoryEntry, today registry.Date) directoryItemDTO {
	a := e.Agency
	out := directoryItemDTO{ID: a.ID, Name: a.Profile.Name, USCC: a.Profile.USCC, Region: a.Profile.Region,
		Status: string(a.Status), StatusLabel: a.Status.Label(), Grade: e.Grade, Recommended: e.Recommended(),
		Listings:       make([]listingDTO, 0, len(e.ValidListings)),
		Qualifications: make([]qualSummaryDTO, 0, len(a.Profile.Qualifications))}
	for _, l := range e.ValidListings {
		d := listingDTO{ItemCode: l.ItemCode, CommittedDays: l.CommittedDays, FeeNote: l.FeeNote, Valid: true}
		if it, ok := h.Registry.Directory().Item(l.ItemCode); ok {
			d.ItemName, d.Stage = it.Name, string(it.Stage)
		}
		out.Listings = append(out.Listings, d)
	}
	for _, q := range a.Profile.Qualifications {
		out.Qualifications = append(out.Qualifications, qualSummaryDTO{Type: q.Type, ValidTo: q.ValidTo.String(), Valid: q.ValidOn(today)})
	}
	return out
}
