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
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

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
	// Timeout bounds each server selection and each new connection, so an
	// unreachable database fails fast instead of hanging a request. The
	// embedded server cannot be unreachable, only busy: with SQLiteDir set
	// the default is longer, so a burst queues for a connection instead of
	// failing. serverSelectionTimeoutMS / connectTimeoutMS in the URI win.
	Timeout time.Duration
	// OpTimeout bounds each operation whose context has no deadline of its
	// own (the driver's client-side timeout): a database that stops
	// answering on an open connection fails the request with
	// apperr.KindUnavailable instead of hanging it. A cursor gets it per
	// batch, so long streams are not cut. timeoutMS in the URI wins.
	OpTimeout time.Duration
}

// Default timeouts; see Config. DefaultOpTimeout is longer than
// DefaultTimeout so that a request waiting for a server gives up on the
// selection first, with the clearer error.
const (
	DefaultTimeout           = 5 * time.Second
	DefaultOpTimeout         = 15 * time.Second
	DefaultEmbeddedTimeout   = 60 * time.Second
	DefaultEmbeddedOpTimeout = 60 * time.Second
)

// Store is a connection to one database.
type Store struct {
	client    *mongo.Client
	opts      *options.ClientOptions
	db        *mongo.Database
	engine    Engine
	sqliteDir string
	log       *slog.Logger
	locks     [256]sync.Mutex // striped per-document locks for non-atomic engines
	published atomic.Int64    // writes of this process to data public pages show, see version.go
	seqMu     sync.Mutex
	seqs      map[string]counterDoc // counters as this process wrote them last, see counter.go

	// Work the store does by itself after a read (rewriting documents
	// found in an earlier stored form, see rewriteStale) runs under bgCtx
	// and is tracked by bg, so Close stops it and waits for it.
	bgCtx     context.Context
	bgStop    context.CancelFunc
	bg        sync.WaitGroup
	rewriting sync.Map // collection → struct{}: a rewrite of it is running
}

// Open connects, detects the engine and creates the declared collections
// and indexes (idempotent).
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	opts := clientOptions(cfg)
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", redactURI(cfg.URI), err)
	}
	s := &Store{client: client, opts: opts, db: client.Database(cfg.DB), sqliteDir: cfg.SQLiteDir, log: cfg.Logger}
	s.bgCtx, s.bgStop = context.WithCancel(context.WithoutCancel(ctx))
	pingCtx, cancel := context.WithTimeout(ctx, *opts.ServerSelectionTimeout*3)
	defer cancel()
	if err := client.Ping(pingCtx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("ping %s: %w", redactURI(cfg.URI), err)
	}
	if s.engine, err = detectEngine(ctx, s.db); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	if s.engine == EngineFerretDB && cfg.SQLiteDir == "" && !uriSetsMaxPoolSize(cfg.URI) {
		// External FerretDB: only buildInfo tells; the embedded one got
		// the cap in clientOptions already.
		if err := s.reconnect(ctx, opts.SetMaxPoolSize(FerretDBMaxPoolSize)); err != nil {
			return nil, fmt.Errorf("connect to %s: %w", redactURI(cfg.URI), err)
		}
	}
	if err := s.ensureSchema(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// FerretDBMaxPoolSize is the default connection limit towards FerretDB,
// embedded or external. FerretDB answers an update by keeping the query
// that found the document open on one backend connection while it writes
// through a second, from a pool of 50 PostgreSQL connections
// (pool_max_conns) or 100 per SQLite database. As many updates at once as
// the pool has connections each hold one and wait for another: nothing
// moves until the clients time out, and FerretDB does not give all the
// connections back afterwards, so the server stays jammed. Measured with
// TestUpdateStormFromThreeReplicas (3 clients × 100 goroutines × 3 updates):
// with the driver's default pool of 100, 742 of 900 updates failed on the
// embedded engine and 893 on PostgreSQL (whose database then could not even
// be dropped); with 16, none, in 5.2 s and 1.6 s. At most 16
// requests per client keeps every update's second connection free even
// with three clients on one PostgreSQL-backed server (3 × 16 < 50): the
// serving process, an offline `score` or `gen` run and a test harness. A
// maxPoolSize in the URI wins; see README, "Running against a real MongoDB".
const FerretDBMaxPoolSize = 16

// uriSetsMaxPoolSize reports whether the connection string names a pool
// size (ApplyURI fills in the default either way).
func uriSetsMaxPoolSize(uri string) bool {
	cs, err := connstring.Parse(uri)
	return err == nil && cs.MaxPoolSizeSet
}

// reconnect replaces the client with one built from opts.
func (s *Store) reconnect(ctx context.Context, opts *options.ClientOptions) error {
	_ = s.client.Disconnect(context.WithoutCancel(ctx))
	client, err := mongo.Connect(opts)
	if err != nil {
		return err
	}
	s.client, s.opts, s.db = client, opts, client.Database(s.db.Name())
	return nil
}

// clientOptions applies the URI, then the configured or default timeouts
// for whatever the URI leaves unset. Write concern, read concern, replica
// set, TLS and credentials come from the URI alone.
func clientOptions(cfg Config) *options.ClientOptions {
	embedded := cfg.SQLiteDir != ""
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
		if embedded {
			cfg.Timeout = DefaultEmbeddedTimeout
		}
	}
	if cfg.OpTimeout == 0 {
		cfg.OpTimeout = DefaultOpTimeout
		if embedded {
			cfg.OpTimeout = DefaultEmbeddedOpTimeout
		}
	}
	opts := options.Client().ApplyURI(cfg.URI)
	if opts.ServerSelectionTimeout == nil {
		opts.SetServerSelectionTimeout(cfg.Timeout)
	}
	if opts.ConnectTimeout == nil {
		opts.SetConnectTimeout(cfg.Timeout)
	}
	if opts.Timeout == nil && cfg.OpTimeout > 0 {
		opts.SetTimeout(cfg.OpTimeout)
	}
	if embedded && !uriSetsMaxPoolSize(cfg.URI) {
		opts.SetMaxPoolSize(FerretDBMaxPoolSize)
	}
	return opts
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
	ctx, cancel := ownCtx(ctx)
	defer cancel()
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return apperr.DatabaseUnavailable(err)
	}
	return nil
}

