package server

import (
	"errors"
	"fmt"
	"strings"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/scoring"
)

// Supervision request bodies and queries. JSON names are the field keys
// of the domain's validation errors where the domain names them; renamed
// keys are mapped back by renameField.

// complaintRequest files a complaint. Anonymous complainants give name
// and phone and attach no files; logged-in complainants may attach files
// their organisation uploaded.
type complaintRequest struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	// TargetKind is agency (default) or owner.
	TargetKind string   `json:"target_kind,omitempty"`
	TargetID   string   `json:"target_id"`
	ProjectID  string   `json:"project_id,omitempty"`
	Subject    string   `json:"subject"`
	Details    string   `json:"details" maxlen:"5000"`
	Evidence   []string `json:"evidence,omitempty"`
}

type noteRequest struct {
	Note string `json:"note,omitempty"`
}

type complaintResponseRequest struct {
	Response string `json:"response"`
}

// moveComplaintRequest is a regulator's step on a complaint.
type moveComplaintRequest struct {
	// To is accepted, rejected, investigating, substantiated or unsubstantiated.
	To string `json:"to"`
	// Severity (minor, general, serious) is required when substantiated.
	Severity string `json:"severity,omitempty"`
	Note     string `json:"note,omitempty"`
}

// target is the step asked for, which must be one a regulator may take.
func (r moveComplaintRequest) target() (scoring.ComplaintState, error) {
	to := scoring.ComplaintState(strings.TrimSpace(r.To))
	if !regulatorMoves[to] {
		return "", apperr.Invalid().Field("to", "应为 accepted 受理、rejected 不予受理、investigating 开始调查、substantiated 属实或 unsubstantiated 不属实")
	}
	return to, nil
}

// sanctionRequest issues a sanction; from and to are dates (YYYY-MM-DD,
// Beijing time; to includes its day) or RFC 3339 times.
type sanctionRequest struct {
	AgencyID string `json:"agency_id"`
	// Kind is warning, suspension or blacklist.
	Kind       string `json:"kind"`
	Cause      string `json:"cause"`
	LegalBasis string `json:"legal_basis,omitempty"`
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
}

// input reads the dates; the rules of sanctions are the domain's.
func (r sanctionRequest) input() (scoring.SanctionInput, error) {
	v := apperr.Invalid()
	in := scoring.SanctionInput{AgencyID: strings.TrimSpace(r.AgencyID), Kind: scoring.SanctionKind(r.Kind), Cause: r.Cause,
		LegalBasis: r.LegalBasis, From: dateField(v, "from", r.From, false), To: dateField(v, "to", r.To, true)}
	return in, v.OrNil()
}

type liftRequest struct {
	Reason string `json:"reason"`
}

// decisionRecordRequest records a commendation or a finding of false
// materials / bid rigging as a scoring event.
type decisionRecordRequest struct {
	AgencyID string `json:"agency_id"`
	// Kind is commendation or false_materials.
	Kind      string `json:"kind"`
	ProjectID string `json:"project_id,omitempty"`
	Note      string `json:"note"`
}

type appealRequest struct {
	LineItemID string `json:"line_item_id"`
	Reason     string `json:"reason"`
}

type appealDecisionRequest struct {
	Upheld *bool  `json:"upheld"`
	Note   string `json:"note"`
}

type alertAckRequest struct {
	// Close closes the alert by hand (with a note); otherwise it is only acknowledged.
	Close bool   `json:"close,omitempty"`
	Note  string `json:"note,omitempty"`
}

type inspectionRequest struct {
	Name       string   `json:"name"`
	ItemCodes  []string `json:"item_codes,omitempty"`
	Regions    []string `json:"regions,omitempty"`
	SampleSize int      `json:"sample_size"`
	Inspectors []string `json:"inspectors"`
}

type inspectionResultRequest struct {
	AgencyID string `json:"agency_id"`
	// Result is 合格, 基本合格 or 不合格.
	Result string `json:"result"`
	Note   string `json:"note,omitempty"`
}

// ruleRequest changes a rule's points and cap, in tenths of a point.
type ruleRequest struct {
	PointsTenths *int64 `json:"points_tenths"`
	// CapTenths keeps the current cap when omitted; 0 means no cap.
	CapTenths *int64 `json:"cap_tenths,omitempty"`
}

type myComplaintQuery struct {
	Paging
	Scope string `form:"scope" doc:"filed（默认）为本人提交的投诉；against 为针对本单位的投诉（公众投诉人身份不公开）"`
	State string `form:"state" doc:"状态，多个用逗号分隔：submitted、accepted、rejected、investigating、substantiated、unsubstantiated、withdrawn"`
}

type complaintQuery struct {
	Paging
	State  string `form:"state" doc:"状态，多个用逗号分隔：submitted 待受理、accepted 已受理、rejected 不予受理、investigating 调查中、substantiated 属实、unsubstantiated 不属实、withdrawn 已撤回"`
	Target string `form:"target" doc:"被投诉对象 id（中介机构 id 或业主单位 id）"`
}

type sanctionQuery struct {
	Paging
	AgencyID string `form:"agency_id" doc:"只列某机构的处理"`
	Active   string `form:"active" doc:"true 只列正在执行的处理"`
}

type appealQuery struct {
	Paging
	AgencyID string `form:"agency_id" doc:"只列某机构的申诉"`
	Open     string `form:"open" doc:"true 只列待处理的申诉"`
}

type alertQuery struct {
	Paging
	Status string `form:"status" doc:"open（默认）未关闭的预警，all 全部"`
	Level  string `form:"level" doc:"yellow 黄牌或 red 红牌"`
}

type riskQuery struct {
	Paging
	Kind      string `form:"kind" doc:"low_quote 报价异常偏低、identical_quotes 报价相同、co_bidding 经常共同投标、shared_contact 联系方式相同"`
	ProjectID string `form:"project_id" doc:"只列某项目的信号"`
	AgencyID  string `form:"agency_id" doc:"只列涉及某机构的信号"`
}

type dashboardQuery struct {
	Region string `form:"region" doc:"行政区划代码或其前缀（6201 为兰州市全市）"`
	Month  string `form:"month" doc:"月份 YYYY-MM（北京时间），默认本月"`
}

// yes reads a boolean query value.
func yes(s string) bool { return s == "true" || s == "1" }

// splitList splits a comma-separated query value.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// renameField moves a domain field error to the request's field name.
func renameField(err error, from, to string) error {
	var e *apperr.Error
	if errors.As(err, &e) && e.Fields != nil {
		if msg, ok := e.Fields[from]; ok {
			delete(e.Fields, from)
			e.Fields[to] = msg
		}
	}
	return err
}

// evidenceErrors checks evidence files: none from anonymous complainants,
// only the caller's organisation's own uploads otherwise.
func evidenceErrors(v *apperr.Error, org string, ids []string, owned func(string) bool) {
	if len(ids) > 0 && org == "" {
		v.Field("evidence", "匿名投诉不能附文件；如需提交证据材料，请登录后上传并填写文件 id")
		return
	}
	for i, id := range ids {
		if strings.TrimSpace(id) == "" || !owned(strings.TrimSpace(id)) {
			v.Field(fmt.Sprintf("evidence[%d]", i), "证据文件不存在或不是本单位上传的文件")
		}
	}
}
