// Package ocds publishes the selection hall as open data in the Open
// Contracting Data Standard 1.1 (https://standard.open-contracting.org/1.1/):
// one release per state change of a project after its publication, a
// cursor-paged release feed and a record per project. The types here are
// the standard's JSON, so they carry its field names; the domain types of
// the hall stay free of them.
package ocds

import "encoding/json"

// Version is the OCDS version every package declares.
const Version = "1.1"

// Release is one OCDS release: the state of a contracting process at one
// moment, complete in itself (every release repeats what is known then).
type Release struct {
	OCID           string         `json:"ocid"`
	ID             string         `json:"id"`
	Date           string         `json:"date"`
	Tag            []string       `json:"tag"`
	InitiationType string         `json:"initiationType"`
	Language       string         `json:"language,omitempty"`
	Parties        []Organization `json:"parties,omitempty"`
	Buyer          *OrgRef        `json:"buyer,omitempty"`
	Tender         *Tender        `json:"tender,omitempty"`
	Awards         []Award        `json:"awards,omitempty"`
	Contracts      []Contract     `json:"contracts,omitempty"`
}

// Organization is an entry of the parties list.
type Organization struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Identifier Identifier `json:"identifier"`
	Roles      []string   `json:"roles"`
}

// Identifier names an organisation by its unified social credit code.
type Identifier struct {
	Scheme    string `json:"scheme"`
	ID        string `json:"id"`
	LegalName string `json:"legalName,omitempty"`
}

// OrgRef points at an entry of the parties list.
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Value is an amount of money. Amounts are yuan written from fen, so
// they are exact decimals rather than binary floats.
type Value struct {
	Amount   json.Number `json:"amount"`
	Currency string      `json:"currency"`
}

// Period is a span of time; any part may be unknown.
type Period struct {
	StartDate      string `json:"startDate,omitempty"`
	EndDate        string `json:"endDate,omitempty"`
	DurationInDays int    `json:"durationInDays,omitempty"`
}

// Classification codes what is bought: the service item of the catalog.
type Classification struct {
	Scheme      string `json:"scheme"`
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
}

// Item is one thing bought; a project buys one service.
type Item struct {
	ID             string          `json:"id"`
	Description    string          `json:"description,omitempty"`
	Classification *Classification `json:"classification,omitempty"`
	Quantity       int             `json:"quantity,omitempty"`
}

// Tender is the announcement and the selection.
type Tender struct {
	ID                       string   `json:"id"`
	Title                    string   `json:"title,omitempty"`
	Description              string   `json:"description,omitempty"`
	Status                   string   `json:"status"`
	ProcuringEntity          *OrgRef  `json:"procuringEntity,omitempty"`
	Items                    []Item   `json:"items,omitempty"`
	Value                    *Value   `json:"value,omitempty"`
	MinValue                 *Value   `json:"minValue,omitempty"`
	ProcurementMethod        string   `json:"procurementMethod"`
	ProcurementMethodDetails string   `json:"procurementMethodDetails,omitempty"`
	MainProcurementCategory  string   `json:"mainProcurementCategory"`
	AwardCriteria            string   `json:"awardCriteria,omitempty"`
	AwardCriteriaDetails     string   `json:"awardCriteriaDetails,omitempty"`
	SubmissionMethod         []string `json:"submissionMethod,omitempty"`
	TenderPeriod             *Period  `json:"tenderPeriod,omitempty"`
	AwardPeriod              *Period  `json:"awardPeriod,omitempty"`
	ContractPeriod           *Period  `json:"contractPeriod,omitempty"`
	EligibilityCriteria      string   `json:"eligibilityCriteria,omitempty"`
	NumberOfTenderers        *int     `json:"numberOfTenderers,omitempty"`
	Tenderers                []OrgRef `json:"tenderers,omitempty"`
}

// Award is a selection result.
type Award struct {
	ID        string   `json:"id"`
	Title     string   `json:"title,omitempty"`
	Status    string   `json:"status"`
	Date      string   `json:"date,omitempty"`
	Value     *Value   `json:"value,omitempty"`
	Suppliers []OrgRef `json:"suppliers,omitempty"`
}

// Contract is the signed service contract and how it is carried out.
type Contract struct {
	ID             string          `json:"id"`
	AwardID        string          `json:"awardID"`
	Title          string          `json:"title,omitempty"`
	Status         string          `json:"status"`
	Period         *Period         `json:"period,omitempty"`
	Value          *Value          `json:"value,omitempty"`
	DateSigned     string          `json:"dateSigned,omitempty"`
	Implementation *Implementation `json:"implementation,omitempty"`
}

// Implementation holds the milestones of the service.
type Implementation struct {
	Milestones []Milestone `json:"milestones,omitempty"`
}

// Milestone is one step of the service: the result due, its acceptance,
// the owner's evaluation.
type Milestone struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	DueDate     string `json:"dueDate,omitempty"`
	DateMet     string `json:"dateMet,omitempty"`
	Status      string `json:"status"`
}

// Publisher names who publishes the data.
type Publisher struct {
	Name string `json:"name"`
	URI  string `json:"uri,omitempty"`
}

// Links lead to the next page of a feed.
type Links struct {
	Next string `json:"next,omitempty"`
}

// ReleasePackage is one page of the release feed.
type ReleasePackage struct {
	URI           string    `json:"uri"`
	Version       string    `json:"version"`
	PublishedDate string    `json:"publishedDate"`
	Publisher     Publisher `json:"publisher"`
	Releases      []Release `json:"releases"`
	Links         *Links    `json:"links,omitempty"`
}

// LinkedRelease points at a release of a record.
type LinkedRelease struct {
	URL  string   `json:"url"`
	Date string   `json:"date"`
	Tag  []string `json:"tag"`
}

// Record is everything published about one contracting process.
type Record struct {
	OCID            string          `json:"ocid"`
	Releases        []LinkedRelease `json:"releases"`
	CompiledRelease Release         `json:"compiledRelease"`
}

// RecordPackage wraps records for publication.
type RecordPackage struct {
	URI           string    `json:"uri"`
	Version       string    `json:"version"`
	PublishedDate string    `json:"publishedDate"`
	Publisher     Publisher `json:"publisher"`
	Records       []Record  `json:"records"`
}
