package adminui

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// reviewQueuePage is the regulators' review queue, oldest first.
type reviewQueuePage struct {
	Applications int // pending applications
	Changes      int // pending key-field changes of admitted agencies
	Rows         []reviewRow
}

type reviewRow struct {
	Agency registry.Agency
	Change bool      // a change of an admitted agency, not an application
	Since  time.Time // when it was submitted
}

// queueCounts counts the queue's applications and changes.
func queueCounts(q []registry.Agency) (apps, changes int) {
	for _, a := range q {
		if a.Status == registry.StatusPending {
			apps++
		} else {
			changes++
		}
	}
	return apps, changes
}

func (u *ui) reviewQueue(c *gin.Context) {
	q, err := u.Registry.ReviewQueue(actor(c))
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := reviewQueuePage{}
	p.Applications, p.Changes = queueCounts(q)
	for _, a := range q {
		r := reviewRow{Agency: a, Change: a.Status != registry.StatusPending, Since: a.SubmittedAt}
		if r.Change || r.Since.IsZero() {
			r.Since = a.UpdatedAt
		}
		p.Rows = append(p.Rows, r)
	}
	u.render(c, http.StatusOK, "review_queue", view{Title: "入驻审核", Section: "review", Data: p})
}

// regulatorListPageSize is the page size of the regulators' agency list.
const regulatorListPageSize = 30

// registryListPage is the regulators' list of agencies in every status.
type registryListPage struct {
	Query, Status, Region, Sort string
	Statuses                    []registry.AgencyStatus
	Counts                      map[registry.AgencyStatus]int
	Total                       int
	Rows                        []registryRow
	Pager                       pager
	Filter                      bool
	Export                      string // the export link with the same filters
}

type registryRow struct {
	Agency   registry.Agency
	Changing bool // has a key-field change waiting for review
	Nearest  *qualView
	Valid    int // listings valid today
}

// registryQuery reads the regulators' list filters.
func registryQuery(c *gin.Context, now time.Time) (registry.DirectoryQuery, registryListPage) {
	p := registryListPage{Query: strings.TrimSpace(c.Query("q")), Region: strings.TrimSpace(c.Query("region")),
		Statuses: registry.AllStatuses, Sort: registry.SortName}
	q := registry.DirectoryQuery{Text: p.Query, Region: p.Region, Statuses: registry.AllStatuses, Now: now, Sort: registry.SortName}
	if s := registry.AgencyStatus(c.Query("status")); slices.Contains(registry.AllStatuses, s) {
		p.Status, q.Statuses = string(s), []registry.AgencyStatus{s}
	}
	if c.Query("sort") == registry.SortNewest {
		p.Sort, q.Sort = registry.SortNewest, registry.SortNewest
	}
	p.Filter = p.Query != "" || p.Region != "" || p.Status != ""
	return q, p
}

// nearestExpiry is the qualification that ends first.
func nearestExpiry(quals []registry.Qualification) (registry.Qualification, bool) {
	var best registry.Qualification
	found := false
	for _, q := range quals {
		if !q.ValidTo.IsZero() && (!found || q.ValidTo.Before(best.ValidTo)) {
			best, found = q, true
		}
	}
	return best, found
}

func (u *ui) registryAgencies(c *gin.Context) {
	q, p := registryQuery(c, u.Now())
	q.Page, q.PageSize = queryPage(c), regulatorListPageSize
	dir := u.Registry.Directory()
	p.Counts = dir.Counts()
	for _, n := range p.Counts {
		p.Total += n
	}
	changing := map[string]bool{}
	for _, a := range dir.Queue() {
		changing[a.ID] = a.PendingChange != nil
	}
	entries, total := dir.Search(q)
	day := u.today()
	for _, e := range entries {
		r := registryRow{Agency: e.Agency, Changing: changing[e.Agency.ID], Valid: len(e.ValidListings)}
		if nq, ok := nearestExpiry(e.Agency.Profile.Qualifications); ok {
			r.Nearest = &qualView{Qualification: nq, Expiry: expiryOn(nq, day)}
		}
		p.Rows = append(p.Rows, r)
	}
	p.Pager = newPager(c, total, q.Page, regulatorListPageSize)
	p.Export = "/registry/export.xlsx"
	if c.Request.URL.RawQuery != "" {
		qs := c.Request.URL.Query()
		qs.Del("page")
		if enc := qs.Encode(); enc != "" {
			p.Export += "?" + enc
		}
	}
	u.render(c, http.StatusOK, "registry_agencies", view{Title: "中介机构管理", Section: "agencies", Data: p})
}

