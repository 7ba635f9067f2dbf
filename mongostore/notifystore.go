package mongostore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/notify"
)

// NotifyStore implements notify.Store: the fan-out queue, inboxes (one
// document per user), preferences, the mail outbox and webhooks. Every
// change is an insert by a deterministic _id or goes through the
// compare-and-swap helpers; the only scans are of the queue and of the
// outbox's unsent mails (both kept small) and the admins' delivery logs.
type NotifyStore struct{ s *Store }

// Notify returns the message centre's store.
func (s *Store) Notify() *NotifyStore { return &NotifyStore{s: s} }

var _ notify.Store = (*NotifyStore)(nil)

type queuedDoc struct {
	ID string `bson:"_id"`
	// Seq orders events of the same time in the order they were told
	// (this process's clock; the event time comes first).
	Seq       int64             `bson:"seq"`
	Type      string            `bson:"type"`
	ProjectID string            `bson:"project_id,omitempty"`
	AgencyID  string            `bson:"agency_id,omitempty"`
	OwnerOrg  string            `bson:"owner_org,omitempty"`
	At        time.Time         `bson:"at"`
	Data      map[string]string `bson:"data,omitempty"`
}

func (n *NotifyStore) Enqueue(ctx context.Context, e notify.Event) error {
	err := insertDoc(ctx, n.s, collNotifyQueue, "消息事件", queuedDoc{ID: e.ID, Seq: time.Now().UnixNano(), Type: e.Type, ProjectID: e.ProjectID, AgencyID: e.AgencyID,
		OwnerOrg: e.OwnerOrg, At: e.At, Data: e.Data})
	if isDuplicate(err) {
		return nil
	}
	return err
}

func (n *NotifyStore) Queued(ctx context.Context, limit int) ([]notify.Event, error) {
	page, err := findPage(ctx, n.s, collNotifyQueue, "消息事件", bson.D{}, bson.D{{Key: "at", Value: 1}, {Key: "seq", Value: 1}, {Key: "_id", Value: 1}},
		1, limit, func(queuedDoc) bool { return true })
	out := make([]notify.Event, 0, len(page.items))
	for _, d := range page.items {
		out = append(out, notify.Event{ID: d.ID, Type: d.Type, ProjectID: d.ProjectID, AgencyID: d.AgencyID, OwnerOrg: d.OwnerOrg,
			At: d.At, Data: d.Data})
	}
	return out, err
}

func (n *NotifyStore) Dequeue(ctx context.Context, id string) error {
	_, err := n.s.coll(collNotifyQueue).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return translate(err, "消息事件")
}

type markDoc struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

func (n *NotifyStore) Mark(ctx context.Context, key string, at time.Time) (bool, error) {
	err := insertDoc(ctx, n.s, collNotifyMarks, "标记", markDoc{ID: key, At: at})
	if isDuplicate(err) {
		return false, nil
	}
	return err == nil, err
}

func (n *NotifyStore) Marked(ctx context.Context, key string) (bool, error) {
	_, err := getDoc[markDoc](ctx, n.s, collNotifyMarks, key, "标记")
	if apperr.Is(err, apperr.KindNotFound) {
		return false, nil
	}
	return err == nil, err
}

type notificationDoc struct {
	ID     string    `bson:"id"`
	Kind   string    `bson:"kind"`
	Event  string    `bson:"event"`
	Title  string    `bson:"title"`
	Body   string    `bson:"body,omitempty"`
	Link   string    `bson:"link,omitempty"`
	At     time.Time `bson:"at"`
	ReadAt time.Time `bson:"read_at,omitempty"`
}

type inboxDoc struct {
	ID         string            `bson:"_id"` // the user
	Items      []notificationDoc `bson:"items"`
	Unread     int               `bson:"unread"`
	DocVersion `bson:",inline"`
}

// inboxBody is inboxDoc without its methods: what goes into the body.
type inboxBody inboxDoc

// MarshalBSON stores the inbox as a body (see projectDoc): up to 300
// notifications made a document of over 100 KB of JSON with its schema,
// decoded and encoded again by the embedded engine on every delivery.
// Inboxes stored before bodies are read as they are and take the new
// form with their next notification.
func (d inboxDoc) MarshalBSON() ([]byte, error) {
	b, err := marshalBodied(inboxBody(d), bson.D{{Key: "_id", Value: d.ID}, {Key: "unread", Value: d.Unread}, {Key: "version", Value: d.Version}})
	if err != nil {
		return nil, fmt.Errorf("encode inbox %s: %w", d.ID, err)
	}
	return b, nil
}

