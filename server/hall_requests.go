package server

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// Selection hall request bodies. Their JSON names are the field keys of the
// domain's validation errors (ceiling_fen, signup_deadline, weights,
// excluded[0].reason …), so a field error points at the field sent.

// projectRequest is what an owner fills in for a project (create or edit a
// draft). Times are RFC 3339; money is in fen.
type projectRequest struct {
	Name           string `json:"name"`
	InvestmentCode string `json:"investment_code,omitempty"`
	ItemCode       string `json:"item_code"`
	Region         string `json:"region"`
	Scope          string `json:"scope,omitempty"`
	// Funding is fiscal (财政资金) or social (社会资金).
	Funding    string `json:"funding"`
	CeilingFen int64  `json:"ceiling_fen"`
	FloorFen   int64  `json:"floor_fen,omitempty"`
	// TimeLimitDays is the committed service time limit in days.
	TimeLimitDays int `json:"time_limit_days"`
	// Method is direct, random, lowest, reasonable or scoring.
	Method       string        `json:"method"`
	Weights      *weightsInput `json:"weights,omitempty"`
	DirectAgency string        `json:"direct_agency,omitempty"`
	DirectReason string        `json:"direct_reason,omitempty"`
	// SignupDeadline and OpeningTime are RFC 3339, e.g. 2026-12-02T17:00:00+08:00.
	SignupDeadline   string           `json:"signup_deadline,omitempty"`
	OpeningTime      string           `json:"opening_time,omitempty"`
	Excluded         []exclusionInput `json:"excluded,omitempty"`
	Witnesses        []string         `json:"witnesses,omitempty"`
	ComplaintContact string           `json:"complaint_contact,omitempty"`
}

type weightsInput struct {
	Price    int64            `json:"price"`
	Credit   int64            `json:"credit"`
	Criteria []criterionInput `json:"criteria"`
}

type criterionInput struct {
	Name string `json:"name"`
	Max  int64  `json:"max"`
}

type exclusionInput struct {
	AgencyID string `json:"agency_id"`
	Reason   string `json:"reason"`
}

// input converts the request; what the domain cannot check (the format of
// times, the shape of weights) is checked here with the same field keys.
func (r projectRequest) input() (hall.ProjectInput, error) {
	v := apperr.Invalid()
	in := hall.ProjectInput{Name: r.Name, InvestmentCode: r.InvestmentCode, ItemCode: registry.NormalizeCode(r.ItemCode),
		Region: strings.TrimSpace(r.Region), Scope: r.Scope, Funding: hall.Funding(r.Funding), CeilingFen: r.CeilingFen,
		FloorFen: r.FloorFen, TimeLimitDays: r.TimeLimitDays, Method: hall.Method(r.Method), DirectAgency: strings.TrimSpace(r.DirectAgency),
		DirectReason: r.DirectReason, Witnesses: r.Witnesses, ComplaintContact: r.ComplaintContact}
	in.SignupDeadline = parseRFC3339(v, "signup_deadline", r.SignupDeadline)
	in.OpeningTime = parseRFC3339(v, "opening_time", r.OpeningTime)
	if w := r.Weights; w != nil {
		in.Weights = &hall.Weights{Price: w.Price, Credit: w.Credit}
		if w.Price < 0 || w.Credit < 0 {
			v.Field("weights", "分值不能为负数")
		}
		for i, c := range w.Criteria {
			if strings.TrimSpace(c.Name) == "" || c.Max <= 0 {
				v.Field(fmt.Sprintf("weights.criteria[%d]", i), "评审因素须有名称，分值应大于 0")
			}
			in.Weights.Criteria = append(in.Weights.Criteria, hall.Criterion{Name: strings.TrimSpace(c.Name), Max: c.Max})
		}
	}
	for i, e := range r.Excluded {
		if strings.TrimSpace(e.AgencyID) == "" {
			v.Field(fmt.Sprintf("excluded[%d].agency_id", i), "请选择回避的机构")
		}
		in.Excluded = append(in.Excluded, hall.Exclusion{AgencyID: strings.TrimSpace(e.AgencyID), Reason: strings.TrimSpace(e.Reason)})
	}
	return in, v.OrNil()
}

// parseRFC3339 reads an optional time; a malformed one is a field error.
func parseRFC3339(v *apperr.Error, field, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		v.Field(field, "时间格式应为 RFC 3339，如 2026-12-02T17:00:00+08:00")
		return time.Time{}
	}
	return t.UTC()
}

// hallReasonRequest carries a reason (cancel, extend, pause, objection,
// abandonment).
type hallReasonRequest struct {
	Reason string `json:"reason"`
}

// scoresRequest holds the owner's criteria scores per agency, one integer
// per published criterion in ten-thousandths of a point (8.5 points =
// 85000), so the computation stays exact.
type scoresRequest struct {
	Scores map[string][]int64 `json:"scores"`
}

