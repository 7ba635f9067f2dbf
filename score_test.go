package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/scoring"
)

// TestScoreCommand runs `agencyhall score --as-of` against a data
// directory (its own embedded database) holding one scoring event.
func TestScoreCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := openDatabase(ctx, config{DataDir: dir, DB: "agencyhall", LogFormat: "text"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	err = db.store.Scoring().PutEvent(ctx, hall.Event{ID: "decision:JL202600001", Kind: scoring.EventCommendation,
		AgencyID: "agency:91620105MA73QW8N26", At: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC), Data: map[string]string{"note": "通报表扬"}})
	db.close(ctx)
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		asOf, want string
	}{
		{"2026-11-26", "已完成 1 家机构的信用评分（基准时间 2026-11-26 23:59"},
		{"2026-11-19", "已完成 0 家机构的信用评分（基准时间 2026-11-19 23:59"}, // before the event
	} {
		out, errOut, err := runCLI(t, nil, "score", "--data-dir", dir, "--as-of", tt.asOf)
		if err != nil {
			t.Fatalf("score --as-of %s: %v\n%s", tt.asOf, err, errOut)
		}
		if !strings.HasPrefix(out, tt.want) || !strings.HasSuffix(out, "\n") {
			t.Errorf("score --as-of %s printed %q, want %q…", tt.asOf, out, tt.want)
		}
	}
	out, _, _ := runCLI(t, nil, "score", "--data-dir", dir, "--as-of", "2026-11-26")
	if !strings.Contains(out, "A 级 1、B 级 0、C 级 0、D 级 0") {
		t.Errorf("grade counts: %q", out)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--as-of", "2026-13-01"}, "--as-of"},
		{[]string{"--as-of", "26.11.2026"}, "--as-of"},
		{[]string{"--no-such-flag"}, "exit status 2"},
	} {
		_, _, err := runCLI(t, nil, append([]string{"score", "--data-dir", dir}, tt.args...)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("score %v: error %v, want one naming %q", tt.args, err, tt.want)
		}
	}
}
