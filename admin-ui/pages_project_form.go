package adminui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// The rows of the form's lists. Without JavaScript a form cannot add rows,
// so it always has a few blank ones.
const (
	criteriaRowsMin  = 5
	exclusionRowsMin = 3
	layoutLocalInput = "2006-01-02T15:04" // <input type="datetime-local">
)

// projectFormPage is the create wizard and the draft editor: one page in
// sections (basics, money, method, dates, exclusions and witnesses).
type projectFormPage struct {
	F             *form
	Edit          *hall.Project
	Action        string
	Groups        []itemGroup
	Agencies      []registry.Agency // for the direct choice and exclusions
	Methods       []methodOption
	CriteriaRows  []int
	ExclusionRows []int
	DeadlineHint  string
}

// methodOption is a selection method with a short explanation of how it
// works and when it is allowed.
type methodOption struct {
	Value, Label, Explain string
}

func (u *ui) methodOptions() []methodOption {
	r := u.Hall.Rules
	return []methodOption{
		{"random", hall.MethodRandom.Label(), fmt.Sprintf("固定价格（最高限价即服务费）。报名截止后，从符合条件的报名机构中可验证地随机抽取一家。财政资金项目至少 %d 家报名，社会资金 %d 家，否则流标。", r.MinRandomFiscal, r.MinRandomSocial)},
		{"lowest", hall.MethodLowest.Label(), fmt.Sprintf("机构在最低限价与最高限价之间密封报价，最低的有效报价中选，同价抽签。财政资金项目至少 %d 家有效报价。", r.MinQuotesFiscal)},
		{"reasonable", hall.MethodReasonable.Label(), fmt.Sprintf("去掉一个最高价和一个最低价后取平均，乘以随机抽取的系数（95%%–98%%）得到基准价，最接近基准价的报价中选。财政资金项目需 %d 家以上有效报价，%d–%d 家按最低价法，更少则流标。", r.MinReasonableFiscal, r.MinQuotesFiscal, r.MinReasonableFiscal-1)},
		{"scoring", hall.MethodScoring.Label(), fmt.Sprintf("价格分（最低有效报价得满分）、信用分与业主评审因素分相加，总分最高者中选，同分抽签。报名期至少 %d 个工作日；须在下方公布各项分值。", r.ScoringDeadlineMin)},
		{"direct", hall.MethodDirect.Label(), "业主直接指定一家符合条件的机构，并书面说明理由。仅限社会资金项目，或最高限价不超过 " + formatYuan(r.DirectMaxCeilingFen) + " 的财政资金项目。"},
	}
}

// projectFields are the form's single fields; list rows are read apart.
var projectFields = []string{"name", "investment_code", "item_code", "region", "scope", "funding", "ceiling", "floor",
	"time_limit_days", "method", "direct_agency", "direct_reason", "weight_price", "weight_credit", "signup_deadline",
	"opening_time", "witnesses", "complaint_contact", "c_rows", "x_rows"}

func (u *ui) newProjectForm(c *gin.Context) {
	f := newForm()
	p := web.PrincipalOf(c)
	f.Values["region"] = p.Region
	if f.Values["region"] == "" {
		f.Values["region"] = u.Region
	}
	f.Values["funding"], f.Values["method"] = string(hall.FundingFiscal), string(hall.MethodRandom)
	f.Values["weight_price"], f.Values["weight_credit"] = "40", "20"
	for i, c := range []hall.Criterion{{Name: "技术方案", Max: 25}, {Name: "项目团队", Max: 15}} {
		f.Values[fmt.Sprintf("criteria[%d].name", i)], f.Values[fmt.Sprintf("criteria[%d].max", i)] = c.Name, strconv.FormatInt(c.Max, 10)
	}
	// Prefill dates that pass the rules for every method: the sign-up
	// deadline at 17:00 on the last of the minimum working days, the
	// opening an hour later.
	cal, now := u.Hall.Calendar, u.Hall.Now()
	days := max(u.Hall.Rules.DeadlineDaysMin, u.Hall.Rules.ScoringDeadlineMin)
	dl := cal.AddWorkdays(registry.DateOf(now), days).Start().Add(17 * time.Hour)
	f.Values["signup_deadline"] = dl.In(shanghai).Format(layoutLocalInput)
	f.Values["opening_time"] = dl.Add(time.Hour).In(shanghai).Format(layoutLocalInput)
	u.showProjectForm(c, http.StatusOK, f, nil)
}