// UnmarshalBSON reads either stored form.
func (d *inboxDoc) UnmarshalBSON(b []byte) error {
	*d = inboxDoc{}
	_, err := unmarshalBodied(b, (*inboxBody)(d))
	return err
}

func (d inboxDoc) toInbox() notify.Inbox {
	in := notify.Inbox{UserID: d.ID, Unread: d.Unread, Version: d.Version, Items: make([]notify.Notification, 0, len(d.Items))}
	for _, x := range d.Items {
		in.Items = append(in.Items, notify.Notification{ID: x.ID, Kind: notify.Kind(x.Kind), Event: x.Event, Title: x.Title, Body: x.Body,
			Link: x.Link, At: x.At, ReadAt: x.ReadAt})
	}
	return in
}

func (n *NotifyStore) GetInbox(ctx context.Context, user string) (notify.Inbox, error) {
	d, err := getDoc[inboxDoc](ctx, n.s, collInboxes, user, "消息")
	if apperr.Is(err, apperr.KindNotFound) {
		return notify.Inbox{UserID: user}, nil
	}
	return d.toInbox(), err
}

func (n *NotifyStore) UpdateInbox(ctx context.Context, user string, fn func(*notify.Inbox) error) (notify.Inbox, error) {
	d, err := upsertDoc(ctx, n.s, collInboxes, user, "消息", func() inboxDoc { return inboxDoc{ID: user} }, func(d *inboxDoc) error {
		in := d.toInbox()
		if err := fn(&in); err != nil {
			return err
		}
		d.Unread, d.Items = in.Unread, make([]notificationDoc, 0, len(in.Items))
		for _, x := range in.Items {
			d.Items = append(d.Items, notificationDoc{ID: x.ID, Kind: string(x.Kind), Event: x.Event, Title: x.Title, Body: x.Body,
				Link: x.Link, At: x.At, ReadAt: x.ReadAt})
		}
		return nil
	})
	return d.toInbox(), err
}

type prefsDoc struct {
	ID         string          `bson:"_id"`
	Mail       map[string]bool `bson:"mail"`
	UpdatedAt  time.Time       `bson:"updated_at"`
	DocVersion `bson:",inline"`
}

func (d prefsDoc) toPrefs() notify.Preferences {
	p := notify.Preferences{UserID: d.ID, Mail: map[notify.Kind]bool{}, UpdatedAt: d.UpdatedAt, Version: d.Version}
	for k, v := range d.Mail {
		p.Mail[notify.Kind(k)] = v
	}
	return p
}

func (n *NotifyStore) GetPreferences(ctx context.Context, user string) (notify.Preferences, error) {
	d, err := getDoc[prefsDoc](ctx, n.s, collNotifyPrefs, user, "通知设置")
	if apperr.Is(err, apperr.KindNotFound) {
		return notify.Preferences{UserID: user, Mail: map[notify.Kind]bool{}}, nil
	}
	return d.toPrefs(), err
}

func (n *NotifyStore) UpdatePreferences(ctx context.Context, user string, fn func(*notify.Preferences) error) (notify.Preferences, error) {
	d, err := upsertDoc(ctx, n.s, collNotifyPrefs, user, "通知设置", func() prefsDoc { return prefsDoc{ID: user} }, func(d *prefsDoc) error {
		p := d.toPrefs()
		if err := fn(&p); err != nil {
			return err
		}
		d.UpdatedAt, d.Mail = p.UpdatedAt, map[string]bool{}
		for k, v := range p.Mail {
			d.Mail[string(k)] = v
		}
		return nil
	})
	return d.toPrefs(), err
}

type mailDoc struct {
	ID            string    `bson:"_id"`
	UserID        string    `bson:"user_id"`
	To            string    `bson:"to"`
	Kind          string    `bson:"kind"`
	Subject       string    `bson:"subject"`
	Text          string    `bson:"text"`
	HTML          string    `bson:"html"`
	CreatedAt     time.Time `bson:"created_at"`
	State         string    `bson:"state"`
	Attempts      int       `bson:"attempts"`
	NextAttemptAt time.Time `bson:"next_attempt_at"`
	ClaimedUntil  time.Time `bson:"claimed_until"`
	LastError     string    `bson:"last_error,omitempty"`
	SentAt        time.Time `bson:"sent_at,omitempty"`
	DocVersion    `bson:",inline"`
}

