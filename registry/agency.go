package registry

import (
	"time"
)

// AgencyStatus is where an agency stands in admission (入驻) and supervision.
type AgencyStatus string

const (
	StatusDraft       AgencyStatus = "draft"       // 草稿：申请未提交，或退回修改
	StatusPending     AgencyStatus = "pending"     // 待审核
	StatusActive      AgencyStatus = "active"      // 已入驻
	StatusSuspended   AgencyStatus = "suspended"   // 暂停
	StatusRejected    AgencyStatus = "rejected"    // 未通过
	StatusWithdrawn   AgencyStatus = "withdrawn"   // 已退出
	StatusBlacklisted AgencyStatus = "blacklisted" // 黑名单（由监管处罚设定）
)

// Label is the Chinese name shown on badges.
func (s AgencyStatus) Label() string {
	switch s {
	case StatusDraft:
		return "草稿"
	case StatusPending:
		return "待审核"
	case StatusActive:
		return "已入驻"
	case StatusSuspended:
		return "暂停"
	case StatusRejected:
		return "未通过"
	case StatusWithdrawn:
		return "已退出"
	case StatusBlacklisted:
		return "黑名单"
	}
	return string(s)
}

// Admitted reports whether the agency has been admitted at some point and
// is still listed: its admitted version is public.
func (s AgencyStatus) Admitted() bool {
	return s == StatusActive || s == StatusSuspended || s == StatusBlacklisted
}

// Profile is the part of an agency whose change after admission needs a
// regulator's review: name, credit code, legal representative and
// qualifications — plus the other organisation data, which travel with it.
type Profile struct {
	USCC           string
	Name           string
	LegalRep       string // 法定代表人
	Region         string
	Address        string
	Contact        string
	Phone          string
	Email          string
	Qualifications []Qualification
}

// Qualification is a certificate an agency holds.
type Qualification struct {
	ID        string
	Type      string // must equal a type named by service items
	Level     string // 甲级, 乙级 …
	CertNo    string
	Issuer    string
	ValidFrom Date
	ValidTo   Date
	FileID    string // the scanned certificate
}

// Practitioner is a professional working for the agency.
type Practitioner struct {
	ID          string
	Name        string
	Certificate string // professional certificate name and number
	IDMasked    string // ID number with all but the last 4 characters masked
}

// Listing is a service the agency offers from the catalog.
type Listing struct {
	ItemCode      string
	CommittedDays int // ≤ the item's statutory limit
	FeeNote       string
}

// Commitment records the acceptance of the commitment letter (承诺书).
type Commitment struct {
	TextVersion string
	AcceptedAt  time.Time
	AcceptedBy  string
}

// ProfileVersion is one admitted version, kept as history.
type ProfileVersion struct {
	No         int
	Profile    Profile
	ApprovedAt time.Time
	ApprovedBy string
}

// Agency is an intermediary agency in the registry. ID is the ID of the
// organisation account that registered it, which never changes even when
// the credit code does.
type Agency struct {
	ID            string
	Status        AgencyStatus
	Profile       Profile  // the admitted version once admitted; the application before
	PendingChange *Profile // a key-field change awaiting review after admission
	Practitioners []Practitioner
	Listings      []Listing
	Commitment    Commitment
	Versions      []ProfileVersion
	ReviewNote    string // the last reviewer's reason or comments
	SubmittedAt   time.Time
	AdmittedAt    time.Time
	UpdatedAt     time.Time
	// Migration is set on agencies brought in from a legacy platform by
	// ImportMigrated, and nil on those that applied on this platform.
	Migration *Migration
	Version   int64 // storage compare-and-swap version, read only
}

// QualificationByID finds one of the agency's current qualifications.
func (a Agency) QualificationByID(id string) (Qualification, bool) {
	for _, q := range a.Profile.Qualifications {
		if q.ID == id {
			return q, true
		}
	}
	return Qualification{}, false
}