// regAgencyPage is an agency as a regulator reviews it.
type regAgencyPage struct {
	Agency     registry.Agency
	Quals      []regQual
	Listings   []listingView
	Diff       []registry.FieldChange
	Versions   []versionView
	Audit      []audit.Record
	AuditTotal int
	ReviewForm *form
	ChangeForm *form
	StatusForm *form
	CanReview  bool
	CanSuspend bool
	CanRestore bool
	AcceptedBy string
	// CanOpenAccount: a migrated agency without any account yet
	// (agency_import.go); AccountForm opens its first one.
	CanOpenAccount bool
	AccountForm    *form
}

type regQual struct {
	qualView
	File *files.Meta
}

// versionView is one admitted version with what changed from the one before.
type versionView struct {
	registry.ProfileVersion
	Changes []registry.FieldChange
	First   bool
}

// regForms are the forms of the detail page, one of them shown again with
// its errors after a failed action.
type regForms struct{ review, change, status, account *form }

func (u *ui) registryAgency(c *gin.Context) { u.showRegistryAgency(c, http.StatusOK, regForms{}) }

func (u *ui) showRegistryAgency(c *gin.Context, status int, fs regForms) {
	ctx := c.Request.Context()
	a, err := u.Registry.Get(ctx, actor(c), c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	p := regAgencyPage{Agency: a, Listings: u.listingViews(a), ReviewForm: fs.review, ChangeForm: fs.change, StatusForm: fs.status,
		AccountForm: fs.account,
		CanReview:   a.Status == registry.StatusPending, CanSuspend: a.Status == registry.StatusActive, CanRestore: a.Status == registry.StatusSuspended}
	if a.Migration != nil {
		has, err := u.Auth.OrgHasUsers(ctx, a.ID)
		if err != nil {
			web.Fail(c, err)
			return
		}
		p.CanOpenAccount = !has
	}
	for _, f := range []**form{&p.ReviewForm, &p.ChangeForm, &p.StatusForm, &p.AccountForm} {
		if *f == nil {
			*f = newForm()
		}
	}
	if a.PendingChange != nil {
		p.Diff = registry.DiffProfiles(a.Profile, *a.PendingChange, false)
	}
	reader := fileReader(c)
	for _, qv := range u.qualViews(a.Profile.Qualifications) {
		r := regQual{qualView: qv}
		if qv.FileID != "" {
			if m, err := u.Files.Stat(ctx, reader, qv.FileID); err == nil {
				r.File = &m
			}
		}
		p.Quals = append(p.Quals, r)
	}
	for i := len(a.Versions) - 1; i >= 0; i-- {
		v := versionView{ProfileVersion: a.Versions[i], First: i == 0}
		if i > 0 {
			v.Changes = registry.DiffProfiles(a.Versions[i-1].Profile, a.Versions[i].Profile, false)
		}
		p.Versions = append(p.Versions, v)
	}
	if p.Audit, p.AuditTotal, err = u.Audit.List(ctx, audit.Filter{Target: a.ID, PageSize: 50}); err != nil {
		web.Fail(c, err)
		return
	}
	if a.Commitment.AcceptedBy != "" {
		p.AcceptedBy = a.Commitment.AcceptedBy
		if usr, err := u.Auth.GetUser(ctx, a.Commitment.AcceptedBy); err == nil {
			p.AcceptedBy = usr.Name + "（" + usr.ID + "）"
		}
	}
	u.render(c, status, "registry_agency", view{Title: a.Profile.Name, Section: "review", Data: p})
}

// reviewMoves are the decisions on an application.
var reviewMoves = map[string]registry.Move{"approve": registry.MoveApprove, "reject": registry.MoveReject, "return": registry.MoveReturn}

func (u *ui) reviewAgency(c *gin.Context) {
	f := postedForm(c, "decision", "note")
	m, ok := reviewMoves[f.Get("decision")]
	if !ok {
		f.Errors["decision"] = "请选择审核结果"
		f.Message = "提交的内容有误，请检查标出的字段"
		u.showRegistryAgency(c, http.StatusBadRequest, regForms{review: f})
		return
	}
	a, err := u.Registry.Review(c.Request.Context(), actor(c), c.Param("id"), m, f.Get("note"))
	if err != nil {
		if !f.fail(err) || apperr.Is(err, apperr.KindNotFound) {
			web.Fail(c, err)
			return
		}
		u.showRegistryAgency(c, formStatus(err), regForms{review: f})
		return
	}
	summary := fmt.Sprintf("%s「%s」的入驻申请", m.Label(), a.Profile.Name)
	if a.ReviewNote != "" {
		summary += "，意见：" + a.ReviewNote
	}
	web.Audit(c, a.ID, summary)
	u.setFlash(c, "ok", "已"+summary)
	redirect(c, "/registry/review")
}

func (u *ui) reviewChange(c *gin.Context) {
	f := postedForm(c, "decision", "note")
	approve := f.Get("decision") == "approve"
	if !approve && f.Get("decision") != "refuse" {
		f.Errors["decision"] = "请选择审核结果"
		f.Message = "提交的内容有误，请检查标出的字段"
		u.showRegistryAgency(c, http.StatusBadRequest, regForms{change: f})
		return
	}
	a, err := u.Registry.ReviewChange(c.Request.Context(), actor(c), c.Param("id"), approve, f.Get("note"))
	if err != nil {
		if !f.fail(err) || apperr.Is(err, apperr.KindNotFound) {
			web.Fail(c, err)
			return
		}
		u.showRegistryAgency(c, formStatus(err), regForms{change: f})
		return
	}
	verb := "通过"
	if !approve {
		verb = "不通过"
	}
	summary := fmt.Sprintf("审核%s「%s」的信息变更", verb, a.Profile.Name)
	if a.ReviewNote != "" {
		summary += "，意见：" + a.ReviewNote
	}
	web.Audit(c, a.ID, summary)
	u.setFlash(c, "ok", "已"+summary)
	redirect(c, "/registry/review")
}

// setSuspended suspends or restores an agency, with a reason.
func (u *ui) setSuspended(suspend bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		f := postedForm(c, "reason")
		a, err := u.Registry.SetSuspended(c.Request.Context(), actor(c), c.Param("id"), suspend, f.Get("reason"))
		if err != nil {
			if !f.fail(err) || apperr.Is(err, apperr.KindNotFound) {
				web.Fail(c, err)
				return
			}
			u.showRegistryAgency(c, formStatus(err), regForms{status: f})
			return
		}
		verb := "恢复"
		if suspend {
			verb = "暂停"
		}
		web.Audit(c, a.ID, fmt.Sprintf("%s机构「%s」，原因：%s", verb, a.Profile.Name, a.ReviewNote))
		u.setFlash(c, "ok", fmt.Sprintf("已%s机构「%s」", verb, a.Profile.Name))
		redirect(c, "/registry/agencies/"+a.ID)
	}
}

// serveFile sends an uploaded file to those who may read it: the
// organisation that uploaded it and supervisors. Everyone else gets 404,
// which does not even confirm that the file exists.
func (u *ui) serveFile(c *gin.Context) {
	m, rc, err := u.Files.Open(c.Request.Context(), fileReader(c), c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	defer rc.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("Content-Disposition", contentDisposition("attachment", m.Name))
	h.Set("Cache-Control", "private, no-store")
	// The file is shown as a document of its own: nothing in it may run,
	// while the browser's PDF and image viewers still work.
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("X-Content-Type-Options", "nosniff")
	c.DataFromReader(http.StatusOK, m.Size, m.ContentType, rc, nil)
}
