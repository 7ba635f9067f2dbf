package mongostore

import (
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Collection names.
const (
	collOrgs         = "orgs"
	collUsers        = "users"
	collSessions     = "sessions"
	collTokens       = "api_tokens"
	collThrottles    = "login_throttles"
	collAudit        = "audit"
	collCounters     = "counters"
	collLeases       = "leases"
	collServiceItems = "service_items"
	collAgencies     = "agencies"
	collFiles        = "files"
	collProjects     = "projects"
	collQuotes       = "sealed_quotes"
	collEvents       = "events"
	collRuns         = "job_runs"
	collComplaints   = "complaints"
	collSanctions    = "sanctions"
	collAppeals      = "appeals"
	collSettings     = "settings"
	collSnapshots    = "score_snapshots"
	collHistory      = "score_history"
	collAlerts       = "alerts"
	collInspections  = "inspections"
	collExportTasks  = "export_tasks" // background Excel exports (reports)
)

type collectionSpec struct {
	name    string
	indexes []mongo.IndexModel
}

func index(keys ...string) mongo.IndexModel {
	d := bson.D{}
	for _, k := range keys {
		d = append(d, bson.E{Key: k, Value: 1})
	}
	return mongo.IndexModel{Keys: d}
}

// collections declares every collection and its secondary indexes. They are
// created at start-up; on MongoDB the indexes serve the list queries, on the
// embedded engine only _id lookups use an index (DESIGN.md §3).
var collections = []collectionSpec{
	{name: collOrgs, indexes: []mongo.IndexModel{index("kind"), index("uscc")}},
	{name: collUsers, indexes: []mongo.IndexModel{index("org_id")}},
	{name: collSessions, indexes: []mongo.IndexModel{index("user_id")}},
	{name: collTokens, indexes: []mongo.IndexModel{index("user_id")}},
	{name: collThrottles},
	{name: collAudit, indexes: []mongo.IndexModel{index("seq"), index("actor_id")}},
	{name: collCounters},
	{name: collLeases},
	{name: collServiceItems, indexes: []mongo.IndexModel{index("stage")}},
	{name: collAgencies, indexes: []mongo.IndexModel{index("status")}},
	{name: collFiles, indexes: []mongo.IndexModel{index("owner_org")}},
	{name: collProjects, indexes: []mongo.IndexModel{index("state"), index("owner_org")}},
	{name: collQuotes, indexes: []mongo.IndexModel{index("project_id")}},
	{name: collComplaints},
	{name: collSanctions},
	{name: collAppeals},
	{name: collSettings},
	{name: collSnapshots},
	{name: collHistory},
	{name: collAlerts},
	{name: collInspections},
	{name: collRuns, indexes: []mongo.IndexModel{index("job", "start")}},
	{name: collEvents, indexes: []mongo.IndexModel{index("project_id"), index("agency_id"), index("at")}},
	{name: collExportTasks, indexes: []mongo.IndexModel{index("task.owner")}},
}
