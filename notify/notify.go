// Package notify is the message centre (消息中心): in-app notifications for
// every event a user must act on or would want to know, e-mail through an
// outbox, and signed webhooks to other government systems.
//
// The flow, every step idempotent:
//
//  1. The hall, supervision and the registry tell Observe of each event once
//     it is stored. Observe only writes the event to a queue collection by
//     its ID (insert if absent) — one cheap write in the request.
//  2. The dispatch job (jobs.go) takes queued events in order and fans each
//     out: a notification into each recipient's inbox (ID = event ID @
//     user, added only if absent), an outbox mail when the user chose
//     e-mail for that kind (mail ID = notification ID, insert if absent),
//     and a delivery for each webhook subscription of that event type
//     (delivery ID = event ID @ subscription, appended to the
//     subscription's ordered queue). Then it removes the queued event. A
//     crash part-way repeats the fan-out, which adds nothing twice.
//  3. The outbox job claims each due mail by compare-and-swap, sends it
//     over SMTP and marks it sent; failures retry with exponential
//     back-off. The webhook job delivers each subscription's queue in
//     order, signed, with the same back-off.
//
// Texts are built from public facts only: no quote amount, no sign-up list
// before the opening, and never who filed a complaint.
package notify

import (
	"context"
	"time"

	"github.com/agencyhall/agencyhall/auth"
)

// Kind is a kind of notification. Each user chooses per kind whether it
// also comes by e-mail.
type Kind string

const (
	KindProjectMatch  Kind = "project_match" // 新项目推送
	KindAnnouncement  Kind = "announcement"  // 公告审核
	KindSignup        Kind = "signup"        // 报名
	KindResult        Kind = "result"        // 开启与选取结果
	KindObjection     Kind = "objection"     // 质疑
	KindContract      Kind = "contract"      // 签约与服务
	KindDelivery      Kind = "delivery"      // 交付与验收
	KindEvaluation    Kind = "evaluation"    // 服务评价
	KindComplaint     Kind = "complaint"     // 投诉
	KindSanction      Kind = "sanction"      // 处理与信用
	KindScore         Kind = "score"         // 信用等级变化
	KindAlert         Kind = "alert"         // 电子监察预警
	KindQualification Kind = "qualification" // 资质到期
	KindAdmission     Kind = "admission"     // 入驻审核
)

// KindInfo describes a kind for the preferences form.
type KindInfo struct {
	Kind  Kind
	Label string
	Note  string
	// Mail is the default choice: whether the kind also comes by e-mail
	// until the user decides.
	Mail  bool
	Roles []auth.Role // who receives it
}

var (
	parties    = []auth.Role{auth.RoleOwner, auth.RoleAgency}
	agencies   = []auth.Role{auth.RoleAgency}
	regulators = []auth.Role{auth.RoleRegulator}
)

// Kinds lists every kind in the order the preferences form shows them.
var Kinds = []KindInfo{
	{KindProjectMatch, "新项目推送", "发布了与本机构服务清单、所在省份相符且可报名的项目", false, agencies},
	{KindAnnouncement, "公告审核", "公告待审核、审核通过或退回修改", true, []auth.Role{auth.RoleOwner, auth.RoleRegulator}},
	{KindSignup, "报名", "报名成功，或开启时未通过资格复核（附原因）", true, agencies},
	{KindResult, "开启与选取结果", "项目开启、选取结果（报价无效时附原因）、流标和终止", true, parties},
	{KindObjection, "质疑", "收到质疑、待处理的质疑和处理结果", true, []auth.Role{auth.RoleOwner, auth.RoleAgency, auth.RoleRegulator}},
	{KindContract, "签约与服务", "公示结束待签约、合同签订、延期、中止和恢复计时、放弃中选", true, parties},
	{KindDelivery, "交付与验收", "服务成果待验收、验收通过或退回修改", true, parties},
	{KindEvaluation, "服务评价", "收到评价、机构回复评价", false, parties},
	{KindComplaint, "投诉", "投诉的受理、调查和认定结果；监管部门：新投诉", true, auth.Roles},
	{KindSanction, "处理与信用", "警告、暂停、黑名单、信用修复、表扬与失信认定", true, agencies},
	{KindScore, "信用等级变化", "信用评分后等级发生变化", true, agencies},
	{KindAlert, "电子监察预警", "本辖区新发出或升级的黄牌、红牌预警", true, regulators},
	{KindQualification, "资质到期提醒", "资质证书到期前 60、30、15 天和到期时", true, agencies},
	{KindAdmission, "入驻审核", "入驻申请和资料变更的审核结果；监管部门：新的入驻申请", true, []auth.Role{auth.RoleAgency, auth.RoleRegulator}},
}

