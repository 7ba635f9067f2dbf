package mongostore

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/agencyhall/agencyhall/reports"
)

// exportTaskDoc is a background export's record: the domain record wrapped
// with the _id and the compare-and-swap version, like supervision's.
type exportTaskDoc struct {
	ID         string       `bson:"_id"`
	Task       reports.Task `bson:"task"`
	DocVersion `bson:",inline"`
}

func (d exportTaskDoc) task() reports.Task {
	d.Task.Version = d.Version
	return d.Task
}

// ExportTaskStore implements reports.TaskStore.
type ExportTaskStore struct{ s *Store }

// ExportTasks returns the store of background export tasks.
func (s *Store) ExportTasks() *ExportTaskStore { return &ExportTaskStore{s: s} }

var _ reports.TaskStore = (*ExportTaskStore)(nil)

const exportTaskWhat = "导出任务"

func (x *ExportTaskStore) CreateTask(ctx context.Context, t reports.Task) error {
	t.Version = 0
	return insertDoc(ctx, x.s, collExportTasks, exportTaskWhat, exportTaskDoc{ID: t.ID, Task: t, DocVersion: DocVersion{1}})
}

func (x *ExportTaskStore) GetTask(ctx context.Context, id string) (reports.Task, error) {
	d, err := getDoc[exportTaskDoc](ctx, x.s, collExportTasks, id, exportTaskWhat)
	return d.task(), err
}

func (x *ExportTaskStore) UpdateTask(ctx context.Context, id string, fn func(*reports.Task) error) (reports.Task, error) {
	d, err := updateDoc(ctx, x.s, collExportTasks, id, exportTaskWhat, func(d *exportTaskDoc) error {
		d.Task.Version = 0
		if err := fn(&d.Task); err != nil {
			return err
		}
		d.Task.ID, d.Task.Version = id, 0 // the key and the version are the store's
		return nil
	})
	return d.task(), err
}

func (x *ExportTaskStore) ListTasks(ctx context.Context, owner string, limit int) ([]reports.Task, error) {
	page, err := findPage(ctx, x.s, collExportTasks, exportTaskWhat, bson.D{{Key: "task.owner", Value: owner}},
		bson.D{{Key: "task.created", Value: -1}, {Key: "_id", Value: -1}}, 1, limit, func(exportTaskDoc) bool { return true })
	out := make([]reports.Task, 0, len(page.items))
	for _, d := range page.items {
		out = append(out, d.task())
	}
	return out, err
}

func (x *ExportTaskStore) EachTask(ctx context.Context, fn func(reports.Task) error) error {
	return eachDoc(ctx, x.s, collExportTasks, exportTaskWhat, func(d exportTaskDoc) error { return fn(d.task()) })
}

func (x *ExportTaskStore) DeleteTask(ctx context.Context, id string) error {
	_, err := x.s.coll(collExportTasks).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return translate(err, exportTaskWhat)
}
