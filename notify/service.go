package notify

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
)

// Job names, for Kick and the scheduler (jobs.go).
const (
	JobDispatch       = "notify-dispatch"
	JobMail           = "notify-mail"
	JobWebhooks       = "notify-webhooks"
	JobQualifications = "notify-qualifications"
	JobPrune          = "notify-prune"
)

// Config wires the message centre.
type Config struct {
	Store     Store
	Directory Directory
	Hall      *hall.Service
	Registry  *registry.Registry
	// Mailer sends e-mail; nil means the platform sends none (no outbox
	// mails are written) and the preferences page says so.
	Mailer   Mailer
	SiteName string
	// BaseURL is the site's external address, for links in e-mails and
	// webhook bodies ("" gives site paths).
	BaseURL string
	Now     func() time.Time
	// Client makes the webhook requests (a 10-second timeout by default).
	Client *http.Client
	// Kick asks for a job to run soon instead of at its next tick (nil:
	// wait for the schedule). Observe kicks the dispatch, the dispatch
	// kicks the mail and webhook jobs.
	Kick   func(job string)
	Logger *slog.Logger
	// DirectoryTTL is how long the list of recipients is reused between
	// dispatches (a minute by default; negative: read it every time).
	DirectoryTTL time.Duration
	// DispatchBudget bounds one dispatch run; what is left waits for the
	// next (5 seconds by default, under the job's lease).
	DispatchBudget time.Duration
}

// Service is the message centre.
type Service struct {
	Config
	system registry.Actor

	dirMu   sync.Mutex
	dir     *recipients
	dirAt   time.Time
	unreadM sync.Mutex
	unread  map[string]unreadCount // user → cached count, for the header on every page
}

type unreadCount struct {
	n  int
	at time.Time
}

// unreadTTL is how long a cached unread count is trusted: writes in this
// process update it at once; those of another replica show within this.
const unreadTTL = 15 * time.Second

