package notify

import (
	"time"

	"github.com/agencyhall/agencyhall/jobs"
)

// Jobs are the message centre's scheduled jobs. Each tick takes the job's
// lease, so with several replicas one runs it; the short locks keep the
// lease from blocking the next tick (a lease is kept for half its lock
// after a quick run). Two overlapping runs would still be safe: the fan-out
// adds nothing twice, a mail or delivery is sent by whoever claimed it, and
// a subscription's head blocks the rest while someone holds it.
func (s *Service) Jobs() []jobs.Job {
	return []jobs.Job{
		{Name: JobDispatch, Label: "消息分发（站内消息、邮件、Webhook）", Spec: "@every 10s", LockFor: 10 * time.Second, Run: s.Dispatch},
		{Name: JobMail, Label: "发送邮件（发件箱）", Spec: "@every 30s", LockFor: 40 * time.Second, Run: s.SendMail},
		{Name: JobWebhooks, Label: "Webhook 推送", Spec: "@every 15s", LockFor: 30 * time.Second, Run: s.DeliverWebhooks},
		{Name: JobQualifications, Label: "资质到期提醒", Spec: "0 7 * * *", LockFor: 10 * time.Minute, Run: s.ScanQualifications},
		{Name: JobPrune, Label: "清理已发送邮件和推送记录", Spec: "40 3 * * *", LockFor: 10 * time.Minute, Run: s.Prune},
	}
}
