package server

import (
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/scoring"
)

// Bodies of alerts (电子监察), random inspections (双随机一公开), risk
// indicators and the regulators' dashboard.

var alertKinds = map[string]string{
	scoring.AlertContractUnsigned: "合同未按期签订", scoring.AlertDeliveryDue: "服务即将到期", scoring.AlertDeliveryOverdue: "服务逾期未交付",
	scoring.AlertAcceptancePending: "成果未及时验收", scoring.AlertComplaintUnhandled: "投诉未按期受理",
	scoring.AlertComplaintUndecided: "投诉未按期办结", scoring.AlertQualExpiring: "资质即将到期", scoring.AlertQualExpired: "资质已到期",
	scoring.AlertReviewPending: "公告审核超时", scoring.AlertGradeD: "信用等级降为 D", scoring.AlertCalendarMissing: "节假日安排未导入",
}

// Alert IDs name their cause and may hold "/" (qualification alerts:
// agency/qualification), which a path segment cannot; in URLs and bodies
// "/" is written as "~" (alertKey), and alertID reads it back.
func alertKey(id string) string { return strings.ReplaceAll(id, "/", "~") }
func alertID(key string) string { return strings.ReplaceAll(key, "~", "/") }

type alertDTO struct {
	// ID is the alert's key for POST /api/v1/supervision/alerts/:id/ack.
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	KindLabel   string     `json:"kind_label"`
	Level       string     `json:"level"`
	LevelLabel  string     `json:"level_label"`
	ObjectKind  string     `json:"object_kind"`
	ObjectID    string     `json:"object_id"`
	Responsible string     `json:"responsible"`
	Message     string     `json:"message"`
	RaisedAt    time.Time  `json:"raised_at"`
	AckAt       *time.Time `json:"ack_at,omitempty"`
	AckBy       string     `json:"ack_by,omitempty"`
	Open        bool       `json:"open"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	CloseReason string     `json:"close_reason,omitempty"`
}

func toAlert(a scoring.Alert) alertDTO {
	return alertDTO{ID: alertKey(a.ID), Kind: a.Kind, KindLabel: alertKinds[a.Kind], Level: a.Level, LevelLabel: a.LevelLabel(),
		ObjectKind: a.ObjectKind, ObjectID: a.ObjectID, Responsible: a.Responsible, Message: a.Message, RaisedAt: a.RaisedAt.UTC(),
		AckAt: optTime(a.AckAt), AckBy: a.AckBy, Open: a.Open(), ClosedAt: optTime(a.ClosedAt), CloseReason: a.CloseReason}
}

type assignmentDTO struct {
	AgencyID   string     `json:"agency_id"`
	AgencyName string     `json:"agency_name"`
	Grade      string     `json:"grade"`
	Inspectors []string   `json:"inspectors"`
	Draw       drawDTO    `json:"draw"`
	Result     string     `json:"result,omitempty"`
	Note       string     `json:"note,omitempty"`
	RecordedAt *time.Time `json:"recorded_at,omitempty"`
}

// inspectionDTO is a plan as everyone sees it: the draw secret only once
// drawn (the commitment is published when the plan is made).
type inspectionDTO struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	ItemCodes   []string        `json:"item_codes"`
	Regions     []string        `json:"regions"`
	SampleSize  int             `json:"sample_size"`
	Inspectors  []string        `json:"inspectors"`
	CreatedAt   time.Time       `json:"created_at"`
	Commitment  string          `json:"commitment"`
	Secret      string          `json:"secret,omitempty"`
	Drawn       bool            `json:"drawn"`
	DrawnAt     *time.Time      `json:"drawn_at,omitempty"`
	AgencyDraw  *drawDTO        `json:"agency_draw,omitempty"`
	Assignments []assignmentDTO `json:"assignments"`
}

func inspectionDraw(d hall.Draw, label string) drawDTO {
	out := toDraw(d)
	out.PurposeLabel = label
	return out
}

func toInspection(x scoring.Inspection) inspectionDTO {
	x = x.Redacted()
	d := inspectionDTO{ID: x.ID, Name: x.Name, ItemCodes: nonNil(x.ItemCodes), Regions: nonNil(x.Regions), SampleSize: x.SampleSize,
		Inspectors: nonNil(x.Inspectors), CreatedAt: x.CreatedAt.UTC(), Commitment: x.Commitment, Secret: x.Secret,
		Drawn: x.AgencyDraw != nil, DrawnAt: optTime(x.DrawnAt), Assignments: []assignmentDTO{}}
	if x.AgencyDraw != nil {
		ad := inspectionDraw(*x.AgencyDraw, "按信用等级加权抽取检查对象")
		d.AgencyDraw = &ad
	}
	for _, a := range x.Assignments {
		d.Assignments = append(d.Assignments, assignmentDTO{AgencyID: a.AgencyID, AgencyName: a.AgencyName, Grade: a.Grade,
			Inspectors: nonNil(a.Inspectors), Draw: inspectionDraw(a.Draw, "抽取执法检查人员"), Result: a.Result, Note: a.Note,
			RecordedAt: optTime(a.RecordedAt)})
	}
	return d
}

type riskDTO struct {
	Kind      string   `json:"kind"`
	KindLabel string   `json:"kind_label"`
	ProjectID string   `json:"project_id,omitempty"`
	Agencies  []string `json:"agencies"`
	Detail    string   `json:"detail"`
}

func toRisk(r scoring.Risk) riskDTO {
	return riskDTO{Kind: r.Kind, KindLabel: scoring.RiskLabels[r.Kind], ProjectID: r.ProjectID, Agencies: nonNil(r.Agencies), Detail: r.Detail}
}

// countDTO is one bar of a dashboard chart.
type countDTO struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// rateDTO is a ratio in basis points (1/10000), absent without data.
type rateDTO struct {
	BasisPoints *int64 `json:"basis_points,omitempty"`
	Numerator   int64  `json:"numerator"`
	Denominator int64  `json:"denominator"`
}

// dashboardDTO holds the regulators' KPIs for a month and region.
type dashboardDTO struct {
	Month  string `json:"month"`
	Region string `json:"region,omitempty"`
	// AgenciesByGrade counts active agencies by current grade ("" = not scored yet).
	AgenciesByGrade []countDTO `json:"agencies_by_grade"`
	// SelectionsByMethod counts projects opened or selected in the month.
	SelectionsByMethod []countDTO `json:"selections_by_method"`
	// SavingsRate is 1 − award / ceiling over contracts signed in the month (fen).
	SavingsRate rateDTO `json:"savings_rate"`
	// OnTimeRate is the share of deliveries accepted in the month that came by the due date.
	OnTimeRate        rateDTO    `json:"on_time_rate"`
	ComplaintsByState []countDTO `json:"complaints_by_state"`
	OpenComplaints    int        `json:"open_complaints"`
	OpenAlerts        []countDTO `json:"open_alerts"`
}

func newRate(num, den int64, bp func(num, den int64) int64) rateDTO {
	r := rateDTO{Numerator: num, Denominator: den}
	if den > 0 {
		v := bp(num, den)
		r.BasisPoints = &v
	}
	return r
}
