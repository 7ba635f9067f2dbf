package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/agencyhall/agencyhall/registry"
)

// runScore runs credit scoring from the command line against the same
// database as serve: `agencyhall score --as-of 2026-11-26`.
func runScore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("score", &cfg, getenv, stderr)
	asOf := fs.String("as-of", "", "评分基准日（YYYY-MM-DD，北京时间当日结束时）；默认为现在")
	if err := fs.Parse(args); err != nil {
		return exitCode(2)
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	at := time.Now()
	if *asOf != "" {
		d, err := registry.ParseDate(*asOf)
		if err != nil {
			return fmt.Errorf("--as-of: %w", err)
		}
		at = d.Start().AddDate(0, 0, 1).Add(-time.Second)
	}
	svc, closeAll, err := openOffline(ctx, cfg, 0)
	if err != nil {
		return err
	}
	defer closeAll()
	// Progress on stderr (stdout is the result): a long run shows it has
	// started, and the fault-injection test times its kill points by it.
	fmt.Fprintf(stderr, "正在计算信用评分（基准时间 %s）…\n", at.In(registry.Shanghai).Format("2006-01-02 15:04"))
	start := time.Now()
	n, err := svc.scoring.RunScoring(ctx, at)
	if err != nil {
		return err
	}
	counts := svc.scoring.GradeCounts()
	fmt.Fprintf(stdout, "已完成 %d 家机构的信用评分（基准时间 %s，用时 %s）：A 级 %d、B 级 %d、C 级 %d、D 级 %d\n", n,
		at.In(registry.Shanghai).Format("2006-01-02 15:04"), time.Since(start).Round(time.Millisecond), counts["A"], counts["B"], counts["C"], counts["D"])
	return nil
}
