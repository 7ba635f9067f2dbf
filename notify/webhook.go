package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/scoring"
)

// Webhook headers. The signature is HMAC-SHA256 with the subscription's
// secret over the timestamp, a full stop and the body:
//
//	X-AgencyHall-Signature: sha256=hex(HMAC(secret, timestamp + "." + body))
//
// A receiver recomputes it, compares in constant time, rejects timestamps
// far from its clock (replays), and deduplicates by the delivery ID, since
// delivery is at least once.
const (
	HeaderEvent     = "X-AgencyHall-Event"
	HeaderDelivery  = "X-AgencyHall-Delivery"
	HeaderTimestamp = "X-AgencyHall-Timestamp"
	HeaderSignature = "X-AgencyHall-Signature"
	HeaderReplay    = "X-AgencyHall-Replay"
)

// Sign computes the signature header value for a body sent at a timestamp
// (Unix seconds, as sent in HeaderTimestamp).
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a signature header in constant time.
func Verify(secret, timestamp string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature))
}

// WebhookType is an event type other systems may subscribe to.
type WebhookType struct {
	Type  string
	Label string
}

// WebhookTypes are the public events offered to subscribers: what happens
// to projects from publication on, admissions, sanctions, grade changes and
// decided complaints. Sign-ups and quotes before the opening are never sent.
var WebhookTypes = []WebhookType{
	{"project.published", "发布公告"}, {"project.opened", "项目开启"}, {"project.selected", "确定选取结果"},
	{"project.failed", "流标"}, {"project.cancelled", "终止项目"}, {"project.objected", "提出质疑"},
	{"project.objection_decided", "质疑处理完毕"}, {"project.publicity_ended", "公示结束"}, {"project.contracted", "签订合同"},
	{"project.abandoned", "中选机构放弃"}, {"project.extended", "延长服务时限"}, {"project.paused", "中止计时"},
	{"project.resumed", "恢复计时"}, {"project.delivered", "提交服务成果"}, {"project.accepted", "验收通过"},
	{"project.delivery_returned", "成果退回修改"}, {"project.evaluated", "服务评价"},
	{"agency.approved", "机构入驻"}, {"agency.change_approved", "机构信息变更"},
	{"sanction.issued", "作出处理"}, {"sanction.lifted", "处理解除"}, {"credit.grade_changed", "信用等级变化"},
	{"complaint.decided", "投诉办结"},
}

// WebhookLabel is the Chinese name of a webhook event type.
func WebhookLabel(t string) string {
	for _, w := range WebhookTypes {
		if w.Type == t {
			return w.Label
		}
	}
	return t
}

// webhookType is the type under which an event goes to subscribers, ""
// when it goes to none.
func webhookType(e Event) string {
	t := e.Type
	if t == scoring.NoticeComplaintMoved {
		switch scoring.ComplaintState(e.Data["state"]) {
		case scoring.ComplaintSubstantiated, scoring.ComplaintUnsubstantiated:
			t = "complaint.decided"
		default:
			return ""
		}
	}
	for _, w := range WebhookTypes {
		if w.Type == t {
			return t
		}
	}
	return ""
}

// Webhook back-off: the wait after the n-th failed try doubles from
// webhookBase up to webhookMax; after webhookTries the delivery fails
// (about 9 hours) and can be replayed.
const (
	webhookBase  = 30 * time.Second
	webhookMax   = time.Hour
	webhookTries = 15
	webhookClaim = 2 * time.Minute // how long a sender owns a delivery
)

// Backoff is the wait after the n-th consecutive failure (n ≥ 1): base
// doubled n−1 times, at most max.
func Backoff(base, max time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// The body of a webhook request.
type hookPayload struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	OccurredAt time.Time         `json:"occurred_at"`
	Project    *hookProject      `json:"project,omitempty"`
	Agency     *hookAgency       `json:"agency,omitempty"`
	Data       map[string]string `json:"data,omitempty"`
}

type hookProject struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ItemCode string `json:"item_code"`
	ItemName string `json:"item_name"`
	Region   string `json:"region"`
	Funding  string `json:"funding"`
	Method   string `json:"method"`
	State    string `json:"state"`
	Owner    string `json:"owner"`
	URL      string `json:"url"`
}

type hookAgency struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// hookData are the data keys each family of events may publish.
var hookData = map[string][]string{
	"project":   {"note"},
	"complaint": {"complaint", "state", "severity", "target_kind", "target_id", "target_name"},
	"sanction":  {"sanction", "kind", "cause", "from", "to", "reason"},
	"credit":    {"from", "to", "score"},
	"agency":    {"region"},
}

