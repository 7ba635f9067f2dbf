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
	collTicks        = "job_ticks" // one claim per scheduled tick of a job (runstore.go)
	collComplaints   = "complaints"
	collSanctions    = "sanctions"
	collAppeals      = "appeals"
	collSettings     = "settings"
	collSnapshots    = "score_snapshots"
	collHistory      = "score_history"
	collAlerts       = "alerts"
	collInspections  = "inspections"
	collExportTasks  = "export_tasks" // background Excel exports (reports)
	// The message centre (notifystore.go).
	collNotifyQueue = "notify_queue"       // events waiting for fan-out, removed after
	collNotifyMarks = "notify_marks"       // keys recorded once (qualification warnings)
	collInboxes     = "inboxes"            // one per user: notifications and unread count
	collNotifyPrefs = "notify_preferences" // one per user: e-mail choices
	collMailOutbox  = "mail_outbox"
	collWebhooks    = "webhook_subscriptions"
	collDeliveries  = "webhook_deliveries"
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
	{name: collIdentityLinks, indexes: []mongo.IndexModel{index("user_id")}}, // 统一身份认证 (identitystore.go)
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
	{name: collTicks},
	{name: collEvents, indexes: []mongo.IndexModel{index("project_id"), index("agency_id"), index("at")}},
	{name: collExportTasks, indexes: []mongo.IndexModel{index("task.owner")}},
	{name: collNotifyQueue, indexes: []mongo.IndexModel{index("at")}},
	{name: collNotifyMarks},
	{name: collInboxes},
	{name: collNotifyPrefs},
	{name: collMailOutbox, indexes: []mongo.IndexModel{index("state", "created_at")}},
	{name: collWebhooks},
	{name: collDeliveries, indexes: []mongo.IndexModel{index("subscription_id", "created_at")}},
}
