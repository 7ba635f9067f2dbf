package adminui

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// Random inspections (双随机一公开): regulators plan, draw and record;
// everybody sees the plans, the results and the draw's verification.

// inspectionRow is a plan with its progress.
type inspectionRow struct {
	scoring.Inspection
	Items    []string // names of the service items in scope
	Recorded int
}

func (u *ui) inspectionRow(x scoring.Inspection) inspectionRow {
	r := inspectionRow{Inspection: x}
	for _, code := range x.ItemCodes {
		r.Items = append(r.Items, u.itemName(code))
	}
	for _, a := range x.Assignments {
		if a.Result != "" {
			r.Recorded++
		}
	}
	return r
}

type inspectionsPage struct {
	Rows   []inspectionRow
	Pager  pager
	Form   *form
	Groups []itemGroup
	Items  map[string]bool // chosen items of the form
}

func (u *ui) openInspections(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	var rows []inspectionRow
	for _, x := range u.Scoring.InspectionList() {
		rows = append(rows, u.inspectionRow(x))
	}
	p := inspectionsPage{}
	p.Rows, p.Pager = pageSlice(c, rows, 20)
	u.render(c, http.StatusOK, "sup_open_inspections", view{Title: "监管公开", Nav: "inspections", Data: p})
}

func (u *ui) superviseInspections(c *gin.Context) { u.showInspections(c, http.StatusOK, nil) }

