package adminui

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/jobs"
	"github.com/agencyhall/agencyhall/web"
)

// The admins' scheduled jobs (定时任务): schedules, run history, and a
// button that runs a job now under the same lease as its schedule.

// jobRow is a job with its schedule in words and its latest run.
type jobRow struct {
	jobs.Job
	Schedule string
	Last     *jobs.Run
}

// runRow is a run record with its job's label.
type runRow struct {
	jobs.Run
	Label    string
	Duration string
	Mine     bool // the run the admin just started
}

type jobsPage struct {
	Ready bool // a scheduler runs in this process
	Jobs  []jobRow
	Runs  []runRow
}

// scheduler is the running scheduler, or nil (command-line tools, tests).
func (u *ui) scheduler() *jobs.Scheduler {
	if u.Jobs == nil {
		return nil
	}
	return u.Jobs()
}

// jobRunsShown is how many recent runs the page lists.
const jobRunsShown = 50

func (u *ui) adminJobs(c *gin.Context) {
	s := u.scheduler()
	p := jobsPage{Ready: s != nil}
	if s != nil {
		runs, err := s.Runs(c.Request.Context(), "", jobRunsShown)
		if err != nil {
			web.Fail(c, err)
			return
		}
		labels := map[string]string{}
		last := map[string]*jobs.Run{}
		for i := range runs {
			if last[runs[i].Job] == nil {
				last[runs[i].Job] = &runs[i]
			}
		}
		for _, j := range s.Jobs() {
			labels[j.Name] = j.Label
			p.Jobs = append(p.Jobs, jobRow{Job: j, Schedule: describeSpec(j.Spec), Last: last[j.Name]})
		}
		for _, r := range runs {
			p.Runs = append(p.Runs, runRow{Run: r, Label: labels[r.Job], Duration: duration(r.End.Sub(r.Start)), Mine: r.ID == c.Query("run")})
		}
	}
	u.render(c, http.StatusOK, "sup_jobs", view{Title: "定时任务", Section: "jobs", Data: p})
}

// runJob runs a job now and shows its run record.
func (u *ui) runJob(c *gin.Context) {
	s := u.scheduler()
	if s == nil {
		web.Fail(c, apperr.Unavailable(errors.New("adminui: no scheduler in this process")))
		return
	}
	name, label := c.Param("name"), ""
	for _, j := range s.Jobs() {
		if j.Name == name {
			label = j.Label
		}
	}
	if label == "" {
		web.Fail(c, apperr.NotFound("任务"))
		return
	}
	r, err := s.RunNow(c.Request.Context(), name, web.PrincipalOf(c).UserID)
	if apperr.Is(err, apperr.KindConflict) {
		u.setFlash(c, "error", "「"+label+"」"+errMessage(err))
		redirect(c, "/admin/jobs")
		return
	}
	if err != nil {
		web.Fail(c, err)
		return
	}
	msg := "「" + label + "」已运行：成功，处理 " + strconv.Itoa(r.Items) + " 项，用时 " + duration(r.End.Sub(r.Start))
	kind := "ok"
	if r.Outcome != "ok" {
		msg, kind = "「"+label+"」运行失败："+r.Error, "error"
	}
	web.Audit(c, "job:"+name, "立即运行「"+label+"」，结果 "+r.Outcome+"，处理 "+strconv.Itoa(r.Items)+" 项")
	u.setFlash(c, kind, msg)
	redirect(c, "/admin/jobs?run="+url.QueryEscape(r.ID)+"#runs")
}

// describeSpec says a cron schedule in words, for the common forms.
func describeSpec(spec string) string {
	if d, ok := strings.CutPrefix(spec, "@every "); ok {
		if t, err := time.ParseDuration(d); err == nil {
			switch {
			case t%time.Hour == 0:
				return "每 " + strconv.Itoa(int(t/time.Hour)) + " 小时"
			case t%time.Minute == 0:
				return "每 " + strconv.Itoa(int(t/time.Minute)) + " 分钟"
			}
		}
		return "每隔 " + d
	}
	f := strings.Fields(spec)
	if len(f) == 5 && f[2] == "*" && f[3] == "*" && f[4] == "*" {
		m, err1 := strconv.Atoi(f[0])
		h, err2 := strconv.Atoi(f[1])
		if err1 == nil && err2 == nil {
			return "每天 " + twoDigits(uint64(h)) + ":" + twoDigits(uint64(m))
		}
	}
	return spec
}

// duration shows how long a run took, e.g. 0.25 秒 or 3 分 12 秒.
func duration(d time.Duration) string {
	switch {
	case d < 0:
		return "—"
	case d < time.Minute:
		ms := d.Milliseconds()
		return strconv.FormatInt(ms/1000, 10) + "." + twoDigits(uint64(ms%1000/10)) + " 秒"
	}
	s := int(d / time.Second)
	return strconv.Itoa(s/60) + " 分 " + strconv.Itoa(s%60) + " 秒"
}