func (u *ui) editProjectForm(c *gin.Context) {
	p, ok := u.ownDraft(c)
	if !ok {
		return
	}
	u.showProjectForm(c, http.StatusOK, formOfProject(p), &p)
}

// ownDraft loads the project being edited, which must be the owner's draft.
func (u *ui) ownDraft(c *gin.Context) (hall.Project, bool) {
	p, err := u.Hall.Get(c.Request.Context(), actor(c), c.Param("id"))
	if err == nil && p.OwnerOrg != actor(c).OrgID {
		err = apperr.Forbidden("只能修改本单位的项目")
	}
	if err == nil && p.State != hall.StateDraft {
		err = apperr.Conflict("not_draft", "项目已发布，不能再修改")
	}
	if err != nil {
		web.Fail(c, err)
		return p, false
	}
	return p, true
}

func (u *ui) showProjectForm(c *gin.Context, status int, f *form, edit *hall.Project) {
	items, err := u.Catalog.List(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	pg := projectFormPage{F: f, Edit: edit, Action: "/projects", Groups: groupItems(items, false), Methods: u.methodOptions(),
		Agencies: u.activeAgencies()}
	title := "发布选取项目"
	if edit != nil {
		pg.Action, title = "/projects/"+edit.ID, "修改项目草稿"
	}
	pg.CriteriaRows = seq(max(criteriaRowsMin, atoiOr(f.Get("c_rows"), 0)))
	pg.ExclusionRows = seq(max(exclusionRowsMin, atoiOr(f.Get("x_rows"), 0)))
	r := u.Hall.Rules
	pg.DeadlineHint = fmt.Sprintf("自发布之日起至少 %d 个工作日（综合评分 %d 个工作日），节假日和调休按平台工作日历计算", r.DeadlineDaysMin, r.ScoringDeadlineMin)
	section := "new-project"
	if edit != nil {
		section = "projects"
	}
	u.render(c, status, "project_form", view{Title: title, Section: section, Data: pg})
}

// activeAgencies lists the admitted agencies in service, by name.
func (u *ui) activeAgencies() []registry.Agency {
	var out []registry.Agency
	for page := 1; ; page++ {
		entries, total := u.Registry.Directory().Search(registry.DirectoryQuery{Page: page, PageSize: 100, Now: u.Now()})
		for _, e := range entries {
			out = append(out, e.Agency)
		}
		if len(entries) == 0 || len(out) >= total {
			return out
		}
	}
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 50 {
		return def
	}
	return n
}

func (u *ui) createProject(c *gin.Context) {
	f, in, err := u.readProjectForm(c)
	var p hall.Project
	if err == nil {
		p, err = u.Hall.Create(c.Request.Context(), actor(c), web.PrincipalOf(c).OrgName, in)
	}
	if err != nil {
		u.projectFormFailed(c, f, err, nil)
		return
	}
	audited(c, p, "创建选取项目草稿")
	u.setFlash(c, "ok", "项目草稿已保存。请检查无误后发布公告")
	redirect(c, "/projects/"+p.ID)
}

func (u *ui) updateProject(c *gin.Context) {
	old, ok := u.ownDraft(c)
	if !ok {
		return
	}
	f, in, err := u.readProjectForm(c)
	var p hall.Project
	if err == nil {
		p, err = u.Hall.Update(c.Request.Context(), actor(c), old.ID, in)
	}
	if err != nil {
		u.projectFormFailed(c, f, err, &old)
		return
	}
	audited(c, p, "修改选取项目草稿")
	u.setFlash(c, "ok", "项目草稿已保存")
	redirect(c, "/projects/"+p.ID)
}

func (u *ui) projectFormFailed(c *gin.Context, f *form, err error, edit *hall.Project) {
	if !f.fail(err) {
		web.Fail(c, err)
		return
	}
	for from, to := range map[string]string{"ceiling_fen": "ceiling", "floor_fen": "floor"} {
		if m, ok := f.Errors[from]; ok {
			f.Errors[to] = m
		}
	}
	u.showProjectForm(c, formStatus(err), f, edit)
}

// readProjectForm reads the posted form into the service's input. Money is
// typed in yuan with up to two decimals and read as fen from the digits.
func (u *ui) readProjectForm(c *gin.Context) (*form, hall.ProjectInput, error) {
	f := postedForm(c, projectFields...)
	v := apperr.Invalid()
	in := hall.ProjectInput{Name: f.Get("name"), InvestmentCode: f.Get("investment_code"), ItemCode: registry.NormalizeCode(f.Get("item_code")),
		Region: f.Get("region"), Scope: f.Get("scope"), Funding: hall.Funding(f.Get("funding")), Method: hall.Method(f.Get("method")),
		DirectAgency: agencyRef(f.Get("direct_agency")), DirectReason: f.Get("direct_reason"), ComplaintContact: f.Get("complaint_contact")}
	var ok bool
	if in.CeilingFen, ok = parseDecimal(f.Get("ceiling"), 2); !ok {
		v.Field("ceiling", "请填写最高限价（元），最多两位小数，如 150000.00")
	}
	if s := f.Get("floor"); s != "" {
		if in.FloorFen, ok = parseDecimal(s, 2); !ok {
			v.Field("floor", "最低限价应为金额（元），最多两位小数；不设可留空")
		}
	}
	if n, err := strconv.Atoi(f.Get("time_limit_days")); err == nil {
		in.TimeLimitDays = n
	} else {
		v.Field("time_limit_days", "请填写服务时限（天数）")
	}
	for name, t := range map[string]*time.Time{"signup_deadline": &in.SignupDeadline, "opening_time": &in.OpeningTime} {
		if s := f.Get(name); s != "" {
			if *t, ok = parseLocalDateTime(s); !ok {
				v.Field(name, "请按“年-月-日 时:分”填写，如 2026-12-02 17:00")
			}
		}
	}
	for _, line := range strings.Split(f.Get("witnesses"), "\n") {
		if w := strings.TrimSpace(line); w != "" {
			in.Witnesses = append(in.Witnesses, w)
		}
	}
	rows := max(criteriaRowsMin, atoiOr(f.Get("c_rows"), 0))
	var w hall.Weights
	w.Price, ok = readInt(f, "weight_price", v, in.Method == hall.MethodScoring)
	w.Credit, _ = readInt(f, "weight_credit", v, in.Method == hall.MethodScoring)
	for i := 0; i < rows; i++ {
		name, max := fmt.Sprintf("criteria[%d].name", i), fmt.Sprintf("criteria[%d].max", i)
		f.Values[name], f.Values[max] = strings.TrimSpace(c.PostForm(name)), strings.TrimSpace(c.PostForm(max))
		if f.Values[name] == "" && f.Values[max] == "" {
			continue
		}
		points, _ := readInt(f, max, v, in.Method == hall.MethodScoring)
		if f.Values[name] == "" && in.Method == hall.MethodScoring {
			v.Field(name, "请填写评审因素名称")
		}
		w.Criteria = append(w.Criteria, hall.Criterion{Name: f.Values[name], Max: points})
	}
	if in.Method == hall.MethodScoring {
		in.Weights = &w
	}
	rows = max(exclusionRowsMin, atoiOr(f.Get("x_rows"), 0))
	for i := 0; i < rows; i++ {
		id, reason := fmt.Sprintf("excluded[%d].agency_id", i), fmt.Sprintf("excluded[%d].reason", i)
		f.Values[id], f.Values[reason] = strings.TrimSpace(c.PostForm(id)), strings.TrimSpace(c.PostForm(reason))
		if f.Values[id] == "" && f.Values[reason] == "" {
			continue
		}
		if f.Values[id] == "" {
			v.Field(id, "请选择需要回避的机构")
		}
		if f.Values[reason] == "" {
			v.Field(reason, "请填写回避理由")
		}
		in.Excluded = append(in.Excluded, hall.Exclusion{AgencyID: agencyRef(f.Values[id]), Reason: f.Values[reason]})
	}
	return f, in, v.OrNil()
}

// readInt reads a whole number of points; when required it must be there.
func readInt(f *form, name string, v *apperr.Error, required bool) (int64, bool) {
	s := strings.TrimSpace(f.Get(name))
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 100 {
		if required {
			v.Field(name, "请填写 0–100 的整数分值")
		}
		return 0, false
	}
	return n, true
}

// agencyRef accepts an agency's registry ID or its bare credit code.
func agencyRef(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 18 && !strings.Contains(s, ":") {
		return "agency:" + strings.ToUpper(s)
	}
	return s
}

// parseLocalDateTime reads a datetime-local value (or 2026-12-02 17:00) in
// Asia/Shanghai.
func parseLocalDateTime(s string) (time.Time, bool) {
	s = strings.Replace(strings.TrimSpace(s), " ", "T", 1)
	t, err := time.ParseInLocation(layoutLocalInput, s, shanghai)
	if err != nil {
		t, err = time.ParseInLocation(layoutLocalInput+":05", s, shanghai)
	}
	return t, err == nil
}

// formOfProject fills the editor from a draft.
func formOfProject(p hall.Project) *form {
	f := newForm()
	set := func(k, v string) { f.Values[k] = v }
	set("name", p.Name)
	set("investment_code", p.InvestmentCode)
	set("item_code", p.ItemCode)
	set("region", p.Region)
	set("scope", p.Scope)
	set("funding", string(p.Funding))
	set("ceiling", plainYuan(p.CeilingFen))
	if p.FloorFen > 0 {
		set("floor", plainYuan(p.FloorFen))
	}
	set("time_limit_days", strconv.Itoa(p.TimeLimitDays))
	set("method", string(p.Method))
	set("direct_agency", p.DirectAgency)
	set("direct_reason", p.DirectReason)
	for name, t := range map[string]time.Time{"signup_deadline": p.SignupDeadline, "opening_time": p.OpeningTime} {
		if !t.IsZero() {
			set(name, t.In(shanghai).Format(layoutLocalInput))
		}
	}
	set("witnesses", strings.Join(p.Witnesses, "\n"))
	set("complaint_contact", p.ComplaintContact)
	if w := p.Weights; w != nil {
		set("weight_price", strconv.FormatInt(w.Price, 10))
		set("weight_credit", strconv.FormatInt(w.Credit, 10))
		for i, c := range w.Criteria {
			set(fmt.Sprintf("criteria[%d].name", i), c.Name)
			set(fmt.Sprintf("criteria[%d].max", i), strconv.FormatInt(c.Max, 10))
		}
		set("c_rows", strconv.Itoa(len(w.Criteria)+1))
	}
	for i, e := range p.Excluded {
		set(fmt.Sprintf("excluded[%d].agency_id", i), e.AgencyID)
		set(fmt.Sprintf("excluded[%d].reason", i), e.Reason)
	}
	set("x_rows", strconv.Itoa(len(p.Excluded)+1))
	return f
}

// plainYuan writes fen as a form value in yuan: 15000000 → 150000.00.
func plainYuan(fen int64) string {
	return strconv.FormatInt(fen/100, 10) + "." + twoDigits(uint64(fen%100))
}
