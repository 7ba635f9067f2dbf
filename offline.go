package main

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
)

// openOffline opens what a command working on the database without serving
// needs (score, gen): the database, the file storage, the quote key and the
// loaded domain services. bcryptCost 0 is the default. close releases them.
func openOffline(ctx context.Context, cfg config, bcryptCost int) (svc services, close func(), err error) {
	db, err := openDatabase(ctx, cfg, cfg.logger(io.Discard))
	if err != nil {
		return services{}, nil, err
	}
	bucket, err := files.OpenBucket(ctx, cfg.BlobURL, cfg.DataDir)
	if err != nil {
		db.close(context.WithoutCancel(ctx))
		return services{}, nil, err
	}
	close = func() {
		bucket.Close()
		db.close(context.WithoutCancel(ctx))
	}
	key, err := hall.LoadQuoteKey(cfg.quoteKeyFile())
	if err == nil {
		svc, err = newServices(serviceDeps{store: db.store, bucket: bucket, quoteKey: key, now: time.Now, bcryptCost: bcryptCost})
	}
	if err == nil {
		err = svc.load(ctx, slog.New(slog.DiscardHandler))
	}
	if err != nil {
		close()
		return services{}, nil, err
	}
	return svc, close, nil
}
