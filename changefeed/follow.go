// Package changefeed keeps the in-memory read models of one replica
// current with writes made by the others. On a MongoDB replica set every
// replica follows the database's change stream and re-reads each changed
// document by _id into its read models; the embedded engine serves one
// process only and has no stream, so there is nothing to follow.
//
// The logic here is independent of the driver: the stream is an interface
// that mongostore implements and tests fake.
package changefeed

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// Change says that one document of a collection changed. Token resumes
// the stream just after it.
type Change struct {
	Collection string
	ID         string
	Token      []byte
}

// Stream yields changes in commit order.
type Stream interface {
	// Next blocks until the next change, the context ends or the stream fails.
	Next(ctx context.Context) (Change, error)
	Close(ctx context.Context) error
}

// ErrHistoryLost means the stream cannot resume where it stopped (the
// oplog moved past the token): what happened in between is unknown.
var ErrHistoryLost = errors.New("change stream history lost")

// Opener opens the stream after resume; with nil it starts where the
// follower's read models were loaded.
type Opener func(ctx context.Context, resume []byte) (Stream, error)

// Follower applies a stream to read models.
type Follower struct {
	Open Opener
	// Apply re-reads one document of a collection into its read model;
	// collections without one are ignored.
	Apply map[string]func(ctx context.Context, id string) error
	// Reload reloads every read model, after history was lost.
	Reload func(ctx context.Context) error
	Log    *slog.Logger
	// Wait is the pause before reopening after the try-th failure in a row.
	Wait func(try int) time.Duration
}

// DefaultWait backs off from 100 ms to 10 s.
func DefaultWait(try int) time.Duration {
	d := 100 * time.Millisecond << min(try, 7)
	return min(d, 10*time.Second)
}

// Run follows the stream until ctx ends. A failed stream is reopened after
// the last applied change, so a change is applied at least once (applying
// re-reads the document, so twice is harmless); when history is lost, the
// read models are reloaded and the stream starts afresh.
func (f *Follower) Run(ctx context.Context) error {
	log := f.Log
	if log == nil {
		log = slog.Default()
	}
	wait := f.Wait
	if wait == nil {
		wait = DefaultWait
	}
	var token []byte
	failures := 0
	for ctx.Err() == nil {
		s, err := f.Open(ctx, token)
		if errors.Is(err, ErrHistoryLost) {
			log.WarnContext(ctx, "change stream cannot resume: reloading the read models", "error", err)
			if err := f.Reload(ctx); err != nil {
				log.ErrorContext(ctx, "read model reload failed", "error", err)
				failures++
				sleep(ctx, wait(failures))
				continue
			}
			token = nil
			// Reloaded: what the new stream starts after is in the models.
			if s, err = f.Open(ctx, nil); err != nil {
				failures++
				sleep(ctx, wait(failures))
				continue
			}
		} else if err != nil {
			if ctx.Err() != nil {
				break
			}
			failures++
			log.WarnContext(ctx, "change stream not open", "error", err, "try", failures)
			sleep(ctx, wait(failures))
			continue
		}
		failures = 0
		token = f.follow(ctx, s, token, log)
		_ = s.Close(context.WithoutCancel(ctx))
		if ctx.Err() == nil {
			failures++
			sleep(ctx, wait(failures))
		}
	}
	return ctx.Err()
}

// follow applies changes until the stream fails, and returns the token of
// the last change applied.
func (f *Follower) follow(ctx context.Context, s Stream, token []byte, log *slog.Logger) []byte {
	for {
		c, err := s.Next(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.WarnContext(ctx, "change stream failed; resuming", "error", err)
			}
			return token
		}
		if apply := f.Apply[c.Collection]; apply != nil {
			if err := apply(ctx, c.ID); err != nil {
				// Not applied: resume before it, so it is tried again.
				log.WarnContext(ctx, "change not applied; resuming before it", "collection", c.Collection, "id", c.ID, "error", err)
				return token
			}
		}
		token = c.Token
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
