package main

import (
	"context"
	"fmt"
	"io"

	"github.com/agencyhall/agencyhall/audit"
)

// runAuditVerify walks the audit chain: exit 0 with the count when intact,
// exit 1 naming the first broken link.
func runAuditVerify(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("audit verify", &cfg, getenv, stderr)
	if err := fs.Parse(args); err != nil {
		return exitCode(2)
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	db, err := openDatabase(ctx, cfg, cfg.logger(io.Discard))
	if err != nil {
		return err
	}
	defer db.close(context.WithoutCancel(ctx))
	v, err := audit.Verify(ctx, db.store.Audit())
	if err != nil {
		return err
	}
	if !v.OK() {
		fmt.Fprintf(stdout, "审计链在第 %d 条记录处断开：%s（此前 %d 条完好）\n", v.BrokenAt, v.Reason, v.Count)
		return exitCode(1)
	}
	fmt.Fprintf(stdout, "审计链完好：共 %d 条记录\n", v.Count)
	return nil
}
