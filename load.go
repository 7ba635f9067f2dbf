package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/demo"
	"github.com/agencyhall/agencyhall/loadtest"
)

// runLoad drives a running server with a realistic mix, or a deadline
// storm, and prints what it measured: `agencyhall load --url … --duration 60s --clients 50`.
// With --rate R the mix is paced at R requests per second (open loop) and
// latency counts from each request's intended send time, so it is the
// latency at that rate rather than mostly queueing behind --clients.
func runLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("load", &cfg, getenv, stderr)
	url := fs.String("url", "http://localhost:8080", "被测服务地址")
	duration := fs.Duration("duration", 60*time.Second, "持续时间")
	clients := fs.Int("clients", 50, "并发用户数")
	rate := fs.Float64("rate", 0, "每秒请求总数（开环定速，延迟从计划发送时刻算起）；0 为闭环：每个用户收到响应后立即发下一个")
	seed := fs.Uint64("seed", 1, "随机种子")
	kinds := fs.String("kinds", "", "只发这些请求（逗号分隔，如 hall-page 或 healthz）；为空按真实比例混合")
	agencies := fs.Int("agencies", 200, "机构请求使用的生成账号数（gen-agency-00001 起）")
	owners := fs.Int("owners", 50, "业主请求使用的生成账号数（gen-owner-0001 起）")
	storm := fs.String("storm", "", "截止前报价压测：agencyhall gen --storm-at 写出的账号清单文件")
	window := fs.Duration("storm-window", 10*time.Second, "压测机构在截止前多长时间内集中报价")
	if err := fs.Parse(args); err != nil {
		return exitCode(2)
	}
	if *storm != "" {
		b, err := os.ReadFile(*storm)
		if err != nil {
			return err
		}
		lines := strings.Fields(string(b))
		if len(lines) < 2 {
			return fmt.Errorf("%s: 应为项目编号和至少一个机构账号", *storm)
		}
		rep, err := loadtest.Storm(ctx, loadtest.StormConfig{URL: *url, Project: lines[0], Agencies: lines[1:],
			Password: demo.GeneratedPassword, Window: *window, Seed: *seed}, stdout)
		if err != nil {
			return err
		}
		rep.Print(stdout)
		if !rep.OK() {
			return fmt.Errorf("截止前报价压测未通过：丢失 %d、截止后被接受 %d、错误 %d", rep.Lost, rep.LateAccepted, rep.Errors)
		}
		return nil
	}
	lc := loadtest.Config{URL: *url, Duration: *duration, Clients: *clients, Seed: *seed, Rate: *rate, Password: demo.GeneratedPassword}
	if *kinds != "" {
		lc.Kinds = strings.Split(*kinds, ",")
	}
	for i := 1; i <= *agencies; i++ {
		lc.Agencies = append(lc.Agencies, fmt.Sprintf("gen-agency-%05d", i))
	}
	for i := 1; i <= *owners; i++ {
		lc.Owners = append(lc.Owners, fmt.Sprintf("gen-owner-%04d", i))
	}
	rep, err := loadtest.Run(ctx, lc, stdout)
	if err != nil {
		return err
	}
	rep.Print(stdout)
	return nil
}
