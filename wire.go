package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"gocloud.dev/blob"
	"golang.org/x/sync/errgroup"

	adminui "github.com/agencyhall/agencyhall/admin-ui"
	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/jobs"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/ocds"
	"github.com/agencyhall/agencyhall/oidclogin"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/reports"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/server"
	"github.com/agencyhall/agencyhall/web"
)

// services are the domain services of one running instance.
type services struct {
	auth     *auth.Service
	audit    *audit.Log
	catalog  *registry.Catalog
	registry *registry.Registry
	files    *files.Service
	hall     *hall.Service
	hallCfg  hall.Config // to build a hall service on another clock (demo seeding)
	scoring  *scoring.Service
	scoreCfg scoring.Config
	reports  *reports.Service // Excel exports and the monthly report
	notify   *notify.Service  // 消息中心: notifications, the mail outbox, webhooks
	kicker   *kicker          // runs the message centre's jobs soon after events
}

// scoringAt builds a supervision service like the live one but running on now.
func (s services) scoringAt(now func() time.Time) *scoring.Service {
	c := s.scoreCfg
	c.Now = now
	return scoring.NewService(c)
}

// hallAt builds a hall service like the live one but running on now.
func (s services) hallAt(now func() time.Time) *hall.Service {
	c := s.hallCfg
	c.Now = now
	return hall.NewService(c)
}

// serviceDeps are what the domain services are built on.
type serviceDeps struct {
	store      *mongostore.Store
	bucket     *blob.Bucket // uploaded files
	quoteKey   []byte       // 32 bytes, seals quotes
	now        func() time.Time
	bcryptCost int // 0: the default cost
	// reviewRegions are the regions whose announcements a regulator
	// reviews before they open (--review-regions).
	reviewRegions []string
	// mailer sends the message centre's e-mail (nil: none, --smtp-url);
	// siteName and baseURL go into the mails.
	mailer   notify.Mailer
	siteName string
	baseURL  string
}

// newServices builds the domain services.
func newServices(d serviceDeps) (services, error) {
	sealer, err := hall.NewSealer(d.quoteKey)
	if err != nil {
		return services{}, err
	}
	catalog := registry.NewCatalog(d.store.Catalog(), d.now)
	reg := registry.NewRegistry(d.store.Agencies(), catalog, d.now, newID)
	// The hall asks supervision for grades and credit scores; supervision
	// reads the hall's projects. The closures break the construction cycle.
	var sup *scoring.Service
	var msg *notify.Service // the hall and supervision tell it of their events
	calendar := hall.NewCalendar()
	hallCfg := hall.Config{Store: d.store.Hall(), Agencies: reg, Catalog: catalog, Calendar: calendar, Calendars: d.store.Hall(),
		Sealer: sealer, Rules: hall.DefaultRules(), Now: d.now, ReviewRegions: regionSet(d.reviewRegions),
		Grade: func(a string) string { return sup.Grade(a) }, CreditScore: func(a string) int64 { return sup.CreditTenths(a) },
		Observe: func(ctx context.Context, e hall.Event) { msg.ObserveHall(ctx, e) }}
	hallSvc := hall.NewService(hallCfg)
	scoreCfg := scoring.Config{Store: d.store.Scoring(), Alerts: d.store.Scoring(), Inspections: d.store.Scoring(),
		Registry: reg, Hall: hallSvc, Calendar: calendar, Now: d.now,
		Observe: func(ctx context.Context, e hall.Event) { msg.ObserveScoring(ctx, e) }}
	sup = scoring.NewService(scoreCfg)
	reg.Directory().SetGrades(sup.Grade) // grade filter, sort and 推荐 in the directory
	kick := &kicker{pending: map[string]bool{}}
	msg = notify.NewService(notify.Config{Store: d.store.Notify(), Directory: d.store.NotifyDirectory(), Hall: hallSvc, Registry: reg,
		Mailer: d.mailer, SiteName: d.siteName, BaseURL: d.baseURL, Now: d.now, Kick: kick.Kick})
	reg.SetObserver(msg.ObserveRegistry)
	fileSvc := files.NewService(d.store.Files(), d.bucket, d.now)
	return services{
		auth:     auth.NewService(d.store.Auth(), auth.Options{Now: d.now, BcryptCost: d.bcryptCost}),
		audit:    audit.NewLog(d.store.Audit(), d.now),
		catalog:  catalog,
		registry: reg,
		files:    fileSvc,
		hall:     hallSvc,
		hallCfg:  hallCfg,
		scoring:  sup,
		scoreCfg: scoreCfg,
		reports: reports.NewService(reports.Config{Hall: hallSvc, Scoring: sup, Registry: reg, Audit: d.store.Audit(),
			Tasks: d.store.ExportTasks(), Blobs: fileSvc, Now: d.now,
			BackgroundRows: testEnvInt(envTestExportRows), ProgressEvery: testEnvInt(envTestExportProgress)}),
		notify: msg,
		kicker: kick,
	}, nil
}

