package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // to tamper with the embedded engine's file directly

	"github.com/agencyhall/agencyhall/audit"
)

// runCLI runs the program in-process with only the given environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), append([]string{"agencyhall"}, args...), getenv, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

// appendAudit writes n records to the data directory's audit chain, the way
// a running server does.
func appendAudit(t *testing.T, dataDir string, n int) {
	t.Helper()
	ctx := context.Background()
	cfg := config{DataDir: dataDir, DB: "agencyhall", LogFormat: "text"}
	db, err := openDatabase(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.close(ctx)
	at := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	l := audit.NewLog(db.store.Audit(), func() time.Time { at = at.Add(time.Minute); return at })
	for i := 1; i <= n; i++ {
		if _, err := l.Append(ctx, audit.Entry{ActorID: "admin", ActorRole: "admin", Action: "user.disable",
			Target: fmt.Sprintf("user:u%d", i), Summary: fmt.Sprintf("停用账号 u%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// auditSQL runs a statement against the audit collection's table in the
// embedded engine's SQLite file, with the server stopped — as someone with
// access to the disk could. {{table}} stands for the table name.
func auditSQL(t *testing.T, dataDir, stmt string, args ...any) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "db", "agencyhall.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var table string
	if err := conn.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = 'audit'`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	res, err := conn.Exec(strings.ReplaceAll(stmt, "{{table}}", `"`+table+`"`), args...)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%d rows changed, want 1", n)
	}
}

// idOf is how the embedded engine's JSON holds a record's _id.
func idOf(seq int) string { return fmt.Sprintf(`"%012d"`, seq) }

func TestAuditVerifyCommand(t *testing.T) {
	dataDir := t.TempDir()
	verify := func(t *testing.T, wantOut string, wantExit int) {
		t.Helper()
		out, errOut, err := runCLI(t, nil, "audit", "verify", "--data-dir", dataDir)
		switch {
		case wantExit == 0 && err != nil:
			t.Fatalf("audit verify: %v\n%s%s", err, out, errOut)
		case wantExit != 0:
			var code exitCode
			if !errors.As(err, &code) || int(code) != wantExit {
				t.Fatalf("audit verify returned %v, want exit status %d\n%s%s", err, wantExit, out, errOut)
			}
		}
		if strings.TrimSpace(out) != wantOut {
			t.Fatalf("audit verify printed %q, want %q", out, wantOut)
		}
	}

	t.Run("empty database", func(t *testing.T) {
		verify(t, "审计链完好：共 0 条记录", 0)
	})

	appendAudit(t, dataDir, 25)

	t.Run("intact chain", func(t *testing.T) {
		verify(t, "审计链完好：共 25 条记录", 0)
	})

	t.Run("data dir from the environment", func(t *testing.T) {
		out, _, err := runCLI(t, map[string]string{"AGENCYHALL_DATA_DIR": dataDir}, "audit", "verify")
		if err != nil || strings.TrimSpace(out) != "审计链完好：共 25 条记录" {
			t.Fatalf("%q, %v", out, err)
		}
	})

	t.Run("another database name", func(t *testing.T) {
		out, _, err := runCLI(t, nil, "audit", "verify", "--data-dir", dataDir, "--db", "other")
		if err != nil || strings.TrimSpace(out) != "审计链完好：共 0 条记录" {
			t.Fatalf("%q, %v", out, err)
		}
	})

	t.Run("edited record", func(t *testing.T) {
		auditSQL(t, dataDir, `UPDATE {{table}} SET _ferretdb_sjson = json_set(_ferretdb_sjson, '$.summary', '无事发生') WHERE _ferretdb_sjson->'$._id' = ?`, idOf(13))
		verify(t, "审计链在第 13 条记录处断开：记录内容已被修改（此前 12 条完好）", 1)
		// Putting the original text back makes the chain whole again: the
		// check is on the content, not on the fact that a row was written.
		auditSQL(t, dataDir, `UPDATE {{table}} SET _ferretdb_sjson = json_set(_ferretdb_sjson, '$.summary', '停用账号 u13') WHERE _ferretdb_sjson->'$._id' = ?`, idOf(13))
		verify(t, "审计链完好：共 25 条记录", 0)
	})

	t.Run("deleted record", func(t *testing.T) {
		auditSQL(t, dataDir, `DELETE FROM {{table}} WHERE _ferretdb_sjson->'$._id' = ?`, idOf(20))
		verify(t, "审计链在第 20 条记录处断开：记录缺失（此前 19 条完好）", 1)
	})
}

func TestAuditVerifyUsage(t *testing.T) {
	dataDir := t.TempDir()
	cases := []struct {
		name string
		args []string
		exit int // 0: an error that is not an exit status
	}{
		{"audit without a subcommand", []string{"audit"}, 2},
		{"unknown audit subcommand", []string{"audit", "check"}, 2},
		{"unknown flag", []string{"audit", "verify", "--no-such-flag"}, 2},
		{"bad log format", []string{"audit", "verify", "--data-dir", dataDir, "--log-format", "xml"}, 0},
		{"bad database name", []string{"audit", "verify", "--data-dir", dataDir, "--db", "a.b"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCLI(t, nil, tc.args...)
			if err == nil {
				t.Fatal("accepted")
			}
			var code exitCode
			isCode := errors.As(err, &code)
			if tc.exit != 0 && (!isCode || int(code) != tc.exit) {
				t.Fatalf("got %v, want exit status %d", err, tc.exit)
			}
			if tc.exit == 0 && isCode {
				t.Fatalf("got bare exit status %v, want an error that says what is wrong", err)
			}
		})
	}
}
