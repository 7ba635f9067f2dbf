// Package mongostore implements the domain store interfaces on MongoDB
// through the official driver. It is the only package that imports the
// driver. With no external server, it runs on an embedded FerretDB.
package mongostore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"github.com/agencyhall/agencyhall/apperr"
)

// Engine tells which server is behind the connection; it decides how the
// compare-and-swap primitive is carried out.
type Engine string

const (
	EngineMongoDB  Engine = "mongodb"  // atomic conditional updates
	EngineFerretDB Engine = "ferretdb" // updates are read-modify-write: lock in process
)

// Config says where the database is.
type Config struct {
	URI string // mongodb://…
	DB  string // database name
	// SQLiteDir is the directory of an embedded FerretDB's files; when set,
	// the extra _id expression index is kept on every collection's table.
	SQLiteDir string
	Logger    *slog.Logger
	// Timeout bounds each server selection, so an unreachable database
	// fails fast instead of hanging a request. The embedded server cannot
	// be unreachable, only busy: with SQLiteDir set the default is longer,
	// so a burst queues for a connection instead of failing.
	Timeout time.Duration
}

// Store is a connection to one database.
type Store struct {
	client    *mongo.Client
	db        *mongo.Database
	engine    Engine
	sqliteDir string
	log       *slog.Logger
	locks     [256]sync.Mutex // striped per-document locks for non-atomic engines
}

// Open connects, detects the engine and creates the declared collections
// and indexes (idempotent).
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
		if cfg.SQLiteDir != "" {
			cfg.Timeout = 60 * time.Second
		}
	}
	opts := options.Client().ApplyURI(cfg.URI).
		SetServerSelectionTimeout(cfg.Timeout).
		SetConnectTimeout(cfg.Timeout)
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", redactURI(cfg.URI), err)
	}
	s := &Store{client: client, db: client.Database(cfg.DB), sqliteDir: cfg.SQLiteDir, log: cfg.Logger}
	pingCtx, cancel := context.WithTimeout(ctx, cfg.Timeout*3)
	defer cancel()
	if err := client.Ping(pingCtx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("ping %s: %w", redactURI(cfg.URI), err)
	}
	if s.engine, err = detectEngine(ctx, s.db); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	if err := s.ensureSchema(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// detectEngine asks buildInfo: FerretDB reports a ferretdbVersion field.
func detectEngine(ctx context.Context, db *mongo.Database) (Engine, error) {
	var info bson.M
	if err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return "", fmt.Errorf("buildInfo: %w", err)
	}
	if _, ok := info["ferretdbVersion"]; ok {
		return EngineFerretDB, nil
	}
	return EngineMongoDB, nil
}

// Engine reports the detected server kind.
func (s *Store) Engine() Engine { return s.engine }

// Ping checks that the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return apperr.Unavailable(err)
	}
	return nil
}

// Close disconnects the driver.
func (s *Store) Close(ctx context.Context) error { return s.client.Disconnect(ctx) }

// DropDatabase removes the whole database; tests use it to clean up.
func (s *Store) DropDatabase(ctx context.Context) error { return s.db.Drop(ctx) }

// DBName is the database's name.
func (s *Store) DBName() string { return s.db.Name() }

func (s *Store) coll(name string) *mongo.Collection { return s.db.Collection(name) }

// ensureSchema creates every declared collection and index, then (on the
// embedded engine) the _id expression index on each collection's table.
func (s *Store) ensureSchema(ctx context.Context) error {
	existing, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("list collections: %w", err)
	}
	have := map[string]bool{}
	for _, n := range existing {
		have[n] = true
	}
	for _, c := range collections {
		if !have[c.name] {
			if err := s.db.CreateCollection(ctx, c.name); err != nil && !isNamespaceExists(err) {
				return fmt.Errorf("create collection %s: %w", c.name, err)
			}
		}
		// One index per command: FerretDB 1.24 panics (and drops the
		// connection) on a createIndexes of several indexes that exist already.
		for _, ix := range c.indexes {
			if _, err := s.coll(c.name).Indexes().CreateOne(ctx, ix); err != nil {
				return fmt.Errorf("create indexes on %s: %w", c.name, err)
			}
		}
	}
	if s.sqliteDir != "" {
		if err := ensureIDIndexes(ctx, s.sqliteDir, s.db.Name()); err != nil {
			return err
		}
	}
	return nil
}

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 48 || ce.Name == "NamespaceExists")
}

// lockFor returns the stripe lock of one document.
func (s *Store) lockFor(coll, id string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(coll))
	h.Write([]byte{0})
	h.Write([]byte(id))
	return &s.locks[h.Sum32()%uint32(len(s.locks))]
}

// errVersionMismatch reports that a document changed since it was read.
var errVersionMismatch = errors.New("version mismatch")

// translate maps driver errors onto the shared error kinds; what names the
// kind of document in Chinese for not-found messages.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return apperr.NotFound(what).Wrap(err)
	case mongo.IsDuplicateKeyError(err):
		return apperr.Conflict("duplicate", what+"已存在").Wrap(err)
	case errors.Is(err, errVersionMismatch):
		return apperr.Conflict("version_conflict", "数据已被他人修改，请刷新后重试").Wrap(err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		mongo.IsNetworkError(err), mongo.IsTimeout(err), isServerSelection(err):
		return apperr.Unavailable(err)
	}
	if _, ok := apperr.As(err); ok {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

func isServerSelection(err error) bool {
	return strings.Contains(err.Error(), "server selection")
}

func isNoDocuments(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// isDuplicate reports a translated duplicate-key error.
func isDuplicate(err error) bool {
	e, ok := apperr.As(err)
	return ok && e.Code == "duplicate"
}

// redactURI hides a password in a connection string for log lines.
func redactURI(uri string) string {
	at := strings.LastIndex(uri, "@")
	scheme := strings.Index(uri, "://")
	if at < 0 || scheme < 0 {
		return uri
	}
	creds := uri[scheme+3 : at]
	if i := strings.Index(creds, ":"); i >= 0 {
		return uri[:scheme+3] + creds[:i] + ":***" + uri[at:]
	}
	return uri
}
