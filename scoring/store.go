package scoring

import (
	"context"

	"github.com/agencyhall/agencyhall/hall"
)

// Snapshot is an agency's scorecard of one day; its ID is agency:date, so
// a rerun of the same day replaces it instead of adding a second one.
type Snapshot struct {
	ID       string
	AgencyID string
	Date     string // 2006-01-02, Asia/Shanghai
	Card     Scorecard
}

// HistoryPoint is one day of an agency's score history.
type HistoryPoint struct {
	Date  string // 2006-01-02
	Score Points
	Grade string
}

// HistoryDays is how many daily points a history keeps.
const HistoryDays = 400

// SnapshotID names the snapshot of an agency on a day.
func SnapshotID(agency, date string) string { return agency + ":" + date }

// Store is what supervision needs from storage.
type Store interface {
	CreateComplaint(ctx context.Context, c Complaint) error
	GetComplaint(ctx context.Context, id string) (Complaint, error)
	UpdateComplaint(ctx context.Context, id string, fn func(*Complaint) error) (Complaint, error)
	EachComplaint(ctx context.Context, fn func(Complaint) error) error

	CreateSanction(ctx context.Context, s Sanction) error
	UpdateSanction(ctx context.Context, id string, fn func(*Sanction) error) (Sanction, error)
	EachSanction(ctx context.Context, fn func(Sanction) error) error

	CreateAppeal(ctx context.Context, a Appeal) error
	UpdateAppeal(ctx context.Context, id string, fn func(*Appeal) error) (Appeal, error)
	EachAppeal(ctx context.Context, fn func(Appeal) error) error

	// Rules returns the stored rule table (nil when never changed).
	Rules(ctx context.Context) ([]Rule, error)
	PutRules(ctx context.Context, rules []Rule) error

	// PutSnapshot creates or replaces the snapshot with the same ID.
	PutSnapshot(ctx context.Context, s Snapshot) error
	GetSnapshot(ctx context.Context, id string) (Snapshot, error)
	// PutHistoryPoint records an agency's score of a day in its history
	// document (one per agency, so a 12-month chart is one read), replacing
	// a point of the same day.
	PutHistoryPoint(ctx context.Context, agency string, p HistoryPoint) error
	GetHistory(ctx context.Context, agency string) ([]HistoryPoint, error)
	EachHistory(ctx context.Context, fn func(agency string, points []HistoryPoint) error) error

	// Events: the hall's events and supervision's own, streamed once.
	PutEvent(ctx context.Context, e hall.Event) error
	EachEvent(ctx context.Context, fn func(hall.Event) error) error

	NextSequence(ctx context.Context, name string) (int64, error)
}
