package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// Regulator views of the registry: the review queue, agency detail with
// versions, diff and audit trail, decisions, suspension.

type queueItemDTO struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	USCC        string `json:"uscc"`
	Region      string `json:"region"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	// Kind is "application" (入驻申请) or "change" (关键信息变更).
	Kind        string     `json:"kind"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

type queueCounts struct {
	Applications int `json:"applications"`
	Changes      int `json:"changes"`
}

type reviewQueueResponse struct {
	Items  []queueItemDTO `json:"items"`
	Counts queueCounts    `json:"counts"`
	// StatusCounts counts every agency by status (draft, pending, active …).
	StatusCounts map[string]int `json:"status_counts"`
}

func (h *handlers) reviewQueue(c *gin.Context) {
	q, err := h.Registry.ReviewQueue(actorOf(web.PrincipalOf(c)))
	if err != nil {
		web.Fail(c, err)
		return
	}
	out := reviewQueueResponse{Items: make([]queueItemDTO, 0, len(q)), StatusCounts: map[string]int{}}
	for _, a := range q {
		kind := "change"
		if a.Status == registry.StatusPending {
			kind = "application"
			out.Counts.Applications++
		} else {
			out.Counts.Changes++
		}
		out.Items = append(out.Items, queueItemDTO{ID: a.ID, Name: a.Profile.Name, USCC: a.Profile.USCC, Region: a.Profile.Region,
			Status: string(a.Status), StatusLabel: a.Status.Label(), Kind: kind, SubmittedAt: optTime(a.SubmittedAt), UpdatedAt: a.UpdatedAt.UTC()})
	}
	for s, n := range h.Registry.Directory().Counts() {
		out.StatusCounts[string(s)] = n
	}
	c.JSON(http.StatusOK, out)
}

type fieldChangeDTO struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// agencyReviewResponse is what a reviewer sees of one agency.
type agencyReviewResponse struct {
	Agency agencyDTO `json:"agency"`
	// Diff compares the admitted version with the pending change.
	Diff []fieldChangeDTO `json:"diff"`
	// Audit is the agency's audit trail, newest first (up to 100 records).
	Audit      []auditDTO `json:"audit"`
	AuditTotal int        `json:"audit_total"`
}

const auditTrailSize = 100

func (h *handlers) reviewAgency(c *gin.Context) {
	a, err := h.Registry.Get(c, actorOf(web.PrincipalOf(c)), c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	out := agencyReviewResponse{Agency: h.toAgency(a), Diff: []fieldChangeDTO{}}
	if a.PendingChange != nil {
		for _, d := range registry.DiffProfiles(a.Profile, *a.PendingChange, false) {
			out.Diff = append(out.Diff, fieldChangeDTO{Field: d.Field, Old: d.Old, New: d.New})
		}
	}
	recs, total, err := h.Audit.List(c, audit.Filter{Target: a.ID, PageSize: auditTrailSize})
	if err != nil {
		web.Fail(c, err)
		return
	}
	out.AuditTotal = total
	out.Audit = make([]auditDTO, 0, len(recs))
	for _, r := range recs {
		out.Audit = append(out.Audit, toAudit(r))
	}
	c.JSON(http.StatusOK, out)
}

type reviewRequest struct {
	// Decision is approve (通过), reject (驳回, note required) or return
	// (退回修改, note required).
	Decision string `json:"decision"`
	Note     string `json:"note,omitempty"`
}

func (h *handlers) review(c *gin.Context) {
	var in reviewRequest
	if !bindJSON(c, &in) {
		return
	}
	m := registry.Move(strings.TrimSpace(in.Decision))
	a, err := h.Registry.Review(c, actorOf(web.PrincipalOf(c)), c.Param("id"), m, in.Note)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, a.ID, withNote("入驻审核："+m.Label()+"（"+a.Profile.Name+"）", a.ReviewNote))
	c.JSON(http.StatusOK, h.toAgency(a))
}

type changeReviewRequest struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note,omitempty"`
}

func (h *handlers) reviewChange(c *gin.Context) {
	var in changeReviewRequest
	if !bindJSON(c, &in) {
		return
	}
	a, err := h.Registry.ReviewChange(c, actorOf(web.PrincipalOf(c)), c.Param("id"), in.Approve, in.Note)
	if err != nil {
		web.Fail(c, err)
		return
	}
	what := "变更审核：不通过"
	if in.Approve {
		what = "变更审核：通过"
	}
	web.Audit(c, a.ID, withNote(what+"（"+a.Profile.Name+"）", a.ReviewNote))
	c.JSON(http.StatusOK, h.toAgency(a))
}

type reasonRequest struct {
	Reason string `json:"reason"`
}

// setSuspended answers /suspend and /restore.
func (h *handlers) setSuspended(suspend bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		var in reasonRequest
		if !bindJSON(c, &in) {
			return
		}
		a, err := h.Registry.SetSuspended(c, actorOf(web.PrincipalOf(c)), c.Param("id"), suspend, in.Reason)
		if err != nil {
			web.Fail(c, err)
			return
		}
		what := "恢复机构"
		if suspend {
			what = "暂停机构"
		}
		web.Audit(c, a.ID, withNote(what+"："+a.Profile.Name, a.ReviewNote))
		c.JSON(http.StatusOK, h.toAgency(a))
	}
}

func withNote(s, note string) string {
	if note == "" {
		return s
	}
	return s + "。意见：" + note
}