// payload builds the body of an event for subscribers from public facts.
func (s *Service) payload(ctx context.Context, e Event, typ string) ([]byte, error) {
	pl := hookPayload{ID: e.ID, Type: typ, OccurredAt: e.At.UTC(), Data: map[string]string{}}
	family, _, _ := strings.Cut(typ, ".")
	for _, k := range hookData[family] {
		if v := e.Data[k]; v != "" {
			pl.Data[k] = v
		}
	}
	var proj *hall.Project
	if e.ProjectID != "" {
		p, ok, err := s.project(ctx, e.ProjectID)
		if err != nil {
			return nil, err
		}
		if ok {
			proj = &p
			pl.Project = &hookProject{ID: p.ID, Name: p.Name, ItemCode: p.ItemCode, ItemName: p.ItemName, Region: p.Region,
				Funding: string(p.Funding), Method: string(p.Method), State: string(p.State), Owner: p.OwnerName,
				URL: s.BaseURL + "/projects/" + p.ID}
		}
	}
	if e.AgencyID != "" && typ != "project.objected" { // who objected stays with the regulator
		pl.Agency = &hookAgency{ID: e.AgencyID, Name: s.agencyName(proj, e.AgencyID)}
	}
	if len(pl.Data) == 0 {
		pl.Data = nil
	}
	return json.Marshal(pl)
}

