package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/demo"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/jobs"
	"github.com/agencyhall/agencyhall/notify"
)

// drainTimeout is how long in-flight requests may finish at shutdown.
const drainTimeout = 10 * time.Second

// loadGCPercent is the collector's GOGC while the read models load.
const loadGCPercent = 400

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("serve", &cfg, getenv, stderr)
	if err := fs.Parse(args); err != nil {
		return exitCode(2)
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	log := cfg.logger(stderr)

	db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.close(context.WithoutCancel(ctx))

	now := time.Now
	bucket, err := files.OpenBucket(ctx, cfg.BlobURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer bucket.Close()
	quoteKey, err := hall.LoadQuoteKey(cfg.quoteKeyFile())
	if err != nil {
		return err
	}
	reviewRegions, err := cfg.reviewRegions()
	if err != nil {
		return err
	}
	smtpMailer, err := cfg.mailer()
	if err != nil {
		return err
	}
	var mailer notify.Mailer // stays nil without --smtp-url: no e-mail
	if smtpMailer != nil {
		mailer = smtpMailer
		log.Info("通知邮件经 SMTP 发送", "smtp", smtpMailer.Redacted(), "from", smtpMailer.From.Address)
	}
	svc, err := newServices(serviceDeps{store: db.store, bucket: bucket, quoteKey: quoteKey, now: now, reviewRegions: reviewRegions,
		mailer: mailer, siteName: cfg.SiteName, baseURL: cfg.BaseURL})
	if err != nil {
		return err
	}
	followChanges := openChangeFeed(ctx, db.store, log) // before the load: nothing between them is missed
	// Loading allocates several times what the read models keep (each row
	// is parsed by the engine, then decompressed and decoded here): at the
	// default pace the collector and its allocation assists took a quarter
	// of the load's CPU. Collect less often while loading, unless GOGC says
	// otherwise (a GOMEMLIMIT still holds); FreeOSMemory below hands the
	// garbage back.
	restoreGC := func() {}
	if getenv("GOGC") == "" {
		prev := debug.SetGCPercent(loadGCPercent)
		restoreGC = func() { debug.SetGCPercent(prev) }
	}
	err = svc.load(ctx, log)
	restoreGC()
	if err != nil {
		return err
	}
	// Decoding every project and agency left the heap at about twice what
	// the read models keep; hand the rest back to the system now instead of
	// over the next minutes (a generated city: resident 468 → 315 MiB at ready).
	debug.FreeOSMemory()
	// Events of the last steps before the previous process ended may be
	// missing (it saves a change, then its events): write them again.
	if last := svc.hall.LastStepAt(now()); !last.IsZero() {
		svc.hall.EmitRecent(ctx, last.Add(-hall.ReemitWindow))
	}
	if db.embedded != nil { // the only process on this database: an unfinished export is an interrupted one
		n, err := svc.reports.FailUnfinished(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			log.Warn("后台导出任务因服务重启而中断，已标记为失败", "tasks", n)
		}
		if n, err = db.store.Leases().Reset(ctx, now()); err != nil {
			return err
		}
		if n > 0 {
			log.Warn("上次运行中断的定时任务锁已释放", "leases", n)
		}
	}
	oidcClient, err := cfg.oidcClient() // 统一身份认证: nil without --oidc-issuer
	if err != nil {
		return err
	}
	if oidcClient != nil {
		log.Info("统一身份认证登录已开启", "issuer", oidcClient.Issuer(), "callback", strings.TrimRight(cfg.BaseURL, "/")+oidcCallbackPath)
	}
	var sched *jobs.Scheduler // built below: its jobs report to the app's metrics
	app := newApp(db.store, svc, appOptions{log: log, secureCookies: cfg.SecureCookies, siteName: cfg.SiteName, region: cfg.Region, now: now,
		baseURL: cfg.BaseURL, ocdsPrefix: cfg.OCDSPrefix, jobs: func() *jobs.Scheduler { return sched }, oidc: oidcClient})

	adminPassword := getenv("AGENCYHALL_ADMIN_PASSWORD")
	var logins []demo.Login
	if cfg.Demo && adminPassword == "" {
		// A demo is for trying things: its admin has the printed demo password.
		adminPassword = demo.DemoPassword
		logins = append(logins, demo.Login{Login: "admin", Password: demo.DemoPassword, Label: "平台管理员"})
	}
	if err := bootstrapAdmin(ctx, svc.auth, adminPassword, cfg.Demo && getenv("AGENCYHALL_ADMIN_PASSWORD") == "", stdout); err != nil {
		return err
	}
	if cfg.Demo {
		more, err := demo.Seed(ctx, demo.Deps{Auth: svc.auth, Catalog: svc.catalog, Registry: svc.registry, Files: svc.files, Now: now,
			NewHall: svc.hallAt, NewScoring: svc.scoringAt})
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		logins = append(logins, more...)
		if err := svc.load(ctx, log); err != nil { // pick up what the demo wrote
			return err
		}
		if _, err := svc.scoring.RunAlerts(ctx); err != nil {
			return err
		}
	}

	followChanges(ctx, svc)
	sched, err = newScheduler(db.store, svc, app, now, log)
	if err != nil {
		return err
	}
	sched.Start()
	svc.kicker.attach(sched) // events run the message centre's jobs at once

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	printWelcome(stdout, cfg, ln.Addr(), logins)
	log.Info("serving", "addr", ln.Addr().String())

	select {
	case err := <-serveErr:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	// Shutdown order: stop accepting and drain HTTP, stop the scheduled
	// jobs, then (deferred) the driver and the embedded database.
	log.Info("shutting down")
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	if err := srv.Shutdown(drainCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("drain incomplete", "error", err)
	}
	svc.kicker.attach(nil)
	sched.Stop(drainCtx)
	return nil
}

// bootstrapAdmin creates the first platform admin on an empty database.
// demoPassword says the password is the printed demo password.
func bootstrapAdmin(ctx context.Context, a *auth.Service, password string, demoPassword bool, stdout io.Writer) error {
	has, err := a.HasUsers(ctx)
	if err != nil || has {
		return err
	}
	generated := password == ""
	if generated {
		password = auth.RandomPassword()
	}
	org := auth.Org{ID: "platform", Kind: auth.OrgPlatform, Name: "平台运营方"}
	if _, err := a.EnsureAccount(ctx, org, auth.User{ID: "admin", Name: "平台管理员", Role: auth.RoleAdmin}, password); err != nil {
		return fmt.Errorf("create bootstrap admin: %w", err)
	}
	switch {
	case generated:
		fmt.Fprintf(stdout, "已创建平台管理员账号 admin，初始密码（只显示这一次）：%s\n", password)
	case demoPassword:
		fmt.Fprintln(stdout, "已创建平台管理员账号 admin（演示密码见下方账号列表）")
	default:
		fmt.Fprintln(stdout, "已创建平台管理员账号 admin（密码取自 AGENCYHALL_ADMIN_PASSWORD）")
	}
	return nil
}

func printWelcome(w io.Writer, cfg config, addr net.Addr, logins []demo.Login) {
	url := cfg.BaseURL
	if url == "" {
		host := cfg.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		if tcp, ok := addr.(*net.TCPAddr); ok && strings.HasSuffix(cfg.Addr, ":0") {
			host = fmt.Sprintf("localhost:%d", tcp.Port)
		}
		url = "http://" + host
	}
	fmt.Fprintf(w, "%s 已启动：%s\n", cfg.SiteName, url)
	if len(logins) > 0 {
		fmt.Fprintln(w, "演示账号（登录名 / 密码 / 角色）：")
		for _, l := range logins {
			fmt.Fprintf(w, "  %-16s %-16s %s\n", l.Login, l.Password, l.Label)
		}
	}
}
