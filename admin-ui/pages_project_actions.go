package adminui

import (
	"mime/multipart"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/web"
)

// uploadMaxBody is the body limit of the forms that carry one file.
const uploadMaxBody = files.MaxSize + 1<<20

// actionFunc carries out one action of the project page and returns the
// message shown after the redirect.
type actionFunc func(c *gin.Context, f *form, id string) (string, error)

// projectAction runs an action posted from the project page. An error the
// form can explain shows the page again with the message beside the
// action's fields and the input kept; success redirects back to the page.
func (u *ui) projectAction(name string, fields []string, run actionFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.Param("id")
		f := postedForm(c, fields...)
		msg, err := run(c, f, id)
		if err != nil {
			if !f.fail(err) {
				web.Fail(c, err)
				return
			}
			for from, to := range map[string]string{"amount_fen": "amount"} {
				if m, ok := f.Errors[from]; ok {
					f.Errors[to] = m
				}
			}
			u.showProject(c, formStatus(err), name, f)
			return
		}
		u.setFlash(c, "ok", msg)
		redirect(c, "/projects/"+id)
	}
}

// audited records what an action did to a project (never an amount of a
// sealed quote: only its receipt).
func audited(c *gin.Context, p hall.Project, what string) {
	web.Audit(c, "project:"+p.ID, what+"「"+p.Name+"」")
}

func (u *ui) publishProject(c *gin.Context, _ *form, id string) (string, error) {
	p, err := u.Hall.Publish(c.Request.Context(), actor(c), id)
	if err != nil {
		return "", err
	}
	audited(c, p, "发布选取项目")
	switch p.State {
	case hall.StateReview:
		return "公告已提交监管部门审核，审核通过后公开", nil
	case hall.StatePublicity:
		return "已直接选定中介机构，结果公示中", nil
	}
	return "公告已发布，报名截止时间 " + formatDeadline(p.SignupDeadline), nil
}

func (u *ui) cancelProject(c *gin.Context, f *form, id string) (string, error) {
	p, err := u.Hall.Cancel(c.Request.Context(), actor(c), id, f.Get("reason"))
	if err != nil {
		return "", err
	}
	audited(c, p, "终止选取项目")
	return "项目已终止", nil
}

func (u *ui) signUp(c *gin.Context, _ *form, id string) (string, error) {
	p, err := u.Hall.SignUp(c.Request.Context(), actor(c), id)
	if err != nil {
		return "", err
	}
	audited(c, p, "报名参加")
	if p.Method.Quoted() {
		return "报名成功。请在报名截止前提交密封报价", nil
	}
	return "报名成功", nil
}

func (u *ui) submitQuote(c *gin.Context, f *form, id string) (string, error) {
	// The amount is never written back into a page: before the opening no
	// page may hold it, not even the agency's own after an error.
	amount, ok := parseDecimal(f.Get("amount"), 2)
	delete(f.Values, "amount")
	if !ok {
		return "", apperr.Invalid().Field("amount", "请填写报价金额（元），最多两位小数，如 125000.00")
	}
	r, err := u.Hall.SubmitQuote(c.Request.Context(), actor(c), id, amount)
	if err != nil {
		return "", err
	}
	web.Audit(c, "project:"+id, "提交密封报价，回执 "+r.Receipt)
	return "报价已密封提交，回执 " + r.Receipt[:16] + "…（完整回执见本页）。平台在开启前不显示报价金额，请自行记录", nil
}

func (u *ui) withdrawQuote(c *gin.Context, _ *form, id string) (string, error) {
	if err := u.Hall.WithdrawQuote(c.Request.Context(), actor(c), id); err != nil {
		return "", err
	}
	web.Audit(c, "project:"+id, "撤回密封报价")
	return "报价已撤回。报名截止前可以重新报价", nil
}

func (u *ui) objectResult(c *gin.Context, f *form, id string) (string, error) {
	p, err := u.Hall.Object(c.Request.Context(), actor(c), id, f.Get("reason"))
	if err != nil {
		return "", err
	}
	audited(c, p, "对选取结果提出质疑")
	return "质疑已提交，公示暂停，监管部门处理后会在本页公布结果", nil
}