// Info returns the description of a kind.
func Info(k Kind) (KindInfo, bool) {
	for _, i := range Kinds {
		if i.Kind == k {
			return i, true
		}
	}
	return KindInfo{}, false
}

// Label is the Chinese name of a kind.
func (k Kind) Label() string {
	if i, ok := Info(k); ok {
		return i.Label
	}
	return string(k)
}

// KindsFor lists the kinds a role receives.
func KindsFor(r auth.Role) []KindInfo {
	var out []KindInfo
	for _, i := range Kinds {
		for _, x := range i.Roles {
			if x == r || r == auth.RoleAdmin && x == auth.RoleRegulator {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// Event is something that happened, as the message centre receives it.
type Event struct {
	ID        string // unique and stable: telling the same event twice is harmless
	Type      string // project.published, complaint.moved, agency.approved …
	ProjectID string
	AgencyID  string
	OwnerOrg  string
	At        time.Time
	Data      map[string]string
}

// Notification is one message in a user's inbox.
type Notification struct {
	ID     string // event ID @ user ID
	Kind   Kind
	Event  string // the event type
	Title  string
	Body   string
	Link   string // a path on the site
	At     time.Time
	ReadAt time.Time
}

// Read reports whether the user has read it.
func (n Notification) Read() bool { return !n.ReadAt.IsZero() }

// InboxCap is how many notifications an inbox keeps; older ones drop off
// (read ones first).
const InboxCap = 300

// Inbox is a user's notifications, newest first, with the unread count.
// It is one document per user, so the header's count and the message
// centre's list are one read by ID.
type Inbox struct {
	UserID  string
	Items   []Notification
	Unread  int
	Version int64
}

// Preferences are a user's choices: which kinds also come by e-mail.
type Preferences struct {
	UserID    string
	Mail      map[Kind]bool // explicit choices; a kind not here follows its default
	UpdatedAt time.Time
	Version   int64
}

// WantsMail reports whether the user wants kind k by e-mail too.
func (p Preferences) WantsMail(k Kind) bool {
	if v, ok := p.Mail[k]; ok {
		return v
	}
	i, _ := Info(k)
	return i.Mail
}

// MailState is where an outbox mail stands.
type MailState string

const (
	MailPending MailState = "pending" // waiting for its (next) attempt
	MailSending MailState = "sending" // claimed by a sender until ClaimedUntil
	MailSent    MailState = "sent"
	MailFailed  MailState = "failed" // permanently refused, or out of attempts
)

// Mail is one e-mail in the outbox.
type Mail struct {
	ID            string // the notification's ID
	UserID        string
	To            string
	Kind          Kind
	Subject       string
	Text          string
	HTML          string
	CreatedAt     time.Time
	State         MailState
	Attempts      int
	NextAttemptAt time.Time
	ClaimedUntil  time.Time
	LastError     string
	SentAt        time.Time
	Version       int64
}

// DeliveryState is where a webhook delivery stands.
type DeliveryState string

const (
	DeliveryPending    DeliveryState = "pending"
	DeliveryDelivering DeliveryState = "delivering" // claimed until ClaimedUntil
	DeliveryDelivered  DeliveryState = "delivered"
	DeliveryFailed     DeliveryState = "failed" // out of attempts (can be replayed)
)

// Attempt is one try of a webhook delivery.
type Attempt struct {
	At         time.Time
	StatusCode int // 0 when no response
	Error      string
	DurationMS int64
	Replay     bool
}

// Delivery is one event for one subscription: the body is fixed when it is
// created, so retries and replays send the same bytes.
type Delivery struct {
	ID             string // event ID @ subscription ID
	SubscriptionID string
	EventID        string
	EventType      string
	Payload        []byte
	CreatedAt      time.Time
	State          DeliveryState
	Attempts       []Attempt // the latest MaxAttemptLog
	Tries          int       // attempts since it was (re)queued
	Replays        int       // times an admin had it sent again
	NextAttemptAt  time.Time
	ClaimedUntil   time.Time
	DeliveredAt    time.Time
	Version        int64
}

// MaxAttemptLog bounds the attempts a delivery keeps.
const MaxAttemptLog = 20

// Subscription is another system's subscription to event types.
type Subscription struct {
	ID        string
	Name      string // the receiving system
	URL       string
	Events    []string // event types
	Secret    string   // HMAC-SHA256 key
	Active    bool
	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
	// Queue holds the deliveries waiting, in order: the head is delivered
	// before anything behind it.
	Queue   []string
	Version int64
}

// Store is what the message centre needs from storage. Every change goes
// through a compare-and-swap (the Update functions: fn may run more than
// once and must have no side effects).
type Store interface {
	// Enqueue stores an event for fan-out; an existing ID is left alone.
	Enqueue(ctx context.Context, e Event) error
	// Queued returns up to limit queued events, oldest first.
	Queued(ctx context.Context, limit int) ([]Event, error)
	// Dequeue removes a fanned-out event.
	Dequeue(ctx context.Context, id string) error
	// Mark records a key once: it reports whether it was new.
	Mark(ctx context.Context, key string, at time.Time) (bool, error)
	// Marked reports whether a key was recorded.
	Marked(ctx context.Context, key string) (bool, error)

	// GetInbox returns a user's inbox (empty when none yet).
	GetInbox(ctx context.Context, user string) (Inbox, error)
	// UpdateInbox applies fn to a user's inbox, creating it if needed.
	UpdateInbox(ctx context.Context, user string, fn func(*Inbox) error) (Inbox, error)

	GetPreferences(ctx context.Context, user string) (Preferences, error)
	UpdatePreferences(ctx context.Context, user string, fn func(*Preferences) error) (Preferences, error)

	// AddMail inserts a mail if its ID is new, and reports whether it was.
	AddMail(ctx context.Context, m Mail) (bool, error)
	GetMail(ctx context.Context, id string) (Mail, error)
	UpdateMail(ctx context.Context, id string, fn func(*Mail) error) (Mail, error)
	// DueMails lists mails that are pending or sending and due at now:
	// next attempt reached, or claim expired. Oldest first.
	DueMails(ctx context.Context, now time.Time, limit int) ([]Mail, error)
	// PruneMails removes sent and failed mails created before the time.
	PruneMails(ctx context.Context, before time.Time) (int, error)

	CreateSubscription(ctx context.Context, s Subscription) error
	GetSubscription(ctx context.Context, id string) (Subscription, error)
	UpdateSubscription(ctx context.Context, id string, fn func(*Subscription) error) (Subscription, error)
	DeleteSubscription(ctx context.Context, id string) error
	ListSubscriptions(ctx context.Context) ([]Subscription, error)

	// AddDelivery inserts a delivery if its ID is new; it returns the
	// stored one and whether it was new.
	AddDelivery(ctx context.Context, d Delivery) (Delivery, bool, error)
	GetDelivery(ctx context.Context, id string) (Delivery, error)
	UpdateDelivery(ctx context.Context, id string, fn func(*Delivery) error) (Delivery, error)
	// ListDeliveries returns a subscription's deliveries, newest first.
	ListDeliveries(ctx context.Context, subscription string, page, size int) ([]Delivery, int, error)
	// PruneDeliveries removes finished deliveries created before the time.
	PruneDeliveries(ctx context.Context, before time.Time) (int, error)
	DeleteDeliveries(ctx context.Context, subscription string) error

	NextSequence(ctx context.Context, name string) (int64, error)
}

// Recipient is a user who may be notified.
type Recipient struct {
	UserID string
	Name   string
	Email  string
	OrgID  string
	Role   auth.Role
	// Region is the organisation's region: for regulators, the area they
	// supervise (a prefix: 620100 covers 6201xx).
	Region string
}

// Directory lists the users who may be notified.
type Directory interface {
	// Recipients lists every enabled user (with the region of regulators).
	Recipients(ctx context.Context) ([]Recipient, error)
}
