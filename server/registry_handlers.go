package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// Agency admission (入驻): the caller's own agency, whose ID is the ID of
// the caller's organisation.

func (h *handlers) myAgency(c *gin.Context) {
	p := web.PrincipalOf(c)
	a, err := h.Registry.Get(c, actorOf(p), p.OrgID)
	if apperr.Is(err, apperr.KindNotFound) {
		err = apperr.NotFound("入驻申请")
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, h.toAgency(a))
}

// startApplication creates the draft, pre-filled from the organisation's
// registration; it returns the existing record when there is one.
func (h *handlers) startApplication(c *gin.Context) {
	p := web.PrincipalOf(c)
	org, err := h.Auth.GetOrg(c, p.OrgID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	a, err := h.Registry.StartApplication(c, actorOf(p), registry.Profile{USCC: org.USCC, Name: org.Name, Region: org.Region,
		Contact: org.Contact, Phone: org.Phone, Email: org.Email})
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, a.ID, "开始入驻申请："+a.Profile.Name)
	c.JSON(http.StatusOK, h.toAgency(a))
}

type qualificationInput struct {
	// ID keeps an existing qualification's identity (leave empty for a new one).
	ID        string `json:"id,omitempty"`
	Type      string `json:"type"`
	Level     string `json:"level,omitempty"`
	CertNo    string `json:"cert_no"`
	Issuer    string `json:"issuer,omitempty"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	// FileID is a scanned certificate uploaded by the caller's organisation.
	FileID string `json:"file_id,omitempty"`
}

type practitionerInput struct {
	Name        string `json:"name"`
	Certificate string `json:"certificate,omitempty"`
	// IDNumber is stored masked except for the last 4 characters; empty
	// keeps the stored mask of the same practitioner.
	IDNumber string `json:"id_number,omitempty"`
}

type listingInput struct {
	ItemCode      string `json:"item_code"`
	CommittedDays int    `json:"committed_days"`
	FeeNote       string `json:"fee_note,omitempty"`
}

// applicationRequest is the whole application; field errors use its JSON
// names (qualifications[0].valid_to, listings[1].committed_days …).
type applicationRequest struct {
	USCC           string               `json:"uscc"`
	Name           string               `json:"name"`
	LegalRep       string               `json:"legal_rep"`
	Region         string               `json:"region"`
	Address        string               `json:"address,omitempty"`
	Contact        string               `json:"contact,omitempty"`
	Phone          string               `json:"phone,omitempty"`
	Email          string               `json:"email,omitempty"`
	Qualifications []qualificationInput `json:"qualifications"`
	Practitioners  []practitionerInput  `json:"practitioners"`
	Listings       []listingInput       `json:"listings"`
}

// input converts the request, checking dates and that every scanned
// certificate is a file the organisation uploaded.
func (in applicationRequest) input(owned func(fileID string) bool) (registry.ApplicationInput, error) {
	v := apperr.Invalid()
	out := registry.ApplicationInput{Profile: registry.Profile{USCC: in.USCC, Name: in.Name, LegalRep: in.LegalRep,
		Region: strings.TrimSpace(in.Region), Address: in.Address, Contact: strings.TrimSpace(in.Contact),
		Phone: strings.TrimSpace(in.Phone), Email: strings.TrimSpace(in.Email)}}
	for i, q := range in.Qualifications {
		f := fmt.Sprintf("qualifications[%d].", i)
		rq := registry.Qualification{ID: q.ID, Type: q.Type, Level: q.Level, CertNo: q.CertNo, Issuer: q.Issuer, FileID: strings.TrimSpace(q.FileID)}
		for _, d := range []struct {
			name, raw string
			dst       *registry.Date
		}{{"valid_from", q.ValidFrom, &rq.ValidFrom}, {"valid_to", q.ValidTo, &rq.ValidTo}} {
			if strings.TrimSpace(d.raw) == "" {
				continue // the registry asks for both dates
			}
			day, err := registry.ParseDate(strings.TrimSpace(d.raw))
			if err != nil {
				v.Field(f+d.name, "日期格式应为 YYYY-MM-DD，如 2027-12-31")
				continue
			}
			*d.dst = day
		}
		if rq.FileID != "" && !owned(rq.FileID) {
			v.Field(f+"file_id", "扫描件不存在或不是本机构上传的文件，请重新上传")
		}
		out.Profile.Qualifications = append(out.Profile.Qualifications, rq)
	}
	for _, p := range in.Practitioners {
		out.Practitioners = append(out.Practitioners, registry.PractitionerInput{Name: p.Name, Certificate: p.Certificate, IDNumber: p.IDNumber})
	}
	for _, l := range in.Listings {
		out.Listings = append(out.Listings, registry.Listing{ItemCode: registry.NormalizeCode(l.ItemCode),
			CommittedDays: l.CommittedDays, FeeNote: strings.TrimSpace(l.FeeNote)})
	}
	return out, v.OrNil()
}

func (h *handlers) saveApplication(c *gin.Context) {
	var in applicationRequest
	if !bindJSON(c, &in) {
		return
	}
	p := web.PrincipalOf(c)
	app, err := in.input(func(id string) bool { return h.Files.Owned(c, p.OrgID, id) })
	if err != nil {
		web.Fail(c, err)
		return
	}
	cur, err := h.Registry.Get(c, actorOf(p), p.OrgID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	keepQualificationIDs(app.Profile.Qualifications, cur)
	a, err := h.Registry.SaveApplication(c, actorOf(p), p.OrgID, app)
	if err != nil {
		web.Fail(c, err)
		return
	}
	what := "保存入驻申请"
	if a.PendingChange != nil {
		what = "提交关键信息变更（待审核）"
	}
	web.Audit(c, a.ID, what+"："+a.Profile.Name)
	c.JSON(http.StatusOK, h.toAgency(a))
}

// keepQualificationIDs gives a qualification sent without its ID the ID of
// the stored one with the same type and certificate number, so that an edit
// shows up as a change of that qualification, not as a removal and an
// addition.
func keepQualificationIDs(qs []registry.Qualification, cur registry.Agency) {
	stored := cur.Profile.Qualifications
	if cur.PendingChange != nil {
		stored = append(stored, cur.PendingChange.Qualifications...)
	}
	used := map[string]bool{}
	for _, q := range qs {
		used[q.ID] = q.ID != ""
	}
	for i, q := range qs {
		if q.ID != "" {
			continue
		}
		for _, s := range stored {
			if !used[s.ID] && s.Type == strings.TrimSpace(q.Type) && s.CertNo == strings.TrimSpace(q.CertNo) {
				qs[i].ID, used[s.ID] = s.ID, true
				break
			}
		}
	}
}

// ownMove is a state change the agency makes on its own record
// (accept the commitment letter, submit, withdraw).
func (h *handlers) ownMove(summary string, move func(context.Context, registry.Actor, string) (registry.Agency, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		p := web.PrincipalOf(c)
		a, err := move(c, actorOf(p), p.OrgID)
		if err != nil {
			web.Fail(c, err)
			return
		}
		web.Audit(c, a.ID, summary+"："+a.Profile.Name)
		c.JSON(http.StatusOK, h.toAgency(a))
	}
}