func mailToDoc(m notify.Mail) mailDoc {
	return mailDoc{ID: m.ID, UserID: m.UserID, To: m.To, Kind: string(m.Kind), Subject: m.Subject, Text: m.Text, HTML: m.HTML,
		CreatedAt: m.CreatedAt, State: string(m.State), Attempts: m.Attempts, NextAttemptAt: m.NextAttemptAt, ClaimedUntil: m.ClaimedUntil,
		LastError: m.LastError, SentAt: m.SentAt}
}

func (d mailDoc) toMail() notify.Mail {
	return notify.Mail{ID: d.ID, UserID: d.UserID, To: d.To, Kind: notify.Kind(d.Kind), Subject: d.Subject, Text: d.Text, HTML: d.HTML,
		CreatedAt: d.CreatedAt, State: notify.MailState(d.State), Attempts: d.Attempts, NextAttemptAt: d.NextAttemptAt,
		ClaimedUntil: d.ClaimedUntil, LastError: d.LastError, SentAt: d.SentAt, Version: d.Version}
}

func (n *NotifyStore) AddMail(ctx context.Context, m notify.Mail) (bool, error) {
	d := mailToDoc(m)
	d.Version = 1
	err := insertDoc(ctx, n.s, collMailOutbox, "邮件", d)
	if isDuplicate(err) {
		return false, nil
	}
	return err == nil, err
}

func (n *NotifyStore) GetMail(ctx context.Context, id string) (notify.Mail, error) {
	d, err := getDoc[mailDoc](ctx, n.s, collMailOutbox, id, "邮件")
	return d.toMail(), err
}

func (n *NotifyStore) UpdateMail(ctx context.Context, id string, fn func(*notify.Mail) error) (notify.Mail, error) {
	d, err := updateDoc(ctx, n.s, collMailOutbox, id, "邮件", func(d *mailDoc) error {
		m := d.toMail()
		if err := fn(&m); err != nil {
			return err
		}
		v := d.Version
		*d = mailToDoc(m)
		d.ID, d.Version = id, v
		return nil
	})
	return d.toMail(), err
}

func (n *NotifyStore) DueMails(ctx context.Context, now time.Time, limit int) ([]notify.Mail, error) {
	filter := bson.D{{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{string(notify.MailPending), string(notify.MailSending)}}}}}
	page, err := findPage(ctx, n.s, collMailOutbox, "邮件", filter, bson.D{{Key: "created_at", Value: 1}, {Key: "_id", Value: 1}}, 1, limit,
		func(d mailDoc) bool {
			if d.State == string(notify.MailSending) {
				return !now.Before(d.ClaimedUntil)
			}
			return !now.Before(d.NextAttemptAt)
		})
	out := make([]notify.Mail, 0, len(page.items))
	for _, d := range page.items {
		out = append(out, d.toMail())
	}
	return out, err
}

