package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/agencyhall/agencyhall/changefeed"
	"github.com/agencyhall/agencyhall/mongostore"
)

// openChangeFeed opens the database's change stream for the read models,
// before they are loaded (see mongostore.ChangeStream); start follows it
// once they are. On the embedded engine or a single MongoDB server there is
// no stream and start does nothing: one process serves the database.
func openChangeFeed(ctx context.Context, store *mongostore.Store, log *slog.Logger) (start func(ctx context.Context, svc services)) {
	colls := append([]string{mongostore.FeedProjects, mongostore.FeedAgencies, mongostore.FeedCatalog}, mongostore.FeedSupervision...)
	open, err := store.ChangeStream(ctx, colls)
	if err != nil {
		if !errors.Is(err, mongostore.ErrNoChangeStream) {
			log.Warn("change stream unavailable: run one replica only", "error", err)
		}
		return func(context.Context, services) {}
	}
	return func(ctx context.Context, svc services) {
		supervision := coalesce(ctx, time.Second, svc.scoring.Load, log)
		apply := map[string]func(context.Context, string) error{
			mongostore.FeedProjects: svc.hall.Refresh,
			mongostore.FeedAgencies: svc.registry.Refresh,
			mongostore.FeedCatalog:  func(ctx context.Context, _ string) error { return svc.registry.RefreshCatalog(ctx) },
		}
		for _, c := range mongostore.FeedSupervision {
			apply[c] = supervision
		}
		f := &changefeed.Follower{Open: open, Apply: apply, Reload: func(ctx context.Context) error { return svc.load(ctx, log) }, Log: log}
		go func() { _ = f.Run(ctx) }()
		log.Info("following the change stream: read models stay current with other replicas")
	}
}

// coalesce turns a whole-model reload into a change applier that reloads
// at most once per every: a scoring run changes thousands of snapshots at
// once, and one reload after them is enough.
func coalesce(ctx context.Context, every time.Duration, reload func(context.Context) error, log *slog.Logger) func(context.Context, string) error {
	var mu sync.Mutex
	pending := false
	return func(context.Context, string) error {
		mu.Lock()
		defer mu.Unlock()
		if pending {
			return nil
		}
		pending = true
		time.AfterFunc(every, func() {
			mu.Lock()
			pending = false
			mu.Unlock()
			if err := reload(ctx); err != nil && ctx.Err() == nil {
				log.Warn("supervision read model reload failed", "error", err)
			}
		})
		return nil
	}
}