// kicker runs a message-centre job soon after an event asks for it,
// instead of at its next tick: one pending run per job, so a burst of
// events makes one run. The run takes the job's lease like a scheduled
// tick; while another run holds it, the kick tries again a few times.
type kicker struct {
	mu      sync.Mutex
	sched   *jobs.Scheduler // nil until serve starts it, and after it stops
	pending map[string]bool
}

// attach starts (or, with nil, stops) kicking jobs of a scheduler.
func (k *kicker) attach(s *jobs.Scheduler) {
	k.mu.Lock()
	k.sched = s
	k.mu.Unlock()
}

// Kick asks for a run of the job soon.
func (k *kicker) Kick(job string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.sched == nil || k.pending[job] {
		return
	}
	k.pending[job] = true
	go func() {
		time.Sleep(200 * time.Millisecond) // let a burst of events gather
		k.mu.Lock()
		delete(k.pending, job)
		k.mu.Unlock()
		for try := 0; try < 4; try++ {
			k.mu.Lock()
			s := k.sched
			k.mu.Unlock()
			if s == nil || s.Tick(context.Background(), job) {
				return
			}
			time.Sleep(2 * time.Second) // the lease is held: a run just ended or is under way
		}
	}()
}

// load fills the in-memory read models from the database and logs how
// long each took, since they make up most of the start-up time. They read
// different collections and need nothing of each other, so they load side
// by side (the engine serves each cursor on its own connection).
func (s services) load(ctx context.Context, log *slog.Logger) error {
	var g errgroup.Group
	for _, m := range []struct {
		name string
		load func(context.Context) error
	}{{"registry", s.registry.Load}, {"hall", s.hall.Load}, {"supervision", s.scoring.Load}} {
		g.Go(func() error {
			t0 := time.Now()
			if err := m.load(ctx); err != nil {
				return fmt.Errorf("load %s: %w", m.name, err)
			}
			log.Info("read model loaded", "model", m.name, "took", time.Since(t0).Round(time.Millisecond))
			return nil
		})
	}
	return g.Wait()
}

