package hall

import (
	"context"
	"fmt"
	"log/slog"
)

// Event kinds: each step of a project, recorded on its timeline and as an
// event that supervision scores from.
const (
	EventCreated            = "created"
	EventSubmittedForReview = "submitted_for_review"
	EventReturned           = "returned"
	EventPublished          = "published"
	EventSignedUp           = "signed_up"
	EventQuoted             = "quoted" // receipt only, never the amount
	EventQuoteWithdrawn     = "quote_withdrawn"
	EventOpened             = "opened"
	EventSelected           = "selected"
	EventFailed             = "failed"
	EventCancelled          = "cancelled"
	EventObjected           = "objected"
	EventObjectionDecided   = "objection_decided"
	EventPublicityEnded     = "publicity_ended"
	EventContracted         = "contracted"
	EventAbandoned          = "abandoned"
	EventExtended           = "extended"
	EventPaused             = "paused"
	EventResumed            = "resumed"
	EventDelivered          = "delivered"
	EventAccepted           = "accepted"
	EventReturnedDelivery   = "delivery_returned"
	EventEvaluated          = "evaluated"
	EventResponded          = "responded"
)

// EventLabel is the Chinese name of an event kind for timelines.
func EventLabel(kind string) string {
	return map[string]string{
		EventCreated: "创建项目", EventSubmittedForReview: "提交公告审核", EventReturned: "公告退回修改", EventPublished: "发布公告",
		EventSignedUp: "机构报名", EventQuoted: "提交密封报价", EventQuoteWithdrawn: "撤回报价", EventOpened: "开启",
		EventSelected: "确定选取结果", EventFailed: "流标", EventCancelled: "终止项目", EventObjected: "提出质疑",
		EventObjectionDecided: "质疑处理完毕", EventPublicityEnded: "公示结束", EventContracted: "签订合同",
		EventAbandoned: "中选机构放弃（弃标）", EventExtended: "延长服务时限", EventPaused: "中止计时", EventResumed: "恢复计时",
		EventDelivered: "提交服务成果", EventAccepted: "验收通过", EventReturnedDelivery: "成果退回修改",
		EventEvaluated: "服务评价", EventResponded: "机构回复评价",
	}[kind]
}

// emit writes the timeline steps of p from index from on as events. Event
// IDs are the project and the step's position, so writing one again (the
// reconciliation job re-emits whole timelines after a crash) is harmless:
// the store keeps the first.
func (s *Service) emit(ctx context.Context, p Project, from int) {
	for i := from; i < len(p.Timeline); i++ {
		st := p.Timeline[i]
		data := map[string]string{"actor": st.Actor, "note": st.Note}
		for k, v := range st.Data {
			data[k] = v
		}
		e := Event{ID: fmt.Sprintf("%s:%04d", p.ID, i), Kind: st.Kind, ProjectID: p.ID, OwnerOrg: p.OwnerOrg, At: st.At,
			AgencyID: st.Agency, Data: data}
		if err := s.Store.PutEvent(ctx, e); err != nil {
			// The project itself is saved; reconciliation writes the missing events.
			slog.Default().WarnContext(ctx, "hall event not written", "event", e.ID, "error", err)
			return
		}
		s.observe(ctx, e)
	}
}

// putEvent writes one event that is not a timeline step.
func (s *Service) putEvent(ctx context.Context, e Event) {
	if err := s.Store.PutEvent(ctx, e); err != nil {
		slog.Default().WarnContext(ctx, "hall event not written", "event", e.ID, "error", err)
		return
	}
	s.observe(ctx, e)
}

// observe tells the configured observer of a stored event.
func (s *Service) observe(ctx context.Context, e Event) {
	if s.Observe != nil {
		s.Observe(ctx, e)
	}
}

// EmitAll re-emits every step of a project (idempotent), for reconciliation.
func (s *Service) EmitAll(ctx context.Context, p Project) { s.emit(ctx, p, 0) }
