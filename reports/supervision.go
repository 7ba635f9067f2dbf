package reports

import (
	"context"
	"time"

	"github.com/agencyhall/agencyhall/excel"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// supervisor is who reads supervision's lists for the exports.
var supervisor = registry.Actor{UserID: "system", Kind: registry.ActorAdmin}

// eachPage walks a paged list (pages of 100, the lists' largest).
func eachPage[T any](list func(page int) ([]T, int), fn func(T) error) error {
	for page := 1; ; page++ {
		rows, total := list(page)
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(rows) == 0 || page*100 >= total {
			return nil
		}
	}
}

// Complaints.

var complaintColumns = []excel.Column{
	{Header: "投诉编号", Width: 14},
	{Header: "投诉人类型", Width: 10},
	{Header: "投诉人", Width: 24},
	{Header: "投诉人账号", Width: 14},
	{Header: "被投诉对象类型", Width: 10},
	{Header: "被投诉对象", Width: 30},
	{Header: "项目编号", Width: 15},
	{Header: "投诉事项", Width: 30},
	{Header: "投诉内容", Width: 50},
	{Header: "状态", Width: 10},
	{Header: "严重程度", Width: 8},
	{Header: "认定结论", Width: 40},
	{Header: "被投诉方说明", Width: 40},
	{Header: "提交时间", Kind: excel.Date},
	{Header: "受理时间", Kind: excel.Date},
	{Header: "办结时间", Kind: excel.Date},
	{Header: "承办人", Width: 12},
}

var complainantKinds = map[string]string{"public": "公众", "owner": "项目业主", "agency": "中介机构"}

func (s *Service) complaints(f Filters, fn func(scoring.Complaint) error) error {
	q := scoring.ComplaintQuery{TargetID: f.Target, PageSize: 100}
	for _, st := range list(f.State) {
		q.States = append(q.States, scoring.ComplaintState(st))
	}
	var from, to time.Time
	if f.Month != "" {
		from, to, _ = MonthRange(f.Month)
	}
	return eachPage(func(page int) ([]scoring.Complaint, int) {
		q.Page = page
		return s.Scoring.Complaints(supervisor, q)
	}, func(c scoring.Complaint) error {
		if !from.IsZero() && (c.SubmittedAt.Before(from) || !c.SubmittedAt.Before(to)) {
			return nil
		}
		return fn(c)
	})
}

func (s *Service) countComplaints(_ context.Context, f Filters) (int, error) {
	n := 0
	err := s.complaints(f, func(scoring.Complaint) error { n++; return nil })
	return n, err
}

// writeComplaints lists complaints newest first. A public complainant's
// phone number never leaves the platform.
func (s *Service) writeComplaints(ctx context.Context, wb *excel.Workbook, f Filters, now time.Time, progress func(int)) (int, error) {
	t, err := wb.AddTable(excel.Sheet{Name: "投诉", Title: KindComplaints.Label(), Filters: f.Describe(KindComplaints), ExportedAt: now,
		Columns: complaintColumns})
	if err != nil {
		return 0, err
	}
	names := s.agencyNames()
	n := 0
	err = s.complaints(f, func(c scoring.Complaint) error {
		who := c.ComplainantName
		if who == "" {
			who = nameOr(names, c.ComplainantOrg)
		}
		target := map[string]string{"agency": "中介机构", "owner": "项目业主"}[c.TargetKind]
		var sev any
		if c.Severity != "" {
			sev = c.Severity.Label()
		}
		if err := t.Row(c.ID, complainantKinds[c.ComplainantKind], who, c.ComplainantUser, target, c.TargetName, c.ProjectID,
			c.Subject, c.Details, c.State.Label(), sev, c.Finding, c.Response, c.SubmittedAt, c.AcceptedAt, c.DecidedAt,
			c.Handler); err != nil {
			return err
		}
		n++
		progress(n)
		return ctx.Err()
	})
	return n, err
}

// Alerts.

var alertColumns = []excel.Column{
	{Header: "预警编号", Width: 20},
	{Header: "预警类型", Width: 16},
	{Header: "级别", Width: 8},
	{Header: "对象", Width: 24},
	{Header: "责任方", Width: 28},
	{Header: "预警内容", Width: 50},
	{Header: "发出时间", Kind: excel.Date},
	{Header: "确认时间", Kind: excel.Date},
	{Header: "确认人", Width: 12},
	{Header: "关闭时间", Kind: excel.Date},
	{Header: "关闭原因", Width: 30},
	{Header: "未关闭", Kind: excel.Bool},
}

var alertKinds = map[string]string{
	scoring.AlertContractUnsigned: "超期未签订合同", scoring.AlertDeliveryDue: "服务即将到期", scoring.AlertDeliveryOverdue: "服务超期未交付",
	scoring.AlertAcceptancePending: "超期未验收", scoring.AlertComplaintUnhandled: "投诉超期未受理", scoring.AlertComplaintUndecided: "投诉超期未办结",
	scoring.AlertQualExpiring: "资质即将到期", scoring.AlertQualExpired: "资质已过期", scoring.AlertReviewPending: "公告超期未审核",
	scoring.AlertGradeD: "信用降为 D 级", scoring.AlertCalendarMissing: "缺少节假日安排",
}

var objectKinds = map[string]string{"project": "项目", "complaint": "投诉", "agency": "机构", "calendar": "节假日安排"}

func (s *Service) alerts(f Filters, fn func(scoring.Alert) error) error {
	return eachPage(func(page int) ([]scoring.Alert, int) {
		return s.Scoring.AlertList(f.Status != "all", f.Level, page, 100)
	}, fn)
}

func (s *Service) countAlerts(_ context.Context, f Filters) (int, error) {
	_, n := s.Scoring.AlertList(f.Status != "all", f.Level, 1, 1)
	return n, nil
}

func (s *Service) writeAlerts(ctx context.Context, wb *excel.Workbook, f Filters, now time.Time, progress func(int)) (int, error) {
	t, err := wb.AddTable(excel.Sheet{Name: "预警", Title: KindAlerts.Label(), Filters: f.Describe(KindAlerts), ExportedAt: now,
		Columns: alertColumns})
	if err != nil {
		return 0, err
	}
	names := s.agencyNames()
	n := 0
	err = s.alerts(f, func(a scoring.Alert) error {
		kind := alertKinds[a.Kind]
		if kind == "" {
			kind = a.Kind
		}
		level := any(a.LevelLabel())
		if a.Level == scoring.Red {
			level = excel.Highlight(a.LevelLabel())
		}
		if err := t.Row(a.ID, kind, level, objectKinds[a.ObjectKind]+" "+a.ObjectID, nameOr(names, a.Responsible), a.Message,
			a.RaisedAt, a.AckAt, a.AckBy, a.ClosedAt, a.CloseReason, a.Open()); err != nil {
			return err
		}
		n++
		progress(n)
		return ctx.Err()
	})
	return n, err
}

// Sanctions.

var sanctionColumns = []excel.Column{
	{Header: "处理编号", Width: 14},
	{Header: "机构名称", Width: 34},
	{Header: "处理类型", Width: 14},
	{Header: "事由", Width: 40},
	{Header: "依据", Width: 30},
	{Header: "起始时间", Kind: excel.Date},
	{Header: "截止时间", Kind: excel.Date},
	{Header: "作出人", Width: 12},
	{Header: "作出时间", Kind: excel.Date},
	{Header: "解除时间", Kind: excel.Date},
	{Header: "解除原因", Width: 30},
	{Header: "正在执行", Kind: excel.Bool},
}

func (s *Service) sanctions(f Filters, fn func(scoring.Sanction) error) error {
	return eachPage(func(page int) ([]scoring.Sanction, int) {
		return s.Scoring.Sanctions(f.Agency, f.Active, page, 100)
	}, fn)
}

func (s *Service) countSanctions(_ context.Context, f Filters) (int, error) {
	_, n := s.Scoring.Sanctions(f.Agency, f.Active, 1, 1)
	return n, nil
}

func (s *Service) writeSanctions(ctx context.Context, wb *excel.Workbook, f Filters, now time.Time, progress func(int)) (int, error) {
	t, err := wb.AddTable(excel.Sheet{Name: "处理记录", Title: KindSanctions.Label(), Filters: f.Describe(KindSanctions), ExportedAt: now,
		Columns: sanctionColumns})
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.sanctions(f, func(x scoring.Sanction) error {
		kind := any(x.Kind.Label())
		if x.Kind == scoring.SanctionBlacklist {
			kind = excel.Highlight(x.Kind.Label())
		}
		if err := t.Row(x.ID, x.AgencyName, kind, x.Cause, x.LegalBasis, x.From, x.To, x.IssuedBy, x.IssuedAt, x.LiftedAt,
			x.LiftReason, x.ActiveAt(now)); err != nil {
			return err
		}
		n++
		progress(n)
		return ctx.Err()
	})
	return n, err
}
