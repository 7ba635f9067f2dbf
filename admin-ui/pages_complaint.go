package adminui

import (
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// maxEvidence is how many evidence files one complaint form carries.
const maxEvidence = 3

// complaintMaxBody is the body limit of the complaint form with its files.
const complaintMaxBody = maxEvidence*files.MaxSize + 1<<20

// complaintFields are the complaint form's text fields.
var complaintFields = []string{"target_kind", "target", "project_id", "subject", "details", "name", "phone"}

// complaintFormPage is the public complaint form (投诉).
type complaintFormPage struct {
	Form        *form
	Anonymous   bool
	Agencies    []agencyChoice
	MaxEvidence int
}

func (u *ui) complaintForm(c *gin.Context) {
	f := newForm()
	f.Values["target_kind"] = "agency"
	choices := u.agencyChoices(false)
	if id := c.Query("agency"); id != "" {
		if a, ok := u.resolveAgency(choices, id); ok {
			f.Values["target"] = a.Name
		}
	}
	f.Values["project_id"] = c.Query("project")
	u.showComplaintForm(c, http.StatusOK, f, choices)
}

func (u *ui) showComplaintForm(c *gin.Context, status int, f *form, choices []agencyChoice) {
	p := complaintFormPage{Form: f, Anonymous: web.PrincipalOf(c).Anonymous(), Agencies: choices, MaxEvidence: maxEvidence}
	u.render(c, status, "complaint_new", view{Title: "投诉", Nav: "credit", Data: p})
}

// complaintCookie carries the number of a complaint just filed to the
// confirmation page of the browser that filed it (and nobody else's).
const complaintCookie = "ah_complaint"

var complaintIDRe = regexp.MustCompile(`^TS\d{9}$`)

// fileComplaint files a complaint: the public with a name and a phone,
// logged-in users as themselves, with evidence files when logged in.
func (u *ui) fileComplaint(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := postedForm(c, complaintFields...)
	who := actor(c)
	choices := u.agencyChoices(false)
	in := scoring.ComplaintInput{Name: f.Get("name"), Phone: f.Get("phone"), TargetKind: f.Get("target_kind"),
		ProjectID: f.Get("project_id"), Subject: f.Get("subject"), Details: f.Get("details")}
	if in.TargetKind == "" {
		in.TargetKind = "agency"
	}
	v := apperr.Invalid()
	switch in.TargetKind {
	case "agency":
		if f.Get("target") == "" {
			v.Field("target", "请选择被投诉的中介机构")
		} else if a, ok := u.resolveAgency(choices, f.Get("target")); ok {
			in.TargetID = a.ID
		} else {
			v.Field("target", "没有找到该中介机构：请从列表中选择，或填写其统一社会信用代码")
		}
	case "owner": // the project names its owner
		if in.ProjectID == "" {
			v.Field("project_id", "投诉项目业主请填写项目编号")
		} else if p, err := u.Hall.Get(c.Request.Context(), registry.Actor{}, in.ProjectID); err == nil {
			in.TargetID = p.OwnerOrg
		} else {
			v.Field("project_id", "没有找到该项目，请核对项目编号")
		}
	}
	var uploads []*multipart.FileHeader
	if mf, err := c.MultipartForm(); err == nil {
		for _, fh := range mf.File["evidence"] {
			if fh.Size > 0 || fh.Filename != "" {
				uploads = append(uploads, fh)
			}
		}
	}
	switch {
	case len(uploads) > 0 && who.OrgID == "":
		v.Field("evidence", "匿名投诉不能上传文件。如需提交证据材料，请登录后投诉，或在投诉受理后按监管部门的联系提供")
	case len(uploads) > maxEvidence:
		v.Field("evidence", "证据材料最多 "+strconv.Itoa(maxEvidence)+" 个文件")
	}
	err := v.OrNil()
	if err == nil {
		in.EvidenceFiles, err = u.uploadEvidence(c, uploads)
	}
	var x scoring.Complaint
	if err == nil {
		x, err = u.Scoring.FileComplaint(c.Request.Context(), who, in)
	}
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		if m, ok := f.Errors["target_id"]; ok && f.Errors["target"] == "" {
			f.Errors["target"] = m
		}
		u.showComplaintForm(c, formStatus(err), f, choices)
		return
	}
	web.Audit(c, "complaint:"+x.ID, "提交投诉 "+x.ID+"，被投诉方「"+x.TargetName+"」")
	http.SetCookie(c.Writer, &http.Cookie{Name: complaintCookie, Value: x.ID, Path: "/complaints/filed", MaxAge: 1800,
		HttpOnly: true, Secure: u.SecureCookies, SameSite: http.SameSiteLaxMode})
	redirect(c, "/complaints/filed")
}

// uploadEvidence stores the evidence files of the user's organisation.
func (u *ui) uploadEvidence(c *gin.Context, uploads []*multipart.FileHeader) ([]string, error) {
	var ids []string
	p := web.PrincipalOf(c)
	for _, fh := range uploads {
		r, err := fh.Open()
		if err != nil {
			return nil, apperr.Invalid().Field("evidence", "文件读取失败，请重新选择文件").Wrap(err)
		}
		m, err := u.Files.Upload(c.Request.Context(), p.OrgID, p.UserID, "complaint_evidence", fh.Filename, r)
		r.Close()
		if err != nil {
			if e, ok := apperr.As(err); ok && e.Fields["file"] != "" {
				return nil, apperr.Invalid().Field("evidence", fh.Filename+"："+e.Fields["file"])
			}
			return nil, err
		}
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// complaintFiledPage confirms a complaint with its number.
type complaintFiledPage struct {
	ID       string
	LoggedIn bool
}

func (u *ui) complaintFiled(c *gin.Context) {
	p := complaintFiledPage{LoggedIn: !web.PrincipalOf(c).Anonymous()}
	if v, err := c.Cookie(complaintCookie); err == nil && complaintIDRe.MatchString(v) {
		p.ID = v
	}
	u.render(c, http.StatusOK, "complaint_filed", view{Title: "投诉已提交", Nav: "credit", Data: p})
}
