package reports

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/excel"
)

var auditColumns = []excel.Column{
	{Header: "序号", Kind: excel.Int, Width: 9},
	{Header: "时间", Kind: excel.Date},
	{Header: "操作人", Width: 14},
	{Header: "角色", Width: 10},
	{Header: "单位", Width: 26},
	{Header: "动作", Width: 18},
	{Header: "动作代码", Width: 22},
	{Header: "对象", Width: 30},
	{Header: "摘要", Width: 50},
	{Header: "请求编号", Width: 18},
	{Header: "IP 地址", Width: 15},
	{Header: "记录哈希", Width: 20},
}

var roleLabels = map[string]string{"owner": "项目业主", "agency": "中介机构", "regulator": "监管部门", "admin": "平台管理员"}

func matchAudit(f Filters, r *audit.Record) bool {
	switch {
	case f.Actor != "" && r.ActorID != f.Actor:
		return false
	case f.Action != "" && !strings.HasPrefix(r.Action, f.Action):
		return false
	case !f.From.IsZero() && r.Time.Before(f.From):
		return false
	case !f.To.IsZero() && !r.Time.Before(f.To):
		return false
	}
	return true
}

func (s *Service) countAudit(ctx context.Context, f Filters) (int, error) {
	n := 0
	err := s.Audit.Each(ctx, func(r audit.Record) error {
		if matchAudit(f, &r) {
			n++
		}
		return nil
	})
	return n, err
}

// writeAudit writes the matching records in chain order. The store streams
// records in no particular order, so the first pass keeps the records of a
// small extract to sort them, and of a large one only their sequence
// numbers, reading each record again by its key while writing.
func (s *Service) writeAudit(ctx context.Context, wb *excel.Workbook, f Filters, now time.Time, progress func(int)) (int, error) {
	var kept []audit.Record
	var seqs []int64
	holding := true
	err := s.Audit.Each(ctx, func(r audit.Record) error {
		if !matchAudit(f, &r) {
			return nil
		}
		seqs = append(seqs, r.Seq)
		if holding {
			if len(seqs) > s.BackgroundRows {
				holding, kept = false, nil // too many to hold: read them again one by one
			} else {
				kept = append(kept, r)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	t, err := wb.AddTable(excel.Sheet{Name: "审计日志", Title: KindAudit.Label(), Filters: f.Describe(KindAudit), ExportedAt: now,
		Columns: auditColumns})
	if err != nil {
		return 0, err
	}
	write := func(r audit.Record) error {
		hash := r.Hash
		if len(hash) > 16 {
			hash = hash[:16]
		}
		return t.Row(r.Seq, r.Time, r.ActorID, roleLabels[r.ActorRole], r.OrgID, audit.ActionLabel(r.Action), r.Action,
			r.Target, r.Summary, r.RequestID, r.IP, hash)
	}
	n := 0
	if holding {
		slices.SortFunc(kept, func(a, b audit.Record) int { return cmp.Compare(a.Seq, b.Seq) })
		for _, r := range kept {
			if err := write(r); err != nil {
				return n, err
			}
			n++
			progress(n)
		}
		return n, nil
	}
	slices.Sort(seqs)
	for _, seq := range seqs {
		r, err := s.Audit.Get(ctx, seq)
		if err != nil {
			return n, err
		}
		if err := write(r); err != nil {
			return n, err
		}
		n++
		progress(n)
	}
	return n, nil
}
