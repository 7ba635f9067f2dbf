package mongostore

// private lists the collections whose writes change nothing a public page
// shows: sessions, credentials, the audit trail, job bookkeeping, sealed
// quotes (public counts come from the project), derived events and the
// message centre. Every other collection is public data.
var private = map[string]bool{
	collSessions: true, collTokens: true, collThrottles: true, collIdentityLinks: true, collAudit: true, collCounters: true, collLeases: true,
	collRuns: true, collExportTasks: true, collQuotes: true, collEvents: true, collNotifyQueue: true, collNotifyMarks: true,
	collInboxes: true, collNotifyPrefs: true, collMailOutbox: true, collWebhooks: true, collDeliveries: true,
}

// counted lists the public collections whose changes a read model counts
// instead, knowing which of them the public sees: projects, by the hall's
// public generation (hall.Service.PublicGeneration), so that a draft's
// writes leave the cached public pages alone.
var counted = map[string]bool{collProjects: true}

func (s *Store) wrote(coll string) {
	if !private[coll] && !counted[coll] {
		s.published.Add(1)
	}
}

// PublishedVersion counts this process's writes to public data (but for
// the projects, see counted). The response cache of anonymous pages keys
// its entries on it, with the hall's public generation, so a page is never
// served from before a change this process made; changes by other
// processes reach it through the read models and the cache's TTL.
func (s *Store) PublishedVersion() int64 { return s.published.Load() }
