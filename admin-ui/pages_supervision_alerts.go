package adminui

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// Alerts (电子监察) and score appeals (评分申诉).

// alertRow is an alert with a link to its object.
type alertRow struct {
	scoring.Alert
	Href, Object, Responsible string
}

type alertsPage struct {
	Status, Level string
	Rows          []alertRow
	Pager         pager
	Open          map[string]int // open alerts by level
	Form          *form
	FormID        string // the alert whose close form is shown again
}

func (u *ui) superviseAlerts(c *gin.Context) { u.showAlerts(c, http.StatusOK, nil, "") }

func (u *ui) showAlerts(c *gin.Context, status int, f *form, id string) {
	if !u.needScoring(c) {
		return
	}
	p := alertsPage{Status: "open", Open: map[string]int{}, Form: f, FormID: id}
	if p.Form == nil {
		p.Form = newForm()
	}
	if c.Query("status") == "all" {
		p.Status = "all"
	}
	if l := c.Query("level"); l == scoring.Yellow || l == scoring.Red {
		p.Level = l
	}
	for _, l := range []string{scoring.Yellow, scoring.Red} {
		_, p.Open[l] = u.Scoring.AlertList(true, l, 1, 1)
	}
	rows, total := u.Scoring.AlertList(p.Status == "open", p.Level, queryPage(c), 20)
	idx := u.agencyIndex("")
	for _, a := range rows {
		p.Rows = append(p.Rows, alertView(a, idx))
	}
	p.Pager = newPager(c, total, queryPage(c), 20)
	u.render(c, status, "sup_alerts", view{Title: "电子监察预警", Section: "alerts", Data: p})
}

// alertView links an alert to the page where its cause can be acted on.
func alertView(a scoring.Alert, idx map[string]registry.Agency) alertRow {
	r := alertRow{Alert: a, Responsible: nameOf(idx, a.Responsible)}
	switch a.ObjectKind {
	case "project":
		r.Href, r.Object = "/projects/"+a.ObjectID, "项目 "+a.ObjectID
	case "complaint":
		r.Href, r.Object = "/supervise/complaints/"+a.ObjectID, "投诉 "+a.ObjectID
	case "agency":
		id, _, _ := strings.Cut(a.ObjectID, "/")
		r.Href, r.Object = "/registry/agencies/"+id, nameOf(idx, id)
	case "calendar":
		r.Object = a.ObjectID + " 年节假日安排"
	}
	return r
}

// ackAlert acknowledges an alert, or closes it with a note.
func (u *ui) ackAlert(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := postedForm(c, "id", "op", "note", "back")
	closeIt := f.Get("op") == "close"
	a, err := u.Scoring.AckAlert(c.Request.Context(), actor(c), f.Get("id"), closeIt, f.Get("note"))
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) || !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showAlerts(c, formStatus(err), f, f.Get("id"))
		return
	}
	did := "已确认预警"
	if closeIt {
		did = "已关闭预警"
	}
	web.Audit(c, "alert:"+a.ID, did+"："+a.LevelLabel()+" "+alertKindLabel(a.Kind)+"（"+a.ObjectID+"）")
	u.setFlash(c, "ok", did+"："+a.LevelLabel()+" "+alertKindLabel(a.Kind))
	back, ok := localPath(f.Get("back"))
	if !ok || !strings.HasPrefix(back, "/supervise/alerts") {
		back = "/supervise/alerts"
	}
	redirect(c, back)
}

// appealRow is an appeal with its agency's name and the rule's words.
type appealRow struct {
	scoring.Appeal
	AgencyName, Description string
}

type appealsPage struct {
	All    bool
	Rows   []appealRow
	Pager  pager
	Form   *form
	FormID string
}

func (u *ui) superviseAppeals(c *gin.Context) { u.showAppeals(c, http.StatusOK, nil, "") }

func (u *ui) showAppeals(c *gin.Context, status int, f *form, id string) {
	if !u.needScoring(c) {
		return
	}
	rules, err := u.Scoring.Rules(c.Request.Context())
	if err != nil {
		web.Fail(c, err)
		return
	}
	desc := map[string]string{}
	for _, r := range rules {
		desc[r.ID] = r.Description
	}
	p := appealsPage{All: c.Query("status") == "all", Form: f, FormID: id}
	if p.Form == nil {
		p.Form = newForm()
	}
	idx := u.agencyIndex("")
	var rows []appealRow
	for _, a := range u.Scoring.Appeals("", !p.All) {
		rows = append(rows, appealRow{Appeal: a, AgencyName: nameOf(idx, a.AgencyID), Description: desc[a.Rule]})
	}
	p.Rows, p.Pager = pageSlice(c, rows, 20)
	u.render(c, status, "sup_appeals", view{Title: "评分申诉", Section: "appeals", Data: p})
}

// decideAppeal upholds (the line item is voided at the next scoring run)
// or dismisses an appeal, with a note.
func (u *ui) decideAppeal(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := postedForm(c, "decision", "note")
	var err error
	var a scoring.Appeal
	switch f.Get("decision") {
	case "upheld", "dismissed":
		a, err = u.Scoring.DecideAppeal(c.Request.Context(), actor(c), c.Param("id"), f.Get("decision") == "upheld", f.Get("note"))
	default:
		err = apperr.Invalid().Field("decision", "请选择支持申诉或驳回申诉")
	}
	if err != nil {
		if apperr.Is(err, apperr.KindNotFound) || !f.fail(err) {
			web.Fail(c, err)
			return
		}
		u.showAppeals(c, formStatus(err), f, c.Param("id"))
		return
	}
	did := "驳回申诉"
	if a.Decision == "upheld" {
		did = "支持申诉，该明细将在下次评分时作废"
	}
	web.Audit(c, "appeal:"+a.ID, "评分申诉 "+a.ID+"："+did)
	u.setFlash(c, "ok", "申诉 "+a.ID+" 已处理："+did)
	redirect(c, "/supervise/appeals")
}
