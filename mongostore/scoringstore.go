package mongostore

import (
	"context"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/scoring"
)

// Supervision's records are stored like projects: a wrapper with the _id
// and the compare-and-swap version around the domain record, which the
// driver encodes with lower-cased field names (the domain types carry no
// tags).
type complaintDoc struct {
	ID         string            `bson:"_id"`
	Complaint  scoring.Complaint `bson:"complaint"`
	DocVersion `bson:",inline"`
}

type sanctionDoc struct {
	ID         string           `bson:"_id"`
	Sanction   scoring.Sanction `bson:"sanction"`
	DocVersion `bson:",inline"`
}

type appealDoc struct {
	ID         string         `bson:"_id"`
	Appeal     scoring.Appeal `bson:"appeal"`
	DocVersion `bson:",inline"`
}

type rulesDoc struct {
	ID         string         `bson:"_id"`
	Rules      []scoring.Rule `bson:"rules"`
	DocVersion `bson:",inline"`
}

type snapshotDoc struct {
	ID         string           `bson:"_id"`
	Snapshot   scoring.Snapshot `bson:"snapshot"`
	DocVersion `bson:",inline"`
}

type historyDoc struct {
	ID         string                 `bson:"_id"` // the agency
	Points     []scoring.HistoryPoint `bson:"points"`
	DocVersion `bson:",inline"`
}

// ScoringStore implements scoring.Store.
type ScoringStore struct{ s *Store }

// Scoring returns supervision's store.
func (s *Store) Scoring() *ScoringStore { return &ScoringStore{s: s} }

var _ scoring.Store = (*ScoringStore)(nil)

func (x *ScoringStore) CreateComplaint(ctx context.Context, c scoring.Complaint) error {
	c.Version = 0
	return insertDoc(ctx, x.s, collComplaints, "投诉", complaintDoc{ID: c.ID, Complaint: c, DocVersion: DocVersion{1}})
}

func (x *ScoringStore) GetComplaint(ctx context.Context, id string) (scoring.Complaint, error) {
	d, err := getDoc[complaintDoc](ctx, x.s, collComplaints, id, "投诉")
	d.Complaint.Version = d.Version
	return d.Complaint, err
}

func (x *ScoringStore) UpdateComplaint(ctx context.Context, id string, fn func(*scoring.Complaint) error) (scoring.Complaint, error) {
	d, err := updateDoc(ctx, x.s, collComplaints, id, "投诉", func(d *complaintDoc) error { return fn(&d.Complaint) })
	d.Complaint.Version = d.Version
	return d.Complaint, err
}

func (x *ScoringStore) EachComplaint(ctx context.Context, fn func(scoring.Complaint) error) error {
	return eachDoc(ctx, x.s, collComplaints, "投诉", func(d complaintDoc) error { d.Complaint.Version = d.Version; return fn(d.Complaint) })
}

func (x *ScoringStore) CreateSanction(ctx context.Context, v scoring.Sanction) error {
	v.Version = 0
	return insertDoc(ctx, x.s, collSanctions, "处理", sanctionDoc{ID: v.ID, Sanction: v, DocVersion: DocVersion{1}})
}

func (x *ScoringStore) UpdateSanction(ctx context.Context, id string, fn func(*scoring.Sanction) error) (scoring.Sanction, error) {
	d, err := updateDoc(ctx, x.s, collSanctions, id, "处理", func(d *sanctionDoc) error { return fn(&d.Sanction) })
	d.Sanction.Version = d.Version
	return d.Sanction, err
}

func (x *ScoringStore) EachSanction(ctx context.Context, fn func(scoring.Sanction) error) error {
	return eachDoc(ctx, x.s, collSanctions, "处理", func(d sanctionDoc) error { d.Sanction.Version = d.Version; return fn(d.Sanction) })
}

func (x *ScoringStore) CreateAppeal(ctx context.Context, a scoring.Appeal) error {
	a.Version = 0
	return insertDoc(ctx, x.s, collAppeals, "申诉", appealDoc{ID: a.ID, Appeal: a, DocVersion: DocVersion{1}})
}

func (x *ScoringStore) UpdateAppeal(ctx context.Context, id string, fn func(*scoring.Appeal) error) (scoring.Appeal, error) {
	d, err := updateDoc(ctx, x.s, collAppeals, id, "申诉", func(d *appealDoc) error { return fn(&d.Appeal) })
	d.Appeal.Version = d.Version
	return d.Appeal, err
}

func (x *ScoringStore) EachAppeal(ctx context.Context, fn func(scoring.Appeal) error) error {
	return eachDoc(ctx, x.s, collAppeals, "申诉", func(d appealDoc) error { d.Appeal.Version = d.Version; return fn(d.Appeal) })
}

const rulesID = "credit_rules"

