package mongostore

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Embedded is an in-process FerretDB with the SQLite handler, listening on a
// loopback port. The application talks to it through the real wire protocol
// with the official driver, exactly as it would talk to MongoDB.
type Embedded struct {
	dir    string
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
}

// EmbeddedOptions tunes the embedded engine.
type EmbeddedOptions struct {
	// Bulk is for filling a fresh database that can be made again (the data
	// generator): SQLite stops waiting for each commit to reach the disk
	// (synchronous off). A crash of the process loses nothing; a crash of
	// the machine may damage the database. Never for serving.
	Bulk bool
}

// StartEmbedded starts FerretDB with its SQLite files under dir. FerretDB's
// own logging is routed into log at warn level and above, because its info
// output reports every connection.
func StartEmbedded(ctx context.Context, dir string, log *slog.Logger) (*Embedded, error) {
	return StartEmbeddedWith(ctx, dir, log, EmbeddedOptions{})
}

// StartEmbeddedWith is StartEmbedded with options.
func StartEmbeddedWith(ctx context.Context, dir string, log *slog.Logger, opts EmbeddedOptions) (*Embedded, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("database directory: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	quiet := slog.New(levelFloor{Handler: log.Handler(), min: slog.LevelWarn}).With("component", "ferretdb")
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: sqliteURL(abs, opts),
		Logger:    quiet,
	})
	if err != nil {
		return nil, fmt.Errorf("start embedded FerretDB: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e := &Embedded{dir: abs, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		_ = f.Run(runCtx)
	}()
	e.uri = f.MongoDBURI()
	return e, nil
}

// sqliteURL is FerretDB's SQLite address for the directory; FerretDB adds
// its own pragmas (WAL journal, busy timeout) to those given here.
func sqliteURL(dir string, opts EmbeddedOptions) string {
	u := "file:" + dir + "/"
	if opts.Bulk {
		u += "?_pragma=synchronous(off)"
	}
	return u
}

// URI is the mongodb:// address of the embedded server.
func (e *Embedded) URI() string { return e.uri }

// Dir is the directory that holds the SQLite files, one per database.
func (e *Embedded) Dir() string { return e.dir }

// Stop shuts FerretDB down and waits until its files are closed.
func (e *Embedded) Stop() {
	e.cancel()
	<-e.done
}

// levelFloor drops records below min, whatever the wrapped handler accepts.
type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (h levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// Handle drops FerretDB's wire-protocol dumps: it logs the request and the
// response of every failed command at warn level (for example endSessions,
// which it does not implement and the driver sends at every disconnect).
func (h levelFloor) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "Request ") || strings.HasPrefix(r.Message, "Response ") {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h levelFloor) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFloor{Handler: h.Handler.WithAttrs(a), min: h.min}
}

func (h levelFloor) WithGroup(n string) slog.Handler {
	return levelFloor{Handler: h.Handler.WithGroup(n), min: h.min}
}
