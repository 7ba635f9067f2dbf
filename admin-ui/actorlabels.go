package adminui

import (
	"context"
	"sync"
	"time"

	"github.com/agencyhall/agencyhall/auth"
)

// actorLabels remembers, for a minute, who a user ID in a timeline is: its
// organisation, role and name. A project page names everyone who acted on
// the project, and reading each of them (user, then organisation) from the
// database on every view was most of the page's time under load. A rename
// shows on timelines within the minute.
type actorLabels struct {
	mu      sync.Mutex
	entries map[string]actorLabel
	ttl     time.Duration
	now     func() time.Time
}

type actorLabel struct {
	org, name string
	role      auth.Role
	found     bool
	at        time.Time
}

// actorLabelsMax bounds the memory: past it the cache starts over.
const actorLabelsMax = 20_000

func newActorLabels(now func() time.Time) *actorLabels {
	return &actorLabels{entries: map[string]actorLabel{}, ttl: time.Minute, now: now}
}

// label is "organisation（role）", with " · name" when people is set or
// the user is a regulator (whose acts are public by name).
func (l *actorLabels) label(ctx context.Context, a *auth.Service, userID string, people bool) string {
	if userID == "system" || userID == "" {
		return "系统（自动）"
	}
	e := l.lookup(ctx, a, userID)
	if !e.found {
		return "平台用户"
	}
	s := e.role.Label()
	if e.org != "" {
		s = e.org + "（" + e.role.Label() + "）"
	}
	if people || e.role == auth.RoleRegulator {
		s += " · " + e.name
	}
	return s
}

func (l *actorLabels) lookup(ctx context.Context, a *auth.Service, userID string) actorLabel {
	now := l.now()
	l.mu.Lock()
	e, ok := l.entries[userID]
	l.mu.Unlock()
	if ok && now.Sub(e.at) < l.ttl {
		return e
	}
	e = actorLabel{at: now}
	if usr, err := a.GetUser(ctx, userID); err == nil {
		e.found, e.name, e.role = true, usr.Name, usr.Role
		if org, err := a.GetOrg(ctx, usr.OrgID); err == nil {
			e.org = org.Name
		}
	} else if ctx.Err() != nil {
		return e // not found because the request ended: remember nothing
	}
	l.mu.Lock()
	if len(l.entries) >= actorLabelsMax {
		l.entries = map[string]actorLabel{}
	}
	l.entries[userID] = e
	l.mu.Unlock()
	return e
}