func (x *ScoringStore) Rules(ctx context.Context) ([]scoring.Rule, error) {
	d, err := getDoc[rulesDoc](ctx, x.s, collSettings, rulesID, "评分规则")
	if apperr.Is(err, apperr.KindNotFound) {
		return nil, nil
	}
	return d.Rules, err
}

func (x *ScoringStore) PutRules(ctx context.Context, rules []scoring.Rule) error {
	_, err := upsertDoc(ctx, x.s, collSettings, rulesID, "评分规则", func() rulesDoc { return rulesDoc{ID: rulesID} },
		func(d *rulesDoc) error { d.Rules = rules; return nil })
	return err
}

func (x *ScoringStore) PutSnapshot(ctx context.Context, snap scoring.Snapshot) error {
	_, err := upsertDoc(ctx, x.s, collSnapshots, snap.ID, "评分快照", func() snapshotDoc { return snapshotDoc{ID: snap.ID} },
		func(d *snapshotDoc) error { d.Snapshot = snap; return nil })
	return err
}

func (x *ScoringStore) GetSnapshot(ctx context.Context, id string) (scoring.Snapshot, error) {
	d, err := getDoc[snapshotDoc](ctx, x.s, collSnapshots, id, "评分快照")
	return d.Snapshot, err
}

func (x *ScoringStore) PutHistoryPoint(ctx context.Context, agency string, p scoring.HistoryPoint) error {
	_, err := upsertDoc(ctx, x.s, collHistory, agency, "评分历史", func() historyDoc { return historyDoc{ID: agency} },
		func(d *historyDoc) error {
			kept := d.Points[:0]
			for _, q := range d.Points {
				if q.Date != p.Date {
					kept = append(kept, q)
				}
			}
			kept = append(kept, p)
			sortHistory(kept)
			if len(kept) > scoring.HistoryDays {
				kept = kept[len(kept)-scoring.HistoryDays:]
			}
			d.Points = kept
			return nil
		})
	return err
}

func (x *ScoringStore) GetHistory(ctx context.Context, agency string) ([]scoring.HistoryPoint, error) {
	d, err := getDoc[historyDoc](ctx, x.s, collHistory, agency, "评分历史")
	if apperr.Is(err, apperr.KindNotFound) {
		return nil, nil
	}
	return d.Points, err
}

func (x *ScoringStore) EachHistory(ctx context.Context, fn func(string, []scoring.HistoryPoint) error) error {
	return eachDoc(ctx, x.s, collHistory, "评分历史", func(d historyDoc) error { return fn(d.ID, d.Points) })
}

func (x *ScoringStore) PutEvent(ctx context.Context, e hall.Event) error {
	return x.s.Hall().PutEvent(ctx, e)
}

func (x *ScoringStore) EachEvent(ctx context.Context, fn func(hall.Event) error) error {
	return eachDoc(ctx, x.s, collEvents, "事件", func(d eventDoc) error {
		return fn(hall.Event{ID: d.ID, Kind: d.Kind, ProjectID: d.ProjectID, AgencyID: d.AgencyID, OwnerOrg: d.OwnerOrg, At: d.At, Data: d.Data})
	})
}

func (x *ScoringStore) NextSequence(ctx context.Context, name string) (int64, error) {
	return x.s.NextSequence(ctx, name)
}

func sortHistory(p []scoring.HistoryPoint) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].Date < p[j-1].Date; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

type alertDoc struct {
	ID         string        `bson:"_id"`
	Alert      scoring.Alert `bson:"alert"`
	DocVersion `bson:",inline"`
}

var _ scoring.AlertStore = (*ScoringStore)(nil)

func (x *ScoringStore) PutAlert(ctx context.Context, a scoring.Alert) error {
	_, err := upsertDoc(ctx, x.s, collAlerts, a.ID, "预警", func() alertDoc { return alertDoc{ID: a.ID} },
		func(d *alertDoc) error { d.Alert = a; return nil })
	return err
}

func (x *ScoringStore) EachAlert(ctx context.Context, fn func(scoring.Alert) error) error {
	return eachDoc(ctx, x.s, collAlerts, "预警", func(d alertDoc) error { return fn(d.Alert) })
}

type inspectionDoc struct {
	ID         string             `bson:"_id"`
	Inspection scoring.Inspection `bson:"inspection"`
	DocVersion `bson:",inline"`
}

var _ scoring.InspectionStore = (*ScoringStore)(nil)

func (x *ScoringStore) PutInspection(ctx context.Context, in scoring.Inspection) error {
	_, err := upsertDoc(ctx, x.s, collInspections, in.ID, "抽查计划", func() inspectionDoc { return inspectionDoc{ID: in.ID} },
		func(d *inspectionDoc) error { d.Inspection = in; return nil })
	return err
}

func (x *ScoringStore) EachInspection(ctx context.Context, fn func(scoring.Inspection) error) error {
	return eachDoc(ctx, x.s, collInspections, "抽查计划", func(d inspectionDoc) error { return fn(d.Inspection) })
}
