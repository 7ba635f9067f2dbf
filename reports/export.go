package reports

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/excel"
)

// exporter counts and writes one kind of export.
type exporter struct {
	count func(s *Service, ctx context.Context, f Filters) (int, error)
	write func(s *Service, ctx context.Context, wb *excel.Workbook, f Filters, now time.Time, progress func(int)) (int, error)
}

var exporters = map[Kind]exporter{
	KindProjects:   {(*Service).countProjects, (*Service).writeProjects},
	KindScores:     {(*Service).countScores, (*Service).writeScores},
	KindComplaints: {(*Service).countComplaints, (*Service).writeComplaints},
	KindAlerts:     {(*Service).countAlerts, (*Service).writeAlerts},
	KindSanctions:  {(*Service).countSanctions, (*Service).writeSanctions},
	KindAudit:      {(*Service).countAudit, (*Service).writeAudit},
}

func lookup(k Kind) (exporter, error) {
	e, ok := exporters[k]
	if !ok {
		return exporter{}, apperr.NotFound("导出类型")
	}
	return e, nil
}

// Count is how many rows an export would have (for the scores export, how
// many agencies), counted from the in-memory read models (the audit log
// from one pass over its store).
func (s *Service) Count(ctx context.Context, k Kind, f Filters) (int, error) {
	e, err := lookup(k)
	if err != nil {
		return 0, err
	}
	return e.count(s, ctx, f)
}

// Export streams an export as a workbook into w and returns the number of
// rows written. progress, when not nil, is told the rows written so far.
func (s *Service) Export(ctx context.Context, w io.Writer, k Kind, f Filters, progress func(done int)) (int, error) {
	e, err := lookup(k)
	if err != nil {
		return 0, err
	}
	if progress == nil {
		progress = func(int) {}
	}
	wb := excel.NewWorkbook()
	defer wb.Close()
	n, err := e.write(s, ctx, wb, f, s.Now(), progress)
	if err != nil {
		return n, fmt.Errorf("export %s: %w", k, err)
	}
	if _, err := wb.WriteTo(w); err != nil {
		return n, fmt.Errorf("export %s: %w", k, err)
	}
	return n, nil
}
