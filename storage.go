package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/agencyhall/agencyhall/mongostore"
)

// database is the opened store and, with no --mongo-uri, the embedded
// server behind it.
type database struct {
	store    *mongostore.Store
	embedded *mongostore.Embedded
}

func openDatabase(ctx context.Context, cfg config, log *slog.Logger) (*database, error) {
	uri, sqliteDir := cfg.MongoURI, ""
	var emb *mongostore.Embedded
	if uri == "" {
		var err error
		emb, err = mongostore.StartEmbeddedWith(ctx, cfg.dbDir(), log, mongostore.EmbeddedOptions{Bulk: cfg.bulkLoad})
		if err != nil {
			return nil, err
		}
		uri, sqliteDir = emb.URI(), emb.Dir()
	}
	store, err := mongostore.Open(ctx, mongostore.Config{URI: uri, DB: cfg.DB, SQLiteDir: sqliteDir, Logger: log})
	if err != nil {
		if emb != nil {
			emb.Stop()
		}
		return nil, fmt.Errorf("open database: %w", err)
	}
	log.Info("database ready", "engine", store.Engine(), "embedded", emb != nil, "db", cfg.DB)
	return &database{store: store, embedded: emb}, nil
}

// close disconnects the driver, then stops the embedded server.
func (d *database) close(ctx context.Context) {
	_ = d.store.Close(ctx)
	if d.embedded != nil {
		d.embedded.Stop()
	}
}