func (u *ui) showInspections(c *gin.Context, status int, f *form) {
	if !u.needScoring(c) {
		return
	}
	items, err := u.Catalog.List(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := inspectionsPage{Form: f, Groups: groupItems(items, false), Items: map[string]bool{}}
	if f == nil {
		p.Form = newForm()
		p.Form.Values["sample_size"] = "5"
	}
	for _, code := range c.PostFormArray("items") {
		p.Items[code] = true
	}
	var rows []inspectionRow
	for _, x := range u.Scoring.InspectionList() {
		rows = append(rows, u.inspectionRow(x))
	}
	p.Rows, p.Pager = pageSlice(c, rows, 20)
	u.render(c, status, "sup_inspections", view{Title: "双随机抽查", Section: "inspections", Data: p})
}

// splitList reads a list written one per line, or separated by commas,
// 、 or spaces.
func splitList(s string, lines bool) []string {
	sep := func(r rune) bool { return r == '\n' || r == '\r' }
	if !lines {
		sep = func(r rune) bool {
			return r == ',' || r == '，' || r == '、' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
		}
	}
	var out []string
	for _, x := range strings.FieldsFunc(s, sep) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func (u *ui) createInspection(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := postedForm(c, "name", "sample_size", "inspectors", "regions")
	n, err := strconv.Atoi(f.Get("sample_size"))
	if err != nil {
		n = 0 // the service explains the range
	}
	in := scoring.InspectionInput{Name: f.Get("name"), SampleSize: n, Inspectors: splitList(f.Get("inspectors"), true),
		Regions: splitList(f.Get("regions"), false), ItemCodes: c.PostFormArray("items")}
	x, err := u.Scoring.CreateInspection(c.Request.Context(), actor(c), in)
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showInspections(c, formStatus(err), f)
		return
	}
	web.Audit(c, "inspection:"+x.ID, "制定抽查计划 "+x.ID+"「"+x.Name+"」")
	u.setFlash(c, "ok", "抽查计划已制定，抽取承诺值已公开。请在抽取前确认范围和人员库")
	redirect(c, "/supervise/inspections/"+x.ID)
}

// inspectionPage is one plan, its results and the verification of its draws.
type inspectionPage struct {
	Row    inspectionRow
	Check  *inspectionCheck
	Form   *form
	FormID string // the assignment whose result form is shown again
}

// inspectionCheck recomputes a plan's draws from the published values.
type inspectionCheck struct {
	SecretHash string
	SecretOK   bool
	AgencyOK   bool
	AgencyMsg  string
	Tickets    []ticket
	Draws      []inspectorCheck
}

// ticket is one lot of the weighted draw: an agency holds one per weight.
type ticket struct{ ID, Name string }

type inspectorCheck struct {
	Agency  string
	Pool    []string
	OK      bool
	Message string
}

func (u *ui) openInspection(c *gin.Context) {
	u.showInspection(c, http.StatusOK, "sup_open_inspection", nil, "")
}

func (u *ui) superviseInspection(c *gin.Context) {
	u.showInspection(c, http.StatusOK, "sup_inspection", nil, "")
}

func (u *ui) showInspection(c *gin.Context, status int, page string, f *form, formID string) {
	if !u.needScoring(c) {
		return
	}
	x, err := u.Scoring.Inspection(c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := inspectionPage{Row: u.inspectionRow(x), Check: checkInspection(x), Form: f, FormID: formID}
	if f == nil {
		p.Form = newForm()
	}
	v := view{Title: "抽查计划 · " + x.Name, Data: p}
	if page == "sup_inspection" {
		v.Section = "inspections"
	} else {
		v.Nav = "inspections"
	}
	u.render(c, status, page, v)
}

// checkInspection verifies the weighted draw of the agencies and each
// draw of two inspectors, once the secret is revealed.
func checkInspection(x scoring.Inspection) *inspectionCheck {
	if x.AgencyDraw == nil || x.Secret == "" {
		return nil
	}
	ck := &inspectionCheck{}
	if b, err := hex.DecodeString(x.Secret); err == nil {
		sum := sha256.Sum256(b)
		ck.SecretHash = hex.EncodeToString(sum[:])
		ck.SecretOK = ck.SecretHash == x.Commitment
	}
	ck.AgencyOK, ck.AgencyMsg = hall.VerifyWeightedDraw(x.Secret, x.Commitment, *x.AgencyDraw)
	names := map[string]string{}
	for _, a := range x.Assignments {
		names[a.AgencyID] = a.AgencyName
	}
	for _, t := range x.AgencyDraw.Candidates {
		id, n, _ := strings.Cut(t, "#")
		name := names[id]
		if name == "" {
			name = id
		}
		ck.Tickets = append(ck.Tickets, ticket{ID: t, Name: name + " 第 " + n + " 签"})
	}
	for _, a := range x.Assignments {
		ok, msg := hall.VerifyDraw(x.Secret, x.Commitment, a.Draw)
		ck.Draws = append(ck.Draws, inspectorCheck{Agency: a.AgencyName, Pool: a.Draw.Candidates, OK: ok, Message: msg})
	}
	return ck
}

func (u *ui) drawInspection(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	x, err := u.Scoring.DrawInspection(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		if apperr.Is(err, apperr.KindConflict) {
			u.setFlash(c, "error", errMessage(err))
			redirect(c, "/supervise/inspections/"+c.Param("id"))
			return
		}
		web.Fail(c, err)
		return
	}
	web.Audit(c, "inspection:"+x.ID, "抽取抽查计划 "+x.ID+" 的检查对象 "+strconv.Itoa(len(x.Assignments))+" 家")
	u.setFlash(c, "ok", "已抽取 "+strconv.Itoa(len(x.Assignments))+" 家检查对象并分配执法检查人员，结果和验证数据已公开")
	redirect(c, "/supervise/inspections/"+x.ID)
}

func (u *ui) recordInspection(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := postedForm(c, "agency", "result", "note")
	x, err := u.Scoring.RecordInspection(c.Request.Context(), actor(c), c.Param("id"), f.Get("agency"), f.Get("result"), f.Get("note"))
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) || !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showInspection(c, formStatus(err), "sup_inspection", f, f.Get("agency"))
		return
	}
	web.Audit(c, "inspection:"+x.ID, "登记抽查结果："+f.Get("result"))
	u.setFlash(c, "ok", "检查结果已登记并公开")
	redirect(c, "/supervise/inspections/"+x.ID)
}

// errMessage is the Chinese message of a domain error.
func errMessage(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Message
	}
	return err.Error()
}