// NewService builds the message centre.
func NewService(c Config) *Service {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if c.DirectoryTTL == 0 {
		c.DirectoryTTL = time.Minute
	}
	if c.DispatchBudget == 0 {
		c.DispatchBudget = 5 * time.Second
	}
	if c.SiteName == "" {
		c.SiteName = "网上中介服务超市"
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return &Service{Config: c, system: registry.Actor{UserID: "system", Kind: registry.ActorAdmin}, unread: map[string]unreadCount{}}
}

// MailEnabled reports whether the platform sends e-mail at all.
func (s *Service) MailEnabled() bool { return s.Mailer != nil }

func (s *Service) kick(job string) {
	if s.Kick != nil {
		s.Kick(job)
	}
}

// ObserveHall is the hall's observer (hall.Config.Observe).
func (s *Service) ObserveHall(ctx context.Context, e hall.Event) {
	s.Observe(ctx, Event{ID: e.ID, Type: "project." + e.Kind, ProjectID: e.ProjectID, AgencyID: e.AgencyID, OwnerOrg: e.OwnerOrg,
		At: e.At, Data: e.Data})
}

// ObserveScoring is supervision's observer (scoring.Config.Observe): its
// notice kinds are already event types.
func (s *Service) ObserveScoring(ctx context.Context, e hall.Event) {
	s.Observe(ctx, Event{ID: e.ID, Type: e.Kind, ProjectID: e.ProjectID, AgencyID: e.AgencyID, OwnerOrg: e.OwnerOrg, At: e.At, Data: e.Data})
}

// ObserveRegistry is the registry's observer (Registry.SetObserver).
func (s *Service) ObserveRegistry(ctx context.Context, c registry.Change) {
	s.Observe(ctx, Event{ID: c.ID, Type: c.Kind, AgencyID: c.AgencyID, At: c.At,
		Data: map[string]string{"agency_name": c.Name, "region": c.Region, "note": c.Note}})
}

// Observe queues an event for fan-out. It is one insert by ID; events that
// concern nobody are not even queued. A failure is logged, never returned:
// the change that caused the event has been made.
func (s *Service) Observe(ctx context.Context, e Event) {
	if !s.relevant(e.Type) {
		return
	}
	if err := s.enqueue(context.WithoutCancel(ctx), e); err != nil {
		s.Logger.WarnContext(ctx, "notification event not queued", "event", e.ID, "type", e.Type, "error", err)
	}
}

// enqueue stores an event for the dispatch job and asks for a run.
func (s *Service) enqueue(ctx context.Context, e Event) error {
	e.ID = safeID(e.ID)
	if e.At.IsZero() {
		e.At = s.Now()
	}
	e.At = e.At.UTC()
	if err := s.Store.Enqueue(ctx, e); err != nil {
		return err
	}
	s.kick(JobDispatch)
	return nil
}

// safeID keeps IDs usable in URL paths.
func safeID(id string) string {
	return strings.NewReplacer("/", "~", "?", "~", "#", "~", " ", "_").Replace(id)
}

// relevant reports whether an event type can lead to a notification or a
// webhook delivery.
func (s *Service) relevant(t string) bool {
	switch t {
	case "project.created", "project.quoted", "project.quote_withdrawn":
		return false // private to the agency or the owner, who did it themselves
	}
	return true
}

// Dispatch fans queued events out to inboxes, the outbox and webhook
// queues, in order, within the run's budget. It returns how many events it
// finished.
func (s *Service) Dispatch(ctx context.Context) (int, error) {
	events, err := s.Store.Queued(ctx, 500)
	if err != nil || len(events) == 0 {
		return 0, err
	}
	dir, err := s.recipients(ctx)
	if err != nil {
		return 0, err
	}
	subs, err := s.Store.ListSubscriptions(ctx)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	n, mails, hooks := 0, 0, 0
	for _, e := range events {
		if n > 0 && time.Since(start) > s.DispatchBudget {
			s.kick(JobDispatch) // the rest in the next run
			break
		}
		m, h, err := s.fanOut(ctx, e, dir, subs)
		mails, hooks = mails+m, hooks+h
		if err != nil {
			return n, err
		}
		if err := s.Store.Dequeue(ctx, e.ID); err != nil {
			return n, err
		}
		n++
	}
	if mails > 0 {
		s.kick(JobMail)
	}
	if hooks > 0 {
		s.kick(JobWebhooks)
	}
	return n, nil
}

// fanOut delivers one event everywhere it goes; run again it adds nothing
// twice. It returns the mails and webhook deliveries it queued.
func (s *Service) fanOut(ctx context.Context, e Event, dir *recipients, subs []Subscription) (int, int, error) {
	notices, err := s.compose(ctx, e, dir)
	if err != nil {
		return 0, 0, err
	}
	// Mail and webhooks only for events younger than what their logs keep:
	// an event told again after its mail or delivery was pruned (a
	// re-emitted timeline, an old demo) must not go out a second time.
	age := s.Now().Sub(e.At)
	mailOK, hooksOK := age < mailKeep, age < deliveryKeep
	mails := 0
	seen := map[string]bool{}
	for _, nt := range notices {
		for _, r := range nt.to {
			if seen[r.UserID] {
				continue // one notification per user and event
			}
			seen[r.UserID] = true
			n := Notification{ID: e.ID + "@" + r.UserID, Kind: nt.kind, Event: e.Type, Title: nt.title, Body: nt.body, Link: nt.link, At: e.At}
			if err := s.deliverInApp(ctx, r.UserID, n); err != nil {
				return mails, 0, err
			}
			if !mailOK {
				continue
			}
			queued, err := s.queueMail(ctx, r, n)
			if err != nil {
				return mails, 0, err
			}
			if queued {
				mails++
			}
		}
	}
	if !hooksOK {
		return mails, 0, nil
	}
	hooks, err := s.queueWebhooks(ctx, e, subs)
	return mails, hooks, err
}

// deliverInApp adds a notification to a user's inbox unless it is there.
func (s *Service) deliverInApp(ctx context.Context, user string, n Notification) error {
	in, err := s.Store.UpdateInbox(ctx, user, func(in *Inbox) error {
		for _, x := range in.Items {
			if x.ID == n.ID {
				return errUnchanged // told before
			}
		}
		in.Items = insertNewestFirst(in.Items, n)
		trimInbox(in)
		in.Unread = countUnread(in.Items)
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	if err != nil {
		return err
	}
	s.setUnread(user, in.Unread)
	return nil
}

// insertNewestFirst puts n at its place by time (newest first; events are
// fanned out in order, so it is almost always the front).
func insertNewestFirst(items []Notification, n Notification) []Notification {
	i := sort.Search(len(items), func(i int) bool { return !items[i].At.After(n.At) })
	items = append(items, Notification{})
	copy(items[i+1:], items[i:])
	items[i] = n
	return items
}

// trimInbox keeps at most InboxCap items, dropping the oldest read ones
// first, then the oldest.
func trimInbox(in *Inbox) {
	for len(in.Items) > InboxCap {
		drop := len(in.Items) - 1
		for i := len(in.Items) - 1; i >= 0; i-- {
			if in.Items[i].Read() {
				drop = i
				break
			}
		}
		in.Items = append(in.Items[:drop], in.Items[drop+1:]...)
	}
}

func countUnread(items []Notification) int {
	n := 0
	for _, x := range items {
		if !x.Read() {
			n++
		}
	}
	return n
}

func (s *Service) setUnread(user string, n int) {
	s.unreadM.Lock()
	s.unread[user] = unreadCount{n: n, at: time.Now()}
	s.unreadM.Unlock()
}

// Unread is a user's unread count for the header of every page: from a
// short-lived cache, else one read by ID. Errors count as none.
func (s *Service) Unread(ctx context.Context, user string) int {
	if user == "" {
		return 0
	}
	s.unreadM.Lock()
	c, ok := s.unread[user]
	s.unreadM.Unlock()
	if ok && time.Since(c.at) < unreadTTL {
		return c.n
	}
	in, err := s.Store.GetInbox(ctx, user)
	if err != nil {
		return c.n
	}
	s.setUnread(user, in.Unread)
	return in.Unread
}

// Query filters a user's notifications.
type Query struct {
	Kind       Kind
	UnreadOnly bool
	Page       int
	PageSize   int
}

// List returns one page of a user's notifications, newest first, the total
// that match, and the unread count.
func (s *Service) List(ctx context.Context, user string, q Query) ([]Notification, int, int, error) {
	in, err := s.Store.GetInbox(ctx, user)
	if err != nil {
		return nil, 0, 0, err
	}
	s.setUnread(user, in.Unread)
	var hits []Notification
	for _, n := range in.Items {
		if (q.Kind == "" || n.Kind == q.Kind) && (!q.UnreadOnly || !n.Read()) {
			hits = append(hits, n)
		}
	}
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PageSize < 1 || q.PageSize > 100 {
		q.PageSize = 20
	}
	from := min((q.Page-1)*q.PageSize, len(hits))
	return hits[from:min(from+q.PageSize, len(hits))], len(hits), in.Unread, nil
}

// MarkRead marks the given notifications of a user read (all of them when
// ids is empty and all is true). It returns how many changed and the
// unread count after.
func (s *Service) MarkRead(ctx context.Context, user string, ids []string, all bool) (int, int, error) {
	if len(ids) == 0 && !all {
		return 0, 0, apperr.Invalid().Field("ids", "请选择要标为已读的消息")
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	now := s.Now().UTC()
	changed := 0
	in, err := s.Store.UpdateInbox(ctx, user, func(in *Inbox) error {
		changed = 0
		found := 0
		for i := range in.Items {
			n := &in.Items[i]
			if !all && !want[n.ID] {
				continue
			}
			found++
			if !n.Read() {
				n.ReadAt = now
				changed++
			}
		}
		if !all && found == 0 {
			return apperr.NotFound("消息")
		}
		if changed == 0 {
			return errUnchanged
		}
		in.Unread = countUnread(in.Items)
		return nil
	})
	if errors.Is(err, errUnchanged) {
		in, err = s.Store.GetInbox(ctx, user)
	}
	if err != nil {
		return 0, 0, err
	}
	s.setUnread(user, in.Unread)
	return changed, in.Unread, nil
}

// Open marks one notification read and returns it (the page then follows
// its link).
func (s *Service) Open(ctx context.Context, user, id string) (Notification, error) {
	if _, _, err := s.MarkRead(ctx, user, []string{id}, false); err != nil {
		return Notification{}, err
	}
	in, err := s.Store.GetInbox(ctx, user)
	if err != nil {
		return Notification{}, err
	}
	for _, n := range in.Items {
		if n.ID == id {
			return n, nil
		}
	}
	return Notification{}, apperr.NotFound("消息")
}

// errUnchanged stops a compare-and-swap that has nothing to write.
var errUnchanged = errors.New("unchanged")

// Preferences returns a user's choices.
func (s *Service) Preferences(ctx context.Context, user string) (Preferences, error) {
	return s.Store.GetPreferences(ctx, user)
}

// SetPreferences stores which kinds come by e-mail too; kinds not named
// keep their current choice.
func (s *Service) SetPreferences(ctx context.Context, user string, mail map[Kind]bool) (Preferences, error) {
	v := apperr.Invalid()
	for k := range mail {
		if _, ok := Info(k); !ok {
			v.Field("mail."+string(k), "没有这种消息类型")
		}
	}
	if err := v.OrNil(); err != nil {
		return Preferences{}, err
	}
	now := s.Now().UTC()
	return s.Store.UpdatePreferences(ctx, user, func(p *Preferences) error {
		if p.Mail == nil {
			p.Mail = map[Kind]bool{}
		}
		for k, on := range mail {
			p.Mail[k] = on
		}
		p.UpdatedAt = now
		return nil
	})
}