func (u *ui) decideObjection(c *gin.Context, f *form, id string) (string, error) {
	d := f.Get("decision")
	if d != "upheld" && d != "dismissed" {
		return "", apperr.Invalid().Field("decision", "请选择质疑是否成立")
	}
	p, err := u.Hall.DecideObjection(c.Request.Context(), actor(c), id, d == "upheld", f.Get("note"))
	if err != nil {
		return "", err
	}
	audited(c, p, map[bool]string{true: "认定质疑成立", false: "认定质疑不成立"}[d == "upheld"])
	return "质疑处理意见已公布", nil
}

func (u *ui) reviewAnnouncement(c *gin.Context, f *form, id string) (string, error) {
	d := f.Get("decision")
	if d != "approve" && d != "return" {
		return "", apperr.Invalid().Field("decision", "请选择审核结果")
	}
	p, err := u.Hall.ReviewAnnouncement(c.Request.Context(), actor(c), id, d == "approve", f.Get("note"))
	if err != nil {
		return "", err
	}
	if d == "approve" {
		audited(c, p, "审核通过公告")
		return "公告已审核通过并公开", nil
	}
	audited(c, p, "退回公告")
	return "公告已退回项目业主修改", nil
}

func (u *ui) abandonProject(c *gin.Context, f *form, id string) (string, error) {
	p, err := u.Hall.Abandon(c.Request.Context(), actor(c), id, f.Get("reason"))
	if err != nil {
		return "", err
	}
	audited(c, p, "放弃中选（弃标）")
	return "已放弃中选，已记入信用评价", nil
}

func (u *ui) signContract(c *gin.Context, f *form, id string) (string, error) {
	v := apperr.Invalid()
	amount, ok := parseDecimal(f.Get("amount"), 2)
	if !ok {
		v.Field("amount", "请填写合同金额（元），最多两位小数")
	}
	on, ok := parseLocalDate(f.Get("signed_on"))
	if !ok {
		v.Field("signed_on", "请填写签订日期，如 2026-12-01")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		v.Field("file", "请选择合同扫描件（PDF、PNG 或 JPEG，不超过 10 MB）")
	}
	if err := v.OrNil(); err != nil {
		return "", err
	}
	m, err := u.hallUpload(c, fh, "contract")
	if err != nil {
		return "", err
	}
	p, err := u.Hall.SignContract(c.Request.Context(), actor(c), id, amount, on, m.ID)
	if err != nil {
		return "", err
	}
	audited(c, p, "签订合同（合同文件 "+m.Name+"）")
	return "合同已登记，服务开始计时，截止 " + formatDeadline(p.Contract.DueAt), nil
}

func (u *ui) extendService(c *gin.Context, f *form, id string) (string, error) {
	days, err := strconv.Atoi(f.Get("days"))
	if err != nil {
		return "", apperr.Invalid().Field("days", "请填写延期天数（整数）")
	}
	p, err := u.Hall.Extend(c.Request.Context(), actor(c), id, days, f.Get("reason"))
	if err != nil {
		return "", err
	}
	audited(c, p, "延长服务时限 "+strconv.Itoa(days)+" 天")
	return "服务期限已延长至 " + formatDeadline(p.Contract.DueAt), nil
}

func (u *ui) pauseService(c *gin.Context, f *form, id string) (string, error) {
	p, err := u.Hall.Pause(c.Request.Context(), actor(c), id, f.Get("reason"))
	if err != nil {
		return "", err
	}
	audited(c, p, "中止服务计时")
	return "已中止计时。资料送达后请恢复计时", nil
}

func (u *ui) resumeService(c *gin.Context, _ *form, id string) (string, error) {
	p, err := u.Hall.Resume(c.Request.Context(), actor(c), id)
	if err != nil {
		return "", err
	}
	audited(c, p, "恢复服务计时")
	return "已恢复计时，服务期限顺延至 " + formatDeadline(p.Contract.DueAt), nil
}