// newScheduler registers the scheduled jobs.
func newScheduler(store *mongostore.Store, svc services, app *web.App, now func() time.Time, log *slog.Logger) (*jobs.Scheduler, error) {
	host, _ := os.Hostname()
	s := jobs.New(jobs.Config{Lease: store.Leases(), Runs: store.Runs(), Owner: fmt.Sprintf("%s-%d", host, os.Getpid()), Now: now,
		Logger: log, OnRun: func(r jobs.Run) { app.Metrics().JobRuns.WithLabelValues(r.Job, r.Outcome).Inc() }})
	for _, j := range []jobs.Job{
		{Name: "hall-advance", Label: "项目开启与到期流转", Spec: "@every 1m", Run: svc.hall.AdvanceAll},
		{Name: "score", Label: "信用评分", Spec: "0 2 * * *", LockFor: 30 * time.Minute,
			Run: func(ctx context.Context) (int, error) { return svc.scoring.RunScoring(ctx, now()) }},
		{Name: "alerts", Label: "电子监察预警", Spec: "@every 5m", LockFor: 4 * time.Minute, Run: svc.scoring.RunAlerts},
		{Name: "qualifications", Label: "资质到期检查与处理期满解除", Spec: "0 1 * * *", LockFor: 10 * time.Minute,
			Run: func(ctx context.Context) (int, error) {
				n, err := svc.scoring.ExpireSanctions(ctx)
				if err != nil {
					return n, err
				}
				m, err := svc.scoring.RunAlerts(ctx)
				return n + m, err
			}},
		jobs.PruneJob(store.Runs(), now),
		{Name: "export-cleanup", Label: "清理过期导出文件", Spec: "@every 10m", LockFor: 5 * time.Minute, Run: svc.reports.Cleanup},
	} {
		if err := s.Add(testJobSpec(j)); err != nil {
			return nil, err
		}
	}
	for _, j := range svc.notify.Jobs() { // 消息中心
		if err := s.Add(testJobSpec(j)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func regionSet(codes []string) map[string]bool {
	m := map[string]bool{}
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// newID makes random identifiers for records nested in documents.
func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// appOptions are the parts of the configuration the HTTP layer needs.
type appOptions struct {
	log           *slog.Logger
	secureCookies bool
	siteName      string
	region        string
	baseURL       string // external address for links in open data
	ocdsPrefix    string // OCID prefix of the open-data feed
	now           func() time.Time
	jobs          func() *jobs.Scheduler // the scheduler once serve has started it (the admins' jobs page)
	oidc          *oidclogin.Client      // 统一身份认证 login (--oidc-issuer); nil: password login only
}

// newApp builds the whole HTTP surface: the JSON API and the pages on one
// engine, so every route goes through the same access declarations.
func newApp(store *mongostore.Store, svc services, o appOptions) *web.App {
	app := web.New(web.Config{Auth: svc.auth, Audit: svc.audit, Logger: o.log, SecureCookies: o.secureCookies, Now: o.now,
		DataVersion: func() int64 { return store.PublishedVersion() + svc.hall.PublicGeneration() }})
	now := o.now
	if now == nil {
		now = time.Now
	}
	prefix := o.ocdsPrefix
	if prefix == "" {
		prefix = "ocds-zjcs00"
	}
	feed := &ocds.Feed{Builder: ocds.Builder{Prefix: prefix, Name: svc.registry.Directory().Name}, Projects: svc.hall,
		Now: now, Settle: ocds.DefaultSettle}
	server.Register(app, server.Deps{
		Auth:     svc.auth,
		Audit:    svc.audit,
		Catalog:  svc.catalog,
		Registry: svc.registry,
		Files:    svc.files,
		Hall:     svc.hall,
		Scoring:  svc.scoring,
		Reports:  svc.reports,
		Notify:   svc.notify,
		OCDS:     feed,
		BaseURL:  o.baseURL,
		SiteName: o.siteName,
		Ping:     store.Ping,
		Version:  version(),
		Now:      o.now,
	})
	adminui.Register(app, adminui.Deps{
		Auth:     svc.auth,
		Audit:    svc.audit,
		Catalog:  svc.catalog,
		Registry: svc.registry,
		Files:    svc.files,
		Hall:     svc.hall,
		Scoring:  svc.scoring,
		Reports:  svc.reports,
		Notify:   svc.notify,
		Jobs:     o.jobs,
		OIDC:     o.oidc,
		SiteName: o.siteName,
		Region:   o.region,
		Now:      o.now,

		SecureCookies: o.secureCookies,
	})
	return app
}
