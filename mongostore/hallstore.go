package mongostore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/agencyhall/agencyhall/hall"
)

// projectDoc wraps hall.Project with the fields queries and the
// compare-and-swap need at the top level. The project itself is stored as
// the driver encodes it (lower-cased field names): it carries no tags.
type projectDoc struct {
	ID         string       `bson:"_id"`
	State      string       `bson:"state"`
	OwnerOrg   string       `bson:"owner_org"`
	Project    hall.Project `bson:"project"`
	DocVersion `bson:",inline"`
}

// HallStore implements hall.Store.
type HallStore struct{ s *Store }

// Hall returns the selection hall's store.
func (s *Store) Hall() *HallStore { return &HallStore{s: s} }

var _ hall.Store = (*HallStore)(nil)

func toProjectDoc(p hall.Project) projectDoc {
	p.Version = 0
	return projectDoc{ID: p.ID, State: string(p.State), OwnerOrg: p.OwnerOrg, Project: p}
}

func (d projectDoc) toProject() hall.Project {
	p := d.Project
	p.Version = d.Version
	return p
}

func (h *HallStore) CreateProject(ctx context.Context, p hall.Project) error {
	d := toProjectDoc(p)
	d.Version = 1
	return insertDoc(ctx, h.s, collProjects, "项目", d)
}

func (h *HallStore) GetProject(ctx context.Context, id string) (hall.Project, error) {
	d, err := getDoc[projectDoc](ctx, h.s, collProjects, id, "项目")
	return d.toProject(), err
}

func (h *HallStore) UpdateProject(ctx context.Context, id string, fn func(*hall.Project) error) (hall.Project, error) {
	d, err := updateDoc(ctx, h.s, collProjects, id, "项目", func(d *projectDoc) error {
		p := d.toProject()
		if err := fn(&p); err != nil {
			return err
		}
		v := d.Version
		*d = toProjectDoc(p)
		d.ID, d.Version = id, v
		return nil
	})
	return d.toProject(), err
}

func (h *HallStore) EachProject(ctx context.Context, fn func(hall.Project) error) error {
	return eachDoc(ctx, h.s, collProjects, "项目", func(d projectDoc) error { return fn(d.toProject()) })
}

func (h *HallStore) NextSequence(ctx context.Context, name string) (int64, error) {
	return h.s.NextSequence(ctx, name)
}

type sealedEntryDoc struct {
	Receipt string    `bson:"receipt"`
	Nonce   string    `bson:"nonce"`
	Sealed  []byte    `bson:"sealed"`
	At      time.Time `bson:"at"`
}

type sealedQuoteDoc struct {
	ID         string           `bson:"_id"` // project:agency
	ProjectID  string           `bson:"project_id"`
	AgencyID   string           `bson:"agency_id"`
	Entries    []sealedEntryDoc `bson:"entries"`
	Committed  string           `bson:"committed"`
	Opened     bool             `bson:"opened"`
	OpenedAt   time.Time        `bson:"opened_at"`
	DocVersion `bson:",inline"`
}

func (d sealedQuoteDoc) toQuote() hall.SealedQuote {
	q := hall.SealedQuote{ProjectID: d.ProjectID, AgencyID: d.AgencyID, Committed: d.Committed, Opened: d.Opened, OpenedAt: d.OpenedAt}
	for _, e := range d.Entries {
		q.Entries = append(q.Entries, hall.SealedEntry{Receipt: e.Receipt, Nonce: e.Nonce, Sealed: e.Sealed, At: e.At})
	}
	return q
}

func (h *HallStore) UpdateSealedQuote(ctx context.Context, projectID, agencyID string, fn func(*hall.SealedQuote) error) (hall.SealedQuote, error) {
	id := projectID + ":" + agencyID
	d, err := upsertDoc(ctx, h.s, collQuotes, id, "报价", func() sealedQuoteDoc {
		return sealedQuoteDoc{ID: id, ProjectID: projectID, AgencyID: agencyID}
	}, func(d *sealedQuoteDoc) error {
		q := d.toQuote()
		if err := fn(&q); err != nil {
			return err
		}
		d.Committed, d.Opened, d.OpenedAt = q.Committed, q.Opened, q.OpenedAt
		d.Entries = d.Entries[:0]
		for _, e := range q.Entries {
			d.Entries = append(d.Entries, sealedEntryDoc{Receipt: e.Receipt, Nonce: e.Nonce, Sealed: e.Sealed, At: e.At})
		}
		return nil
	})
	return d.toQuote(), err
}

func (h *HallStore) GetSealedQuote(ctx context.Context, projectID, agencyID string) (hall.SealedQuote, error) {
	d, err := getDoc[sealedQuoteDoc](ctx, h.s, collQuotes, projectID+":"+agencyID, "报价")
	return d.toQuote(), err
}

type eventDoc struct {
	ID        string            `bson:"_id"`
	Kind      string            `bson:"kind"`
	ProjectID string            `bson:"project_id"`
	AgencyID  string            `bson:"agency_id,omitempty"`
	OwnerOrg  string            `bson:"owner_org"`
	At        time.Time         `bson:"at"`
	Data      map[string]string `bson:"data,omitempty"`
}

func (h *HallStore) PutEvent(ctx context.Context, e hall.Event) error {
	err := insertDoc(ctx, h.s, collEvents, "事件", eventDoc{ID: e.ID, Kind: e.Kind, ProjectID: e.ProjectID, AgencyID: e.AgencyID,
		OwnerOrg: e.OwnerOrg, At: e.At, Data: e.Data})
	if isDuplicate(err) {
		return nil
	}
	return err
}

// PutEvents stores many events at once (bulk loads: the data generator and
// benchmarks); existing IDs are skipped.
func (h *HallStore) PutEvents(ctx context.Context, events []hall.Event) error {
	docs := make([]any, len(events))
	for i, e := range events {
		docs[i] = eventDoc{ID: e.ID, Kind: e.Kind, ProjectID: e.ProjectID, AgencyID: e.AgencyID, OwnerOrg: e.OwnerOrg, At: e.At, Data: e.Data}
	}
	_, err := h.s.coll(collEvents).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return translate(err, "事件")
	}
	return nil
}

type calendarDoc struct {
	ID         string    `bson:"_id"` // calendar:<year>
	Year       hall.Year `bson:"year"`
	DocVersion `bson:",inline"`
}

var _ hall.CalendarStore = (*HallStore)(nil)

func (h *HallStore) PutCalendarYear(ctx context.Context, y hall.Year) error {
	id := "calendar:" + strconv.Itoa(y.Year)
	_, err := upsertDoc(ctx, h.s, collSettings, id, "节假日安排", func() calendarDoc { return calendarDoc{ID: id} },
		func(d *calendarDoc) error { d.Year = y; return nil })
	return err
}

func (h *HallStore) EachCalendarYear(ctx context.Context, fn func(hall.Year) error) error {
	return eachDoc(ctx, h.s, collSettings, "节假日安排", func(d calendarDoc) error {
		if !strings.HasPrefix(d.ID, "calendar:") {
			return nil
		}
		return fn(d.Year)
	})
}
