package hall

import (
	"context"
	"time"
)

// SealedEntry is one sealed submission of a quote. Entries are only ever
// added; the project's sign-up names the committed one by its receipt.
type SealedEntry struct {
	Receipt string
	Nonce   string
	Sealed  []byte // AES-256-GCM, see Sealer
	At      time.Time
}

// SealedQuote holds an agency's sealed submissions for one project, stored
// under the key project:agency. It is also the commit point of the quote
// protocol (docs/QUOTES.md): Committed names the submission that counts,
// and once Opened is set by the opening nothing can change it.
type SealedQuote struct {
	ProjectID string
	AgencyID  string
	Entries   []SealedEntry
	Committed string // receipt of the submission that counts; "" when none or withdrawn
	Opened    bool
	OpenedAt  time.Time
}

// Entry finds the submission with a receipt.
func (q SealedQuote) Entry(receipt string) (SealedEntry, bool) {
	for _, e := range q.Entries {
		if e.Receipt == receipt {
			return e, true
		}
	}
	return SealedEntry{}, false
}

// Current is the committed submission, if any.
func (q SealedQuote) Current() (SealedEntry, bool) {
	if q.Committed == "" {
		return SealedEntry{}, false
	}
	return q.Entry(q.Committed)
}

// Event is one step of a project that supervision scores from.
type Event struct {
	ID        string // project:sequence, so writing it twice is harmless
	Kind      string
	ProjectID string
	AgencyID  string
	OwnerOrg  string
	At        time.Time
	Data      map[string]string
}

// Store is what the hall needs from storage.
type Store interface {
	CreateProject(ctx context.Context, p Project) error
	GetProject(ctx context.Context, id string) (Project, error)
	// UpdateProject applies fn by compare-and-swap; fn may run more than once.
	UpdateProject(ctx context.Context, id string, fn func(*Project) error) (Project, error)
	EachProject(ctx context.Context, fn func(Project) error) error
	// NextSequence counts project numbers (per day).
	NextSequence(ctx context.Context, name string) (int64, error)

	// UpdateSealedQuote applies fn to project:agency by compare-and-swap,
	// creating the document when it does not exist yet.
	UpdateSealedQuote(ctx context.Context, projectID, agencyID string, fn func(*SealedQuote) error) (SealedQuote, error)
	GetSealedQuote(ctx context.Context, projectID, agencyID string) (SealedQuote, error)

	// PutEvent stores an event; an existing ID is left as it is.
	PutEvent(ctx context.Context, e Event) error
}
