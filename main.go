// Command agencyhall runs the online intermediary-service supermarket.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "agencyhall:", err)
		if code, ok := err.(exitCode); ok {
			os.Exit(int(code))
		}
		os.Exit(1)
	}
}

// exitCode is an error that only sets the process's exit status; the
// command has already said what went wrong.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

const usage = `用法: agencyhall <命令> [参数]

命令:
  serve          启动服务（--demo 载入演示数据）
  audit verify   校验审计日志哈希链
  score          运行信用评分（--as-of 指定基准日）
  dump           导出全部数据和文件到一个归档（--out）
  restore        从归档恢复到空数据库（--in）
  verify-draw    按公开算法重算抽取结果（见 docs/DRAW.md）
  gen            生成测量用数据（--scale city|province|倍数 --seed N），经业务规则写入
  load           压测：按真实访问比例请求运行中的服务并给出吞吐和延迟分位数
  version        显示版本

每个命令的参数见 agencyhall <命令> -h；参数均可用 AGENCYHALL_* 环境变量设置。
`

// run is the whole program, with its environment passed in so tests can
// drive it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return exitCode(2)
	}
	switch args[1] {
	case "serve":
		return runServe(ctx, args[2:], getenv, stdout, stderr)
	case "audit":
		if len(args) < 3 || args[2] != "verify" {
			fmt.Fprint(stderr, usage)
			return exitCode(2)
		}
		return runAuditVerify(ctx, args[3:], getenv, stdout, stderr)
	case "dump":
		return runDump(ctx, args[2:], getenv, stdout, stderr)
	case "restore":
		return runRestore(ctx, args[2:], getenv, stdout, stderr)
	case "score":
		return runScore(ctx, args[2:], getenv, stdout, stderr)
	case "gen":
		return runGen(ctx, args[2:], getenv, stdout, stderr)
	case "load":
		return runLoad(ctx, args[2:], getenv, stdout, stderr)
	case "verify-draw":
		return runVerifyDraw(ctx, args[2:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "agencyhall", version())
		return nil
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "未知命令 %q\n\n%s", args[1], usage)
	return exitCode(2)
}
