package mongostore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/agencyhall/agencyhall/hall"
)

// projectDoc is a project as stored: the fields that queries and the
// compare-and-swap need at the top level, and the project itself as one
// binary body (body.go): its BSON, as the driver encodes hall.Project
// (no tags: lower-cased field names), compressed.
//
// Why not a sub-document: the embedded engine stores every document as
// JSON with a type schema beside it, one entry per field of every nested
// document and array element. For a project with its timeline and
// sign-ups the schema was two thirds of the stored bytes, and decoding it
// was 75 % of the start-up: 1.85 ms a project, 25 s for 13,800 projects.
// As one binary the engine moves the body without looking inside (6.1 s
// uncompressed, 3.9 s compressed, 2.3 s with eachDoc's decoding beside
// the engine's reading). Documents written before (the project
// under "project") are still read, and are rewritten once on load.
type projectDoc struct {
	ID         string
	State      string
	OwnerOrg   string
	Project    hall.Project
	DocVersion // in memory only; stored as "version"

	stale bool // read from an earlier stored form: before body, or another dictionary
}

// projectWire is projectDoc's stored form as read: the body, or the
// sub-document of the form before it.
type projectWire struct {
	ID       string        `bson:"_id"`
	State    string        `bson:"state"`
	OwnerOrg string        `bson:"owner_org"`
	Body     bson.Binary   `bson:"body,omitempty"`
	Legacy   *hall.Project `bson:"project,omitempty"` // the form before body: read only
	Version  int64         `bson:"version"`
}

// MarshalBSON stores the project as its body.
func (d projectDoc) MarshalBSON() ([]byte, error) {
	b, err := marshalBodied(d.Project, bson.D{{Key: "_id", Value: d.ID}, {Key: "state", Value: d.State},
		{Key: "owner_org", Value: d.OwnerOrg}, {Key: "version", Value: d.Version}})
	if err != nil {
		return nil, fmt.Errorf("encode project %s: %w", d.ID, err)
	}
	return b, nil
}

// UnmarshalBSON reads either stored form.
func (d *projectDoc) UnmarshalBSON(b []byte) error {
	var w projectWire
	if err := bson.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = projectDoc{ID: w.ID, State: w.State, OwnerOrg: w.OwnerOrg, DocVersion: DocVersion{Version: w.Version}}
	switch {
	case w.Body.Data != nil:
		stale, err := decodeBody(w.Body, &d.Project)
		if err != nil {
			return fmt.Errorf("decode project %s: %w", w.ID, err)
		}
		d.stale = stale
	case w.Legacy != nil:
		d.Project, d.stale = *w.Legacy, true
	}
	return nil
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

func (d *projectDoc) docID() string { return d.ID }
func (d *projectDoc) isStale() bool { return d.stale }

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

// EachProject streams every project in creation order: by number on
// MongoDB (from the _id index), in stored order on the embedded engine —
// SQLite returns rows in insertion order and replaces keep a row's place.
// Projects still in an earlier stored form are rewritten in the current
// one afterwards, in the background, so the next start reads them fast.
func (h *HallStore) EachProject(ctx context.Context, fn func(hall.Project) error) error {
	return eachBodied[projectDoc](ctx, h.s, collProjects, "项目", bson.D{{Key: "_id", Value: 1}},
		func(d *projectDoc) error { return fn(d.toProject()) })
}

// PutProjects stores many new projects at once (bulk loads: benchmarks);
// an existing number is a conflict.
func (h *HallStore) PutProjects(ctx context.Context, ps []hall.Project) error {
	docs := make([]any, len(ps))
	for i, p := range ps {
		d := toProjectDoc(p)
		d.Version = 1
		docs[i] = d
	}
	_, err := h.s.coll(collProjects).InsertMany(ctx, docs)
	if err == nil {
		h.s.wrote(collProjects)
	}
	return translate(err, "项目")
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
