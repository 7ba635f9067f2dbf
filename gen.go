package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/agencyhall/agencyhall/demo"
	"github.com/agencyhall/agencyhall/hall"
)

// runGen writes generated data of a given scale through the domain
// services, for measuring: `agencyhall gen --scale city --seed 1`.
func runGen(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("gen", &cfg, getenv, stderr)
	scaleFlag := fs.String("scale", "city", "数据规模：city（2,000 家机构、20,000 个项目）、province（5 倍）或倍数，如 0.1、2")
	seed := fs.Uint64("seed", 1, "随机种子：相同种子生成相同数据")
	workers := fs.Int("workers", 2, "同时生成项目的并发数")
	stormAt := fs.String("storm-at", "", "另建一个截止前报价压测项目，报名截止于此时（RFC 3339，如 2026-11-27T15:00:00+08:00）")
	stormAgencies := fs.Int("storm-agencies", 300, "压测项目的报名机构数")
	stormFile := fs.String("storm-file", "storm.txt", "写入压测项目编号（第一行）和报名机构账号（其后每行一个），供 agencyhall load --storm 使用")
	cpuProfile := fs.String("cpu-profile", "", "把生成过程的 CPU 剖析写入此文件（go tool pprof 查看）")
	if err := fs.Parse(args); err != nil {
		return exitCode(2)
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	factor, err := parseScale(*scaleFlag)
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// Generated accounts are hashed at the lowest cost: thousands of them
	// at the production cost would take minutes and they guard nothing.
	// Commits do not wait for the disk either: a generated database is made
	// again rather than recovered (1.5× faster; serve opens it normally).
	cfg.bulkLoad = true
	svc, closeAll, err := openOffline(ctx, cfg, bcrypt.MinCost)
	if err != nil {
		return err
	}
	defer closeAll()
	// The generated history tells nobody: no notifications, mails or
	// webhooks for events that happened "years ago".
	quietHall := func(now func() time.Time) *hall.Service {
		c := svc.hallCfg
		c.Now, c.Observe = now, nil
		return hall.NewService(c)
	}
	d := demo.Deps{Auth: svc.auth, Catalog: svc.catalog, Registry: svc.registry, Files: svc.files, Now: time.Now,
		NewHall: quietHall, NewScoring: svc.scoringAt}
	// A platform admin as serve would create on an empty database, so the
	// generated city can be operated (and profiled: /debug/pprof/) at once.
	if err := bootstrapAdmin(ctx, svc.auth, getenv("AGENCYHALL_ADMIN_PASSWORD"), false, stdout); err != nil {
		return err
	}
	start := time.Now()
	if _, err := demo.Seed(ctx, d); err != nil {
		return fmt.Errorf("demo base: %w", err)
	}
	if factor > 0 {
		scale := demo.CityScale.Times(factor)
		fmt.Fprintf(stdout, "生成数据：%d 家机构、%d 个业主、%d 个项目（种子 %d）\n", scale.Agencies, scale.Owners, scale.Projects, *seed)
		out, err := demo.Generate(ctx, d, scale, *seed, *workers, stdout)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "完成，用时 %s：%d 家机构（%d 项服务）、%d 个项目、%d 次报名、%d 份报价；项目状态 %v\n",
			time.Since(start).Round(time.Second), out.Agencies, out.Listings, out.Projects, out.Signups, out.Quotes, out.States)
	}
	if *stormAt == "" {
		return nil
	}
	deadline, err := time.Parse(time.RFC3339, *stormAt)
	if err != nil {
		return fmt.Errorf("--storm-at 应为 RFC 3339 时间: %w", err)
	}
	id, logins, err := demo.StormProject(ctx, d, deadline, *stormAgencies, *seed)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*stormFile, []byte(id+"\n"+strings.Join(logins, "\n")+"\n"), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "压测项目 %s：%d 家机构已报名，截止 %s；账号清单写入 %s\n", id, len(logins), deadline.Format(time.RFC3339), *stormFile)
	return nil
}

// parseScale reads city, province or a multiple of a city.
func parseScale(s string) (float64, error) {
	switch s {
	case "city":
		return 1, nil
	case "province":
		return 5, nil
	case "0", "none":
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || f > 50 {
		return 0, fmt.Errorf("--scale 应为 city、province 或 0–50 之间的倍数，而不是 %q", s)
	}
	return f, nil
}
