package adminui

import (
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// applicationMaxBody bounds one post of the application form: a few
// certificate scans (each at most files.MaxSize) and the text fields.
const applicationMaxBody = 4*files.MaxSize + 1<<20

// agencyPage is the agency's own application and profile: one page with
// its status and next step on top, then the sections of the application.
type agencyPage struct {
	Agency      registry.Agency
	Exists      bool // an application has been saved
	Form        *form
	Rows        rowCounts // filled rows of each list
	Blank       rowCounts // blank rows shown after them
	Quals       []qualRow
	Pracs       []pracRow
	Listings    []listingRow
	Groups      []itemGroup // enabled service items, for the listing select
	QualTypes   []string    // suggestions for the qualification type
	Editable    bool
	CanSubmit   bool
	CanWithdraw bool
	Diff        []registry.FieldChange // pending key-field change
	Commitment  string
	CommitForm  *form
	AcceptedBy  string // name of the user who accepted the commitment
	Warnings    []qualWarning
}

type qualRow struct {
	I      int
	Key    string
	File   *files.Meta
	Expiry expiry
}

type pracRow struct {
	I      int
	Key    string
	Masked string // the stored, masked ID number
	Retype bool   // an ID number was typed but is not shown again
}

type listingRow struct {
	I   int
	Key string
	listingView
}

// qualWarning is a qualification that expires soon or has expired.
type qualWarning struct {
	Qual   registry.Qualification
	Expiry expiry
}

// agencyState is what a re-shown page carries over from a failed post.
type agencyState struct {
	app    *applicationForm // the posted application, or nil to show the stored one
	commit *form
	errs   *form // errors from submitting, shown on the stored data
	blank  rowCounts
}

// loadOwnAgency returns the agency's application, or exists false when
// none has been saved yet.
func (u *ui) loadOwnAgency(c *gin.Context) (registry.Agency, bool, error) {
	a, err := u.Registry.Get(c.Request.Context(), actor(c), web.PrincipalOf(c).OrgID)
	if apperr.Is(err, apperr.KindNotFound) {
		return registry.Agency{}, false, nil
	}
	return a, err == nil, err
}

// baseProfile is a new application's profile, from the registration data.
func (u *ui) baseProfile(c *gin.Context) (registry.Profile, error) {
	org, err := u.Auth.GetOrg(c.Request.Context(), web.PrincipalOf(c).OrgID)
	if err != nil {
		return registry.Profile{}, err
	}
	return registry.Profile{USCC: org.USCC, Name: org.Name, Region: org.Region, Contact: org.Contact, Phone: org.Phone, Email: org.Email}, nil
}

// ensureApplication starts the application on the first save.
func (u *ui) ensureApplication(c *gin.Context) (registry.Agency, error) {
	a, ok, err := u.loadOwnAgency(c)
	if err != nil || ok {
		return a, err
	}
	base, err := u.baseProfile(c)
	if err != nil {
		return registry.Agency{}, err
	}
	return u.Registry.StartApplication(c.Request.Context(), actor(c), base)
}

func (u *ui) myAgency(c *gin.Context) {
	u.showAgency(c, http.StatusOK, agencyState{blank: blankCounts(c.Query)})
}

func (u *ui) showAgency(c *gin.Context, status int, st agencyState) {
	ctx := c.Request.Context()
	a, exists, err := u.loadOwnAgency(c)
	if err == nil && !exists {
		a.Profile, err = u.baseProfile(c)
		a.Status = registry.StatusDraft
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	items, err := u.Catalog.List(ctx)
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := agencyPage{Agency: a, Exists: exists, Blank: st.blank, Groups: groupItems(items, false), QualTypes: catalogQualTypes(items),
		Commitment: registry.CommitmentText, CommitForm: st.commit}
	if p.CommitForm == nil {
		p.CommitForm = newForm()
	}
	p.Editable = a.Status != registry.StatusPending && a.Status != registry.StatusWithdrawn
	if !p.Editable {
		p.Blank = rowCounts{} // a read-only page has no blank rows to fill
	}
	p.CanSubmit = exists && (a.Status == registry.StatusDraft || a.Status == registry.StatusRejected)
	p.CanWithdraw = exists && a.Status != registry.StatusWithdrawn && a.Status != registry.StatusBlacklisted
	if a.PendingChange != nil {
		p.Diff = registry.DiffProfiles(a.Profile, *a.PendingChange, false)
	}
	if st.app != nil {
		p.Form, p.Rows = st.app.f, st.app.rows
	} else {
		p.Form, p.Rows = profileForm(a)
		if st.errs != nil {
			p.Form.Message = st.errs.Message
			for k, v := range st.errs.Errors {
				p.Form.Errors[k] = v
			}
		}
	}
	if a.Commitment.AcceptedBy != "" {
		p.AcceptedBy = a.Commitment.AcceptedBy
		if usr, err := u.Auth.GetUser(ctx, a.Commitment.AcceptedBy); err == nil {
			p.AcceptedBy = usr.Name + "（" + usr.ID + "）"
		}
	}
	u.fillRows(ctx, c, &p, st)
	u.render(c, status, "my_agency", view{Title: "入驻申请与机构资料", Section: "agency", Data: p})
}

// fillRows builds the per-row extras: file details, expiry badges, masked
// ID numbers and listing validity.
func (u *ui) fillRows(ctx context.Context, c *gin.Context, p *agencyPage, st agencyState) {
	day := u.today()
	reader := fileReader(c)
	quals := make([]registry.Qualification, 0, p.Rows.Q)
	for i := 0; i < p.Rows.Q+p.Blank.Q; i++ {
		r := qualRow{I: i, Key: qualKey(i)}
		if i < p.Rows.Q {
			if id := p.Form.Get(r.Key + "file_id"); id != "" {
				if m, err := u.Files.Stat(ctx, reader, id); err == nil {
					r.File = &m
				}
			}
			from, _ := registry.ParseDate(p.Form.Get(r.Key + "valid_from"))
			to, _ := registry.ParseDate(p.Form.Get(r.Key + "valid_to"))
			q := registry.Qualification{Type: p.Form.Get(r.Key + "type"), ValidFrom: from, ValidTo: to}
			quals = append(quals, q)
			if !to.IsZero() {
				r.Expiry = expiryOn(q, day)
			}
		}
		p.Quals = append(p.Quals, r)
	}
	for _, q := range p.Agency.Profile.Qualifications {
		if e := expiryOn(q, day); e.Label != "" && e.Level != 0 {
			p.Warnings = append(p.Warnings, qualWarning{Qual: q, Expiry: e})
		}
	}
	masks := map[string]string{}
	for _, pr := range p.Agency.Practitioners {
		masks[pr.Name+"\x00"+pr.Certificate] = pr.IDMasked
	}
	for i := 0; i < p.Rows.P+p.Blank.P; i++ {
		r := pracRow{I: i, Key: pracKey(i)}
		if i < p.Rows.P {
			r.Masked = masks[p.Form.Get(r.Key+"name")+"\x00"+p.Form.Get(r.Key+"certificate")]
			r.Retype = st.app != nil && st.app.retype[i]
		}
		p.Pracs = append(p.Pracs, r)
	}
	for i := 0; i < p.Rows.L+p.Blank.L; i++ {
		r := listingRow{I: i, Key: listingKey(i)}
		if code := p.Form.Get(r.Key + "item_code"); i < p.Rows.L && code != "" {
			r.ItemCode = code
			r.Item, r.Known = u.Registry.Directory().Item(code)
			if r.Known {
				r.Valid, r.Reason = registry.ListingValid(r.Item, quals, u.Now())
			}
		}
		p.Listings = append(p.Listings, r)
	}
}

// saveAgency stores the application form: uploads first, so a file is
// not lost when another field is wrong, then the registry's checks.
func (u *ui) saveAgency(c *gin.Context) {
	ctx := c.Request.Context()
	who := actor(c)
	af := readApplication(c)
	f := af.f
	blank := blankCounts(c.PostForm)
	switch c.PostForm("op") {
	case "add_qual":
		blank.Q = min(blank.Q+1, maxBlankRows)
	case "add_prac":
		blank.P = min(blank.P+1, maxBlankRows)
	case "add_listing":
		blank.L = min(blank.L+1, maxBlankRows)
	}
	var uploaded []string
	for i := range af.in.Profile.Qualifications {
		q := &af.in.Profile.Qualifications[i]
		k := qualKey(i)
		if fh := af.uploads[i]; fh != nil {
			m, err := u.upload(ctx, c, fh, "qualification")
			if err != nil {
				e, ok := apperr.As(err)
				if !ok || e.Kind != apperr.KindInvalid {
					web.Fail(c, err)
					return
				}
				f.Errors[k+"file"] = e.Message
				if msg := e.Fields["file"]; msg != "" {
					f.Errors[k+"file"] = msg
				}
				continue
			}
			q.FileID = m.ID
			f.Values[k+"file_id"] = m.ID
			uploaded = append(uploaded, m.Name)
		} else if q.FileID != "" && !u.Files.Owned(ctx, who.OrgID, q.FileID) {
			f.Errors[k+"file"] = "扫描件无效，请重新上传"
			q.FileID, f.Values[k+"file_id"] = "", ""
		}
	}
	show := func(status int) {
		if f.Message == "" {
			f.Message = "提交的内容有误，请检查标出的字段"
		}
		u.showAgency(c, status, agencyState{app: af, blank: blank})
	}
	if len(f.Errors) > 0 {
		show(http.StatusBadRequest)
		return
	}
	if _, err := u.ensureApplication(c); err != nil {
		web.Fail(c, err)
		return
	}
	a, err := u.Registry.SaveApplication(ctx, who, who.OrgID, af.in)
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		show(formStatus(err))
		return
	}
	summary := fmt.Sprintf("保存入驻资料：资质 %d 项、从业人员 %d 人、服务事项 %d 项", len(af.in.Profile.Qualifications), len(af.in.Practitioners), len(af.in.Listings))
	if len(uploaded) > 0 {
		summary += "；上传资质证书扫描件 " + strings.Join(uploaded, "、")
	}
	msg := "已保存"
	if a.PendingChange != nil {
		summary += "；关键信息变更待审核"
		msg = "已保存。机构名称、信用代码、法定代表人或资质的变更已提交监管部门审核，审核通过前公众看到的仍是原信息"
	} else if a.Status == registry.StatusDraft || a.Status == registry.StatusRejected {
		msg = "已保存。资料齐全并签署承诺书后，请点击“提交审核”"
	}
	web.Audit(c, a.ID, summary)
	u.setFlash(c, "ok", msg)
	to := "/my/agency"
	if blank != (rowCounts{1, 1, 1}) {
		to += fmt.Sprintf("?bq=%d&bp=%d&bl=%d", blank.Q, blank.P, blank.L)
	}
	redirect(c, to+anchorFor(c.PostForm("op")))
}

func anchorFor(op string) string {
	switch op {
	case "add_qual":
		return "#quals"
	case "add_prac":
		return "#pracs"
	case "add_listing":
		return "#listings"
	}
	return ""
}

// upload stores one file of the user's organisation; the file service
// checks its type by content and its size.
func (u *ui) upload(ctx context.Context, c *gin.Context, fh *multipart.FileHeader, purpose string) (files.Meta, error) {
	r, err := fh.Open()
	if err != nil {
		return files.Meta{}, apperr.Invalid().Field("file", "文件读取失败，请重新选择文件").Wrap(err)
	}
	defer r.Close()
	p := web.PrincipalOf(c)
	return u.Files.Upload(ctx, p.OrgID, p.UserID, purpose, fh.Filename, r)
}

func (u *ui) acceptCommitment(c *gin.Context) {
	if c.PostForm("agree") != "1" {
		f := newForm()
		f.Errors["agree"] = "请先阅读承诺书，并勾选“我已阅读并同意”"
		u.showAgency(c, http.StatusBadRequest, agencyState{commit: f, blank: rowCounts{1, 1, 1}})
		return
	}
	if _, err := u.ensureApplication(c); err != nil {
		web.Fail(c, err)
		return
	}
	a, err := u.Registry.AcceptCommitment(c.Request.Context(), actor(c), actor(c).OrgID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, a.ID, "签署入驻承诺书（版本 "+a.Commitment.TextVersion+"）")
	u.setFlash(c, "ok", "已签署入驻承诺书")
	redirect(c, "/my/agency#commitment")
}

func (u *ui) submitAgency(c *gin.Context) {
	a, err := u.Registry.Submit(c.Request.Context(), actor(c), actor(c).OrgID)
	if err != nil {
		f := newForm()
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		if f.Message == "" || len(f.Errors) > 0 {
			f.Message = "申请还不能提交：" + joinErrors(f.Errors)
		}
		u.showAgency(c, formStatus(err), agencyState{errs: f, blank: rowCounts{1, 1, 1}})
		return
	}
	web.Audit(c, a.ID, "提交入驻申请「"+a.Profile.Name+"」待审核")
	u.setFlash(c, "ok", "入驻申请已提交，请等待监管部门审核。审核结果会显示在本页")
	redirect(c, "/my/agency")
}

// joinErrors lists a few field messages in one sentence.
func joinErrors(errs map[string]string) string {
	seen := map[string]bool{}
	var msgs []string
	for _, k := range sortedKeys(errs) {
		if m := errs[k]; !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	if len(msgs) > 4 {
		msgs = append(msgs[:4], "等 "+strconv.Itoa(len(msgs))+" 个问题")
	}
	return strings.Join(msgs, "；")
}

func (u *ui) withdrawAgency(c *gin.Context) {
	a, err := u.Registry.Withdraw(c.Request.Context(), actor(c), actor(c).OrgID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	web.Audit(c, a.ID, "机构「"+a.Profile.Name+"」申请退出平台")
	u.setFlash(c, "ok", "已退出平台。贵机构不再出现在中介机构库中，也不能再报名参与选取")
	redirect(c, "/my/agency")
}