// Close disconnects the driver.
func (s *Store) Close(ctx context.Context) error {
	s.stopBackground()
	return s.client.Disconnect(ctx)
}

// stopBackground ends the store's own background work and waits for it.
func (s *Store) stopBackground() {
	s.bgStop()
	s.bg.Wait()
}

// CloseAndDrop disconnects, then removes the whole database over a fresh
// connection; tests use it to clean up. Disconnecting first ends every
// cursor the store may still hold open on the server: FerretDB on
// PostgreSQL keeps a table locked while a cursor on it is open, so a drop
// sent beside a forgotten cursor waits for it forever while holding
// FerretDB's catalogue lock, and every other client of that server hangs.
func (s *Store) CloseAndDrop(ctx context.Context) error {
	name := s.db.Name()
	opts := s.opts
	s.stopBackground()
	if err := s.client.Disconnect(ctx); err != nil {
		return err
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return err
	}
	defer client.Disconnect(context.WithoutCancel(ctx))
	return client.Database(name).Drop(ctx)
}

// DBName is the database's name.
func (s *Store) DBName() string { return s.db.Name() }

// coll is a collection whose operations run under ownCtx (opctx.go).
func (s *Store) coll(name string) collection { return collection{s.db.Collection(name)} }

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
	case isTransient(err):
		return apperr.DatabaseUnavailable(err)
	}
	if _, ok := apperr.As(err); ok {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

// transientCodes are the server's "not now" answers: the driver's retryable
// codes (a failover, a node shutting down or unreachable) and an
// unacknowledged write concern. A retry after the failover succeeds.
var transientCodes = []int{
	6,     // HostUnreachable
	7,     // HostNotFound
	50,    // MaxTimeMSExpired
	64,    // WriteConcernFailed (wtimeout)
	89,    // NetworkTimeout
	91,    // ShutdownInProgress
	134,   // ReadConcernMajorityNotAvailableYet
	189,   // PrimarySteppedDown
	262,   // ExceededTimeLimit
	9001,  // SocketException
	10107, // NotWritablePrimary
	11600, // InterruptedAtShutdown
	11602, // InterruptedDueToReplStateChange
	13435, // NotPrimaryNoSecondaryOk
	13436, // NotPrimaryOrSecondary
}

// isTransient reports a failure that says nothing about the request, only
// that the database cannot serve it now: a timeout or cancellation, a
// network error, no server to select, a server in failover, a client
// already disconnected, or the driver's "connection pool was cleared"
// (what a retried operation gets after the first attempt lost its
// connection; its type is internal to the driver, but it says it is
// retryable).
func isTransient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, mongo.ErrClientDisconnected) ||
		mongo.IsNetworkError(err) || mongo.IsTimeout(err) || isServerSelection(err) {
		return true
	}
	var le mongo.LabeledError
	if errors.As(err, &le) && (le.HasErrorLabel("RetryableWriteError") || le.HasErrorLabel("TransientTransactionError")) {
		return true
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		for _, c := range transientCodes {
			if se.HasErrorCode(c) {
				return true
			}
		}
	}
	var r interface{ Retryable() bool }
	return errors.As(err, &r) && r.Retryable()
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