// contractRequest records the signed contract.
type contractRequest struct {
	AmountFen int64 `json:"amount_fen"`
	// SignedOn is the signing date, YYYY-MM-DD (Beijing time).
	SignedOn string `json:"signed_on"`
	// FileID is the contract scan uploaded with POST /api/v1/files
	// (purpose contract) by the owner's organisation.
	FileID string `json:"file_id"`
}

// parse checks the amount and reads the signing date (the start of that
// day in Beijing time), recording problems on v.
func (r contractRequest) parse(v *apperr.Error) time.Time {
	if r.AmountFen <= 0 {
		v.Field("amount_fen", "合同金额应大于 0")
	}
	signed, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(r.SignedOn), registry.Shanghai)
	if err != nil {
		v.Field("signed_on", "签订日期格式应为 YYYY-MM-DD")
	}
	return signed
}

type extendRequest struct {
	Days   int    `json:"days"`
	Reason string `json:"reason"`
}

// decisionRequest is the owner's acceptance (accept true) or return of a
// delivery, with the reason for a return.
type decisionRequest struct {
	Accept *bool  `json:"accept"`
	Reason string `json:"reason,omitempty"`
}

type evaluationRequest struct {
	Quality    int    `json:"quality"`
	Timeliness int    `json:"timeliness"`
	Attitude   int    `json:"attitude"`
	Fees       int    `json:"fees"`
	Conduct    int    `json:"conduct"`
	Comment    string `json:"comment,omitempty"`
}

type quoteRequest struct {
	AmountFen int64 `json:"amount_fen"`
}

// deliveryRequest names the deliverable uploaded with POST /api/v1/files
// (purpose deliverable) by the agency.
type deliveryRequest struct {
	FileID string `json:"file_id"`
}

type responseRequest struct {
	Response string `json:"response"`
}

// announcementReviewRequest: approve opens the announcement; otherwise it
// returns to the owner with the note.
type announcementReviewRequest struct {
	Approve *bool  `json:"approve"`
	Note    string `json:"note,omitempty"`
}

// objectionDecisionRequest: upheld sets the result aside; otherwise the
// publicity resumes.
type objectionDecisionRequest struct {
	Upheld *bool  `json:"upheld"`
	Note   string `json:"note"`
}

// required reports a missing yes/no choice as a field error.
func required(b *bool, field, msg string) error {
	if b == nil {
		return apperr.Invalid().Field(field, msg)
	}
	return nil
}

// projectQuery filters the hall's lists.
type projectQuery struct {
	Paging
	Q      string `form:"q" doc:"项目名称的一部分或项目编号"`
	State  string `form:"state" doc:"状态，多个用逗号分隔：open 报名中、opening 选取中、publicity 公示中、objection 质疑处理中、contracting 待签约、in_service 服务中、delivered 待验收、accepted 待评价、evaluated 已完成、failed 流标、cancelled 已终止（本单位的 draft、review 仅业主和监管部门可见）"`
	Method string `form:"method" doc:"选取方式：direct、random、lowest、reasonable、scoring"`
	Item   string `form:"item" doc:"服务事项编码"`
	Stage  string `form:"stage" doc:"审批阶段：立项、用地、规划报建、施工许可、竣工验收"`
	Region string `form:"region" doc:"行政区划代码或其前缀（6201 为整个兰州市）"`
	Sort   string `form:"sort" doc:"排序：newest（最新，默认）或 deadline（报名截止时间最近的在前）"`
}

// listQuery checks the filters and builds the domain's query.
func (q projectQuery) listQuery() (hall.ListQuery, error) {
	v := apperr.Invalid()
	out := hall.ListQuery{Text: q.Q, Method: hall.Method(q.Method), ItemCode: registry.NormalizeCode(q.Item), Stage: q.Stage,
		Region: q.Region, Sort: q.Sort, Page: q.Page, PageSize: q.PageSize}
	if q.State != "" {
		for _, s := range strings.Split(q.State, ",") {
			st := hall.State(strings.TrimSpace(s))
			if st.Label() == "" {
				v.Field("state", "状态应为 draft、review、open、opening、publicity、objection、contracting、in_service、delivered、accepted、evaluated、failed、cancelled，多个用逗号分隔")
				break
			}
			out.States = append(out.States, st)
		}
	}
	if q.Method != "" && !slices.Contains(hall.Methods, out.Method) {
		v.Field("method", "选取方式应为 direct、random、lowest、reasonable 或 scoring")
	}
	if q.Stage != "" && !registry.ValidStage(registry.Stage(q.Stage)) {
		v.Field("stage", "审批阶段应为：立项、用地、规划报建、施工许可、竣工验收之一")
	}
	if q.Region != "" && strings.Trim(q.Region, "0123456789") != "" {
		v.Field("region", "行政区划代码应为数字")
	}
	if q.Sort != "" && q.Sort != "newest" && q.Sort != "deadline" {
		v.Field("sort", "排序应为 newest 或 deadline")
	}
	return out, v.OrNil()
}
