// Package mongotest gives each test package one database server and each
// test a fresh database on it. By default the server is an embedded FerretDB
// started in a temporary directory; AGENCYHALL_TEST_MONGO_URI points the
// tests at an external server instead (CI runs them both ways).
package mongotest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/agencyhall/agencyhall/mongostore"
)

// Server is a database server shared by the tests of one package.
type Server struct {
	URI       string
	SQLiteDir string // set for the embedded server
	embedded  *mongostore.Embedded
	tmp       string
	n         atomic.Int64
}

// Start starts the package's server. Call it from TestMain and Stop it after m.Run.
func Start() (*Server, error) {
	if uri := os.Getenv("AGENCYHALL_TEST_MONGO_URI"); uri != "" {
		return &Server{URI: uri}, nil
	}
	tmp, err := os.MkdirTemp("", "agencyhall-test-db-")
	if err != nil {
		return nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e, err := mongostore.StartEmbedded(context.Background(), tmp, quiet)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return &Server{URI: e.URI(), SQLiteDir: e.Dir(), embedded: e, tmp: tmp}, nil
}

// Run is a whole TestMain: start the server, run the tests, stop it.
func Run(m *testing.M, srv **Server) int {
	s, err := Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start test database:", err)
		return 1
	}
	*srv = s
	code := m.Run()
	s.Stop()
	return code
}

// Stop shuts the server down and removes its files.
func (s *Server) Stop() {
	if s.embedded != nil {
		s.embedded.Stop()
	}
	if s.tmp != "" {
		os.RemoveAll(s.tmp)
	}
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9]+`)

// DBName makes a unique database name for a test.
func (s *Server) DBName(t testing.TB) string {
	name := strings.Trim(unsafeName.ReplaceAllString(t.Name(), "_"), "_")
	if len(name) > 40 {
		name = name[:40]
	}
	return fmt.Sprintf("t%d_%s", s.n.Add(1), strings.ToLower(name))
}

// Config returns a store configuration for a fresh database.
func (s *Server) Config(t testing.TB) mongostore.Config {
	return mongostore.Config{URI: s.URI, DB: s.DBName(t), SQLiteDir: s.SQLiteDir,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// Store opens a fresh database for one test and drops it afterwards.
func (s *Server) Store(t testing.TB) *mongostore.Store {
	t.Helper()
	st, err := mongostore.Open(context.Background(), s.Config(t))
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		_ = st.CloseAndDrop(ctx)
	})
	return st
}