// queueWebhooks creates the event's delivery for each active subscription
// of its type and appends it to the subscription's queue (both idempotent).
func (s *Service) queueWebhooks(ctx context.Context, e Event, subs []Subscription) (int, error) {
	typ := webhookType(e)
	if typ == "" {
		return 0, nil
	}
	var body []byte
	n := 0
	for _, sub := range subs {
		if !sub.Active || !slices.Contains(sub.Events, typ) {
			continue
		}
		if body == nil {
			b, err := s.payload(ctx, e, typ)
			if err != nil {
				return n, err
			}
			body = b
		}
		now := s.Now().UTC()
		d, _, err := s.Store.AddDelivery(ctx, Delivery{ID: e.ID + "@" + sub.ID, SubscriptionID: sub.ID, EventID: e.ID, EventType: typ,
			Payload: body, CreatedAt: now, State: DeliveryPending, NextAttemptAt: now})
		if err != nil {
			return n, err
		}
		if d.State != DeliveryPending {
			continue // delivered, failed or on its way already
		}
		if err := s.enqueueDelivery(ctx, sub.ID, d.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// enqueueDelivery appends a delivery to its subscription's queue unless it
// is there. A stale entry (appended again after it was delivered) is
// harmless: the sender skips what is no longer pending.
func (s *Service) enqueueDelivery(ctx context.Context, sub, id string) error {
	_, err := s.Store.UpdateSubscription(ctx, sub, func(x *Subscription) error {
		if slices.Contains(x.Queue, id) {
			return errUnchanged
		}
		x.Queue = append(x.Queue, id)
		return nil
	})
	if errors.Is(err, errUnchanged) || apperr.Is(err, apperr.KindNotFound) {
		return nil
	}
	return err
}

// dequeueDelivery removes a finished delivery from its queue.
func (s *Service) dequeueDelivery(ctx context.Context, sub, id string) error {
	_, err := s.Store.UpdateSubscription(ctx, sub, func(x *Subscription) error {
		i := slices.Index(x.Queue, id)
		if i < 0 {
			return errUnchanged
		}
		x.Queue = slices.Delete(x.Queue, i, i+1)
		return nil
	})
	if errors.Is(err, errUnchanged) || apperr.Is(err, apperr.KindNotFound) {
		return nil
	}
	return err
}

// DeliverWebhooks is the webhook job: for each active subscription it
// sends the queue in order. The head must succeed (or run out of tries)
// before anything behind it is sent, so a receiver sees each
// subscription's events in the order they happened. It returns the
// attempts made.
func (s *Service) DeliverWebhooks(ctx context.Context) (int, error) {
	subs, err := s.Store.ListSubscriptions(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, sub := range subs {
		if !sub.Active {
			continue
		}
		n, err := s.deliverQueue(ctx, sub)
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("subscription %s: %w", sub.ID, err))
		}
	}
	return total, errors.Join(errs...)
}

// deliverQueue sends one subscription's queue from its head while the
// receiver accepts, within a bounded number of attempts.
func (s *Service) deliverQueue(ctx context.Context, sub Subscription) (int, error) {
	attempts := 0
	for i := 0; i < 200 && len(sub.Queue) > 0; i++ {
		id := sub.Queue[0]
		now := s.Now().UTC()
		d, err := s.Store.GetDelivery(ctx, id)
		switch {
		case apperr.Is(err, apperr.KindNotFound):
			d.State = DeliveryDelivered // gone: drop it from the queue
		case err != nil:
			return attempts, err
		}
		switch {
		case d.State == DeliveryDelivered || d.State == DeliveryFailed:
			if err := s.dequeueDelivery(ctx, sub.ID, id); err != nil {
				return attempts, err
			}
		case d.State == DeliveryDelivering && now.Before(d.ClaimedUntil):
			return attempts, nil // another sender has the head: keep the order
		case d.State == DeliveryPending && now.Before(d.NextAttemptAt):
			return attempts, nil // the head waits for its retry, and so does the rest
		default:
			done, err := s.attempt(ctx, sub, d, now)
			attempts++
			if err != nil {
				return attempts, err
			}
			if !done {
				return attempts, nil
			}
			if err := s.dequeueDelivery(ctx, sub.ID, id); err != nil {
				return attempts, err
			}
		}
		if sub, err = s.Store.GetSubscription(ctx, sub.ID); err != nil {
			return attempts, err
		}
	}
	return attempts, nil
}

// errClaimed stops a claim that someone else got first.
var errClaimed = errors.New("claimed elsewhere")

// attempt claims a delivery, posts it and records the outcome. It reports
// whether the delivery is finished (delivered, or failed for good).
func (s *Service) attempt(ctx context.Context, sub Subscription, d Delivery, now time.Time) (bool, error) {
	d, err := s.Store.UpdateDelivery(ctx, d.ID, func(x *Delivery) error {
		claimable := x.State == DeliveryPending && !now.Before(x.NextAttemptAt) ||
			x.State == DeliveryDelivering && !now.Before(x.ClaimedUntil)
		if !claimable {
			return errClaimed
		}
		x.State, x.ClaimedUntil = DeliveryDelivering, now.Add(webhookClaim)
		x.Tries++
		return nil
	})
	if errors.Is(err, errClaimed) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	replay := d.Replays > 0
	start := time.Now()
	status, sendErr := s.post(ctx, sub, d, now, replay)
	a := Attempt{At: now, StatusCode: status, DurationMS: time.Since(start).Milliseconds(), Replay: replay}
	ok := sendErr == nil && status >= 200 && status < 300
	if sendErr != nil {
		a.Error = truncate(sendErr.Error(), 300)
	} else if !ok {
		a.Error = "HTTP " + strconv.Itoa(status)
	}
	end := s.Now().UTC()
	d, err = s.Store.UpdateDelivery(ctx, d.ID, func(x *Delivery) error {
		x.Attempts = append(x.Attempts, a)
		if len(x.Attempts) > MaxAttemptLog {
			x.Attempts = x.Attempts[len(x.Attempts)-MaxAttemptLog:]
		}
		x.ClaimedUntil = time.Time{}
		switch {
		case ok:
			x.State, x.DeliveredAt = DeliveryDelivered, end
		case x.Tries >= webhookTries:
			x.State = DeliveryFailed
		default:
			x.State, x.NextAttemptAt = DeliveryPending, end.Add(Backoff(webhookBase, webhookMax, x.Tries))
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	if !ok {
		s.Logger.Warn("webhook delivery failed", "subscription", sub.ID, "delivery", d.ID, "tries", d.Tries, "error", a.Error)
	}
	return d.State == DeliveryDelivered || d.State == DeliveryFailed, nil
}

// post sends one delivery, signed.
func (s *Service) post(ctx context.Context, sub Subscription, d Delivery, now time.Time, replay bool) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, err
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "AgencyHall-Webhook/1")
	req.Header.Set(HeaderEvent, d.EventType)
	req.Header.Set(HeaderDelivery, d.ID)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(sub.Secret, ts, d.Payload))
	if replay {
		req.Header.Set(HeaderReplay, strconv.Itoa(d.Replays))
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// SubscriptionInput is what an admin fills in.
type SubscriptionInput struct {
	Name   string
	URL    string
	Events []string
	Secret string // empty: keep (update) or generate (create)
	Active bool
}

func validateSubscription(in *SubscriptionInput) error {
	v := apperr.Invalid()
	in.Name, in.URL, in.Secret = strings.TrimSpace(in.Name), strings.TrimSpace(in.URL), strings.TrimSpace(in.Secret)
	if n := utf8.RuneCountInString(in.Name); n == 0 || n > 50 {
		v.Field("name", "请填写接收系统名称（50 字以内）")
	}
	if u, err := url.Parse(in.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(in.URL) > 500 {
		v.Field("url", "请填写以 https:// 或 http:// 开头的完整地址（不含用户名密码）")
	}
	if len(in.Events) == 0 {
		v.Field("events", "请至少选择一种事件")
	}
	known := map[string]bool{}
	for _, w := range WebhookTypes {
		known[w.Type] = true
	}
	seen := map[string]bool{}
	var events []string
	for _, e := range in.Events {
		if !known[e] {
			v.Field("events", "没有这种事件："+e)
			continue
		}
		if !seen[e] {
			seen[e] = true
			events = append(events, e)
		}
	}
	in.Events = events
	if in.Secret != "" && (len(in.Secret) < 16 || len(in.Secret) > 200) {
		v.Field("secret", "签名密钥应为 16–200 个字符；留空则由平台生成")
	}
	return v.OrNil()
}

// NewSecret makes a random signing secret.
func NewSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

// CreateSubscription registers a subscriber (admins).
func (s *Service) CreateSubscription(ctx context.Context, actor string, in SubscriptionInput) (Subscription, error) {
	if err := validateSubscription(&in); err != nil {
		return Subscription{}, err
	}
	if in.Secret == "" {
		in.Secret = NewSecret()
	}
	n, err := s.Store.NextSequence(ctx, "webhook")
	if err != nil {
		return Subscription{}, err
	}
	now := s.Now().UTC()
	sub := Subscription{ID: fmt.Sprintf("WH%04d", n), Name: in.Name, URL: in.URL, Events: in.Events, Secret: in.Secret, Active: in.Active,
		CreatedAt: now, CreatedBy: actor, UpdatedAt: now}
	if err := s.Store.CreateSubscription(ctx, sub); err != nil {
		return Subscription{}, err
	}
	sub.Version = 1
	return sub, nil
}

// UpdateSubscription changes a subscription; an empty secret keeps the
// current one.
func (s *Service) UpdateSubscription(ctx context.Context, id string, in SubscriptionInput) (Subscription, error) {
	if err := validateSubscription(&in); err != nil {
		return Subscription{}, err
	}
	now := s.Now().UTC()
	sub, err := s.Store.UpdateSubscription(ctx, id, func(x *Subscription) error {
		x.Name, x.URL, x.Events, x.Active, x.UpdatedAt = in.Name, in.URL, in.Events, in.Active, now
		if in.Secret != "" {
			x.Secret = in.Secret
		}
		return nil
	})
	if err == nil && sub.Active && len(sub.Queue) > 0 {
		s.kick(JobWebhooks)
	}
	return sub, err
}

// DeleteSubscription removes a subscription and its delivery log.
func (s *Service) DeleteSubscription(ctx context.Context, id string) error {
	if _, err := s.Store.GetSubscription(ctx, id); err != nil {
		return err
	}
	if err := s.Store.DeleteSubscription(ctx, id); err != nil {
		return err
	}
	return s.Store.DeleteDeliveries(ctx, id)
}

// Subscriptions lists every subscription by ID.
func (s *Service) Subscriptions(ctx context.Context) ([]Subscription, error) {
	subs, err := s.Store.ListSubscriptions(ctx)
	slices.SortFunc(subs, func(a, b Subscription) int { return strings.Compare(a.ID, b.ID) })
	return subs, err
}

// Subscription returns one subscription.
func (s *Service) Subscription(ctx context.Context, id string) (Subscription, error) {
	return s.Store.GetSubscription(ctx, id)
}

// Deliveries lists a subscription's deliveries, newest first.
func (s *Service) Deliveries(ctx context.Context, sub string, page, size int) ([]Delivery, int, error) {
	if _, err := s.Store.GetSubscription(ctx, sub); err != nil {
		return nil, 0, err
	}
	if page < 1 {
		page = 1
	}
	if size < 1 || size > 100 {
		size = 20
	}
	return s.Store.ListDeliveries(ctx, sub, page, size)
}

// Replay sends a finished delivery again (same body, fresh signature, with
// the replay header), after anything already queued for the subscription.
func (s *Service) Replay(ctx context.Context, sub, id string) (Delivery, error) {
	d, err := s.Store.GetDelivery(ctx, id)
	if err != nil {
		return Delivery{}, err
	}
	if d.SubscriptionID != sub {
		return Delivery{}, apperr.NotFound("推送记录")
	}
	now := s.Now().UTC()
	d, err = s.Store.UpdateDelivery(ctx, id, func(x *Delivery) error {
		if x.State == DeliveryPending || x.State == DeliveryDelivering {
			return apperr.Conflict("queued", "该推送正在发送队列中，无需重发")
		}
		x.State, x.Tries, x.NextAttemptAt, x.ClaimedUntil = DeliveryPending, 0, now, time.Time{}
		x.Replays++
		return nil
	})
	if err != nil {
		return Delivery{}, err
	}
	if err := s.enqueueDelivery(ctx, sub, id); err != nil {
		return d, err
	}
	s.kick(JobWebhooks)
	return d, nil
}