func (n *NotifyStore) PruneMails(ctx context.Context, before time.Time) (int, error) {
	res, err := n.s.coll(collMailOutbox).DeleteMany(ctx, bson.D{
		{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{string(notify.MailSent), string(notify.MailFailed)}}}},
		{Key: "created_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
	if err != nil {
		return 0, translate(err, "邮件")
	}
	return int(res.DeletedCount), nil
}

type subscriptionDoc struct {
	ID         string    `bson:"_id"`
	Name       string    `bson:"name"`
	URL        string    `bson:"url"`
	Events     []string  `bson:"events"`
	Secret     string    `bson:"secret"`
	Active     bool      `bson:"active"`
	CreatedAt  time.Time `bson:"created_at"`
	CreatedBy  string    `bson:"created_by"`
	UpdatedAt  time.Time `bson:"updated_at"`
	Queue      []string  `bson:"queue"`
	DocVersion `bson:",inline"`
}

func subToDoc(x notify.Subscription) subscriptionDoc {
	return subscriptionDoc{ID: x.ID, Name: x.Name, URL: x.URL, Events: x.Events, Secret: x.Secret, Active: x.Active, CreatedAt: x.CreatedAt,
		CreatedBy: x.CreatedBy, UpdatedAt: x.UpdatedAt, Queue: x.Queue}
}

func (d subscriptionDoc) toSub() notify.Subscription {
	return notify.Subscription{ID: d.ID, Name: d.Name, URL: d.URL, Events: d.Events, Secret: d.Secret, Active: d.Active,
		CreatedAt: d.CreatedAt, CreatedBy: d.CreatedBy, UpdatedAt: d.UpdatedAt, Queue: d.Queue, Version: d.Version}
}

func (n *NotifyStore) CreateSubscription(ctx context.Context, x notify.Subscription) error {
	d := subToDoc(x)
	d.Version = 1
	return insertDoc(ctx, n.s, collWebhooks, "Webhook 订阅", d)
}

func (n *NotifyStore) GetSubscription(ctx context.Context, id string) (notify.Subscription, error) {
	d, err := getDoc[subscriptionDoc](ctx, n.s, collWebhooks, id, "Webhook 订阅")
	return d.toSub(), err
}

func (n *NotifyStore) UpdateSubscription(ctx context.Context, id string, fn func(*notify.Subscription) error) (notify.Subscription, error) {
	d, err := updateDoc(ctx, n.s, collWebhooks, id, "Webhook 订阅", func(d *subscriptionDoc) error {
		x := d.toSub()
		if err := fn(&x); err != nil {
			return err
		}
		v := d.Version
		*d = subToDoc(x)
		d.ID, d.Version = id, v
		return nil
	})
	return d.toSub(), err
}

func (n *NotifyStore) DeleteSubscription(ctx context.Context, id string) error {
	defer n.s.lockDoc(collWebhooks, id)()
	_, err := n.s.coll(collWebhooks).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return translate(err, "Webhook 订阅")
}

// ListSubscriptions reads every subscription: a handful of documents.
func (n *NotifyStore) ListSubscriptions(ctx context.Context) ([]notify.Subscription, error) {
	var out []notify.Subscription
	err := eachDoc(ctx, n.s, collWebhooks, "Webhook 订阅", func(d subscriptionDoc) error { out = append(out, d.toSub()); return nil })
	return out, err
}

type attemptDoc struct {
	At         time.Time `bson:"at"`
	StatusCode int       `bson:"status_code"`
	Error      string    `bson:"error,omitempty"`
	DurationMS int64     `bson:"duration_ms"`
	Replay     bool      `bson:"replay,omitempty"`
}

type deliveryDoc struct {
	ID             string       `bson:"_id"`
	SubscriptionID string       `bson:"subscription_id"`
	EventID        string       `bson:"event_id"`
	EventType      string       `bson:"event_type"`
	Payload        []byte       `bson:"payload"`
	CreatedAt      time.Time    `bson:"created_at"`
	Seq            int64        `bson:"seq"` // orders deliveries created at the same time
	State          string       `bson:"state"`
	Attempts       []attemptDoc `bson:"attempts"`
	Tries          int          `bson:"tries"`
	Replays        int          `bson:"replays"`
	NextAttemptAt  time.Time    `bson:"next_attempt_at"`
	ClaimedUntil   time.Time    `bson:"claimed_until"`
	DeliveredAt    time.Time    `bson:"delivered_at,omitempty"`
	DocVersion     `bson:",inline"`
}

func deliveryToDoc(x notify.Delivery) deliveryDoc {
	d := deliveryDoc{ID: x.ID, SubscriptionID: x.SubscriptionID, EventID: x.EventID, EventType: x.EventType, Payload: x.Payload,
		CreatedAt: x.CreatedAt, State: string(x.State), Tries: x.Tries, Replays: x.Replays, NextAttemptAt: x.NextAttemptAt,
		ClaimedUntil: x.ClaimedUntil, DeliveredAt: x.DeliveredAt, Attempts: make([]attemptDoc, 0, len(x.Attempts))}
	for _, a := range x.Attempts {
		d.Attempts = append(d.Attempts, attemptDoc{At: a.At, StatusCode: a.StatusCode, Error: a.Error, DurationMS: a.DurationMS, Replay: a.Replay})
	}
	return d
}

func (d deliveryDoc) toDelivery() notify.Delivery {
	x := notify.Delivery{ID: d.ID, SubscriptionID: d.SubscriptionID, EventID: d.EventID, EventType: d.EventType, Payload: d.Payload,
		CreatedAt: d.CreatedAt, State: notify.DeliveryState(d.State), Tries: d.Tries, Replays: d.Replays, NextAttemptAt: d.NextAttemptAt,
		ClaimedUntil: d.ClaimedUntil, DeliveredAt: d.DeliveredAt, Version: d.Version}
	for _, a := range d.Attempts {
		x.Attempts = append(x.Attempts, notify.Attempt{At: a.At, StatusCode: a.StatusCode, Error: a.Error, DurationMS: a.DurationMS, Replay: a.Replay})
	}
	return x
}

func (n *NotifyStore) AddDelivery(ctx context.Context, x notify.Delivery) (notify.Delivery, bool, error) {
	d := deliveryToDoc(x)
	d.Version, d.Seq = 1, time.Now().UnixNano()
	err := insertDoc(ctx, n.s, collDeliveries, "推送记录", d)
	if isDuplicate(err) {
		got, err := n.GetDelivery(ctx, x.ID)
		return got, false, err
	}
	if err != nil {
		return notify.Delivery{}, false, err
	}
	return d.toDelivery(), true, nil
}

func (n *NotifyStore) GetDelivery(ctx context.Context, id string) (notify.Delivery, error) {
	d, err := getDoc[deliveryDoc](ctx, n.s, collDeliveries, id, "推送记录")
	return d.toDelivery(), err
}

func (n *NotifyStore) UpdateDelivery(ctx context.Context, id string, fn func(*notify.Delivery) error) (notify.Delivery, error) {
	d, err := updateDoc(ctx, n.s, collDeliveries, id, "推送记录", func(d *deliveryDoc) error {
		x := d.toDelivery()
		if err := fn(&x); err != nil {
			return err
		}
		v, seq := d.Version, d.Seq
		*d = deliveryToDoc(x)
		d.ID, d.Version, d.Seq = id, v, seq
		return nil
	})
	return d.toDelivery(), err
}

func (n *NotifyStore) ListDeliveries(ctx context.Context, sub string, page, size int) ([]notify.Delivery, int, error) {
	p, err := findPage(ctx, n.s, collDeliveries, "推送记录", bson.D{{Key: "subscription_id", Value: sub}},
		bson.D{{Key: "created_at", Value: -1}, {Key: "seq", Value: -1}, {Key: "_id", Value: -1}}, page, size, func(deliveryDoc) bool { return true })
	out := make([]notify.Delivery, 0, len(p.items))
	for _, d := range p.items {
		out = append(out, d.toDelivery())
	}
	return out, p.total, err
}

func (n *NotifyStore) PruneDeliveries(ctx context.Context, before time.Time) (int, error) {
	res, err := n.s.coll(collDeliveries).DeleteMany(ctx, bson.D{
		{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{string(notify.DeliveryDelivered), string(notify.DeliveryFailed)}}}},
		{Key: "created_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}}})
	if err != nil {
		return 0, translate(err, "推送记录")
	}
	return int(res.DeletedCount), nil
}

func (n *NotifyStore) DeleteDeliveries(ctx context.Context, sub string) error {
	_, err := n.s.coll(collDeliveries).DeleteMany(ctx, bson.D{{Key: "subscription_id", Value: sub}})
	return translate(err, "推送记录")
}

func (n *NotifyStore) NextSequence(ctx context.Context, name string) (int64, error) {
	return n.s.NextSequence(ctx, name)
}

// NotifyDirectory lists the users the message centre may notify.
func (s *Store) NotifyDirectory() notify.Directory { return notifyDirectory{s: s} }

type notifyDirectory struct{ s *Store }

// Recipients streams the users once (the dispatch job caches the result)
// and reads each regulator department by _id for the area it supervises.
func (d notifyDirectory) Recipients(ctx context.Context) ([]notify.Recipient, error) {
	var out []notify.Recipient
	err := eachDoc(ctx, d.s, collUsers, "用户", func(u userDoc) error {
		if !u.Disabled {
			out = append(out, notify.Recipient{UserID: u.ID, Name: u.Name, Email: u.Email, OrgID: u.OrgID, Role: auth.Role(u.Role)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	regions := map[string]string{}
	for i := range out {
		r := &out[i]
		if r.Role != auth.RoleRegulator {
			continue
		}
		region, ok := regions[r.OrgID]
		if !ok {
			o, err := getDoc[orgDoc](ctx, d.s, collOrgs, r.OrgID, "单位")
			if err != nil && !apperr.Is(err, apperr.KindNotFound) {
				return nil, err
			}
			region = o.Region
			regions[r.OrgID] = region
		}
		r.Region = region
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserID < out[j].UserID })
	return out, nil
}