func (u *ui) deliver(c *gin.Context, _ *form, id string) (string, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", apperr.Invalid().Field("file", "请选择服务成果文件（PDF、PNG 或 JPEG，不超过 10 MB）")
	}
	m, err := u.hallUpload(c, fh, "deliverable")
	if err != nil {
		return "", err
	}
	p, err := u.Hall.Deliver(c.Request.Context(), actor(c), id, m.ID)
	if err != nil {
		return "", err
	}
	audited(c, p, "提交服务成果（"+m.Name+"）")
	return "服务成果已提交，等待业主验收", nil
}

func (u *ui) decideDelivery(c *gin.Context, f *form, id string) (string, error) {
	d := f.Get("decision")
	if d != "accept" && d != "return" {
		return "", apperr.Invalid().Field("decision", "请选择验收通过或退回修改")
	}
	p, err := u.Hall.DecideDelivery(c.Request.Context(), actor(c), id, d == "accept", f.Get("reason"))
	if err != nil {
		return "", err
	}
	if d == "accept" {
		audited(c, p, "验收通过服务成果")
		return "已验收通过。请在评价期限内评价本次服务", nil
	}
	audited(c, p, "退回服务成果")
	return "已退回修改，服务继续计时", nil
}

// evaluationFields are the five dimensions of an evaluation.
var evaluationFields = []struct{ Name, Label string }{
	{"quality", "质量"}, {"timeliness", "时效"}, {"attitude", "态度"}, {"fees", "收费"}, {"conduct", "规范"},
}

func (u *ui) evaluate(c *gin.Context, f *form, id string) (string, error) {
	n := func(k string) int { v, _ := strconv.Atoi(f.Get(k)); return v }
	e := hall.Evaluation{Quality: n("quality"), Timeliness: n("timeliness"), Attitude: n("attitude"), Fees: n("fees"),
		Conduct: n("conduct"), Comment: f.Get("comment")}
	p, err := u.Hall.Evaluate(c.Request.Context(), actor(c), id, e)
	if err != nil {
		return "", err
	}
	audited(c, p, "评价服务")
	return "评价已提交并公开", nil
}

func (u *ui) respond(c *gin.Context, f *form, id string) (string, error) {
	p, err := u.Hall.Respond(c.Request.Context(), actor(c), id, f.Get("response"))
	if err != nil {
		return "", err
	}
	audited(c, p, "回复服务评价")
	return "回复已公开", nil
}

// republish starts a new round of a failed project and opens its draft.
func (u *ui) republish(c *gin.Context) {
	p, err := u.Hall.Republish(c.Request.Context(), actor(c), c.Param("id"))
	if err != nil {
		web.Fail(c, err)
		return
	}
	audited(c, p, "重新发布流标项目")
	u.setFlash(c, "ok", "已按原项目生成第 "+strconv.Itoa(p.Round)+" 轮草稿，请设置新的报名截止和开启时间后发布")
	redirect(c, "/projects/"+p.ID+"/edit")
}

// hallUpload stores one uploaded file of the user's organisation; the
// file service checks its type by content and its size.
func (u *ui) hallUpload(c *gin.Context, fh *multipart.FileHeader, purpose string) (files.Meta, error) {
	r, err := fh.Open()
	if err != nil {
		return files.Meta{}, apperr.Invalid().Field("file", "文件读取失败，请重新选择文件").Wrap(err)
	}
	defer r.Close()
	p := web.PrincipalOf(c)
	return u.Files.Upload(c.Request.Context(), p.OrgID, p.UserID, purpose, fh.Filename, r)
}

// parseDecimal reads a non-negative decimal with at most places decimals
// as an integer number of its smallest unit (fen for places = 2), by
// reading the digits: never through a float. "1,234.5" → 123450.
func parseDecimal(s string, places int) (int64, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "¥")
	s = strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), "，", "")
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || len(frac) > places || (dot && frac == "") {
		return 0, false
	}
	var v int64
	for _, r := range whole + frac + strings.Repeat("0", places-len(frac)) {
		if r < '0' || r > '9' {
			return 0, false
		}
		v = v*10 + int64(r-'0')
	}
	return v, true
}
