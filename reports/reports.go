// Package reports writes the regulators' Excel exports — projects and
// results, credit scores with their line items, complaints, alerts,
// sanctions and an audit-log extract — and the monthly operations workbook
// with native charts (DESIGN.md §2.4).
//
// Every export is streamed with the excel package's table writer straight
// to an io.Writer, reading the in-memory read models of the hall, the
// registry and supervision (the audit log is streamed from storage), so
// memory stays flat. Exports larger than a threshold run as background
// tasks (tasks.go) whose finished file waits in blob storage for 24 hours.
package reports

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// Kind is one export.
type Kind string

const (
	KindProjects   Kind = "projects"
	KindScores     Kind = "scores"
	KindComplaints Kind = "complaints"
	KindAlerts     Kind = "alerts"
	KindSanctions  Kind = "sanctions"
	KindAudit      Kind = "audit"
)

// Kinds lists every export, in the order pages show them.
var Kinds = []Kind{KindProjects, KindScores, KindComplaints, KindAlerts, KindSanctions, KindAudit}

// Label is the Chinese name of the export (and of its workbook).
func (k Kind) Label() string {
	return map[Kind]string{KindProjects: "选取项目与结果", KindScores: "信用评分及明细", KindComplaints: "投诉办理情况",
		KindAlerts: "电子监察预警", KindSanctions: "处理记录", KindAudit: "审计日志"}[k]
}

// Valid reports whether k is a known export.
func (k Kind) Valid() bool { return k.Label() != "" }

// Action is the audit action of the export.
func (k Kind) Action() string { return "export." + string(k) }

// MonthlyAction is the audit action of the monthly operations report.
const MonthlyAction = "report.monthly"

// DefaultBackgroundRows is the size above which an export runs as a
// background task instead of streaming to the response.
const DefaultBackgroundRows = 20000

// BlobStore keeps finished export files (files.Service implements it).
type BlobStore interface {
	NewBlobWriter(ctx context.Context, key, contentType string) (io.WriteCloser, error)
	OpenBlob(ctx context.Context, key string) (io.ReadCloser, error)
	DeleteBlob(ctx context.Context, key string) error
}

// Config wires the reports.
type Config struct {
	Hall     *hall.Service
	Scoring  *scoring.Service
	Registry *registry.Registry
	// Audit is the audit log's store, streamed for the extract.
	Audit audit.Store
	Tasks TaskStore
	Blobs BlobStore
	Now   func() time.Time
	// BackgroundRows: exports with more rows run as background tasks
	// (DefaultBackgroundRows when 0).
	BackgroundRows int
	// ProgressEvery is how many rows a background task writes between
	// progress updates (1,000 when 0).
	ProgressEvery int
	Logger        *slog.Logger
}

// Service writes the exports and runs the background tasks.
type Service struct {
	Config
	runner
}

// NewService builds the reports service.
func NewService(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.BackgroundRows <= 0 {
		c.BackgroundRows = DefaultBackgroundRows
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 1000
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return &Service{Config: c, runner: newRunner()}
}

// Background reports whether an export of n rows runs as a background task.
func (s *Service) Background(n int) bool { return n > s.BackgroundRows }

// FileName is the download name of an export made at t.
func FileName(k Kind, t time.Time) string {
	return k.Label() + "-" + t.In(registry.Shanghai).Format("20060102-1504") + ".xlsx"
}

// ContentType is the media type of the workbooks.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
