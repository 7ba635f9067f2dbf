package adminui

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/scoring"
	"github.com/agencyhall/agencyhall/web"
)

// myCreditPage is an agency's own score, its line items with an appeal
// form for each deduction still within 14 days, and its appeals.
type myCreditPage struct {
	Credit  creditView
	Appeals []scoring.Appeal
	Form    *form  // the appeal form shown again after an error
	Item    string // the line item that form was for
}

func (u *ui) myCredit(c *gin.Context) { u.showMyCredit(c, http.StatusOK, nil, "") }

func (u *ui) showMyCredit(c *gin.Context, status int, f *form, item string) {
	if !u.needScoring(c) {
		return
	}
	who := actor(c)
	v, err := u.creditFor(c.Request.Context(), who.OrgID)
	if err != nil {
		web.Fail(c, err)
		return
	}
	appeals := u.Scoring.Appeals(who.OrgID, false)
	byItem := map[string]*scoring.Appeal{}
	for i := range appeals {
		byItem[appeals[i].LineItemID] = &appeals[i]
	}
	now := u.Now()
	for i := range v.Items {
		it := &v.Items[i]
		it.Appeal = byItem[it.ID]
		it.AppealUntil = it.Date.AddDate(0, 0, scoring.AppealDays)
		it.CanAppeal = it.Appeal == nil && !it.Voided && it.Points < 0 && !now.After(it.AppealUntil)
	}
	if f == nil {
		f = newForm()
	}
	u.render(c, status, "credit_my", view{Title: "信用评分与申诉", Section: "credit",
		Data: myCreditPage{Credit: v, Appeals: appeals, Form: f, Item: item}})
}

// fileAppeal is an agency's appeal of one line item of its score.
func (u *ui) fileAppeal(c *gin.Context) {
	if !u.needScoring(c) {
		return
	}
	f := postedForm(c, "line_item", "reason")
	a, err := u.Scoring.FileAppeal(c.Request.Context(), actor(c), f.Get("line_item"), f.Get("reason"))
	if err != nil {
		if !f.fail(err) {
			web.Fail(c, err)
			return
		}
		if m, ok := f.Errors["line_item"]; ok {
			f.Message = m
		}
		u.showMyCredit(c, formStatus(err), f, f.Get("line_item"))
		return
	}
	web.Audit(c, "appeal:"+a.ID, "对评分明细「"+ruleName(a.Rule)+" "+a.Points.String()+" 分」提出申诉 "+a.ID)
	u.setFlash(c, "ok", "申诉已提交（编号 "+a.ID+"），监管部门处理后结果会显示在本页")
	redirect(c, "/my/credit#appeals")
}
