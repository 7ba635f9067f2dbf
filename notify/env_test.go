package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

var srv *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &srv)) }

// clock is the platform's clock in these tests: set by hand, never slept on.
type clock struct{ ns atomic.Int64 }

func (c *clock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) Add(d time.Duration) { c.ns.Add(int64(d)) }

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, registry.Shanghai)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// recordingMailer keeps what it was asked to send.
type recordingMailer struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (m *recordingMailer) Send(_ context.Context, msg notify.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

func (m *recordingMailer) messages() []notify.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]notify.Message(nil), m.sent...)
}

// env is the platform's services on a fresh database, wired like serve
// wires them: the hall, supervision and the registry tell the message
// centre of their events.
type env struct {
	t       *testing.T
	ctx     context.Context
	store   *mongostore.Store
	clock   *clock
	auth    *auth.Service
	catalog *registry.Catalog
	reg     *registry.Registry
	hall    *hall.Service
	sup     *scoring.Service
	msg     *notify.Service
	mailer  *recordingMailer
	owner   registry.Actor
	reg620  registry.Actor // a regulator of 620100
}

const itemCode = "HP-001"

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st := srv.Store(t)
	e := &env{t: t, ctx: ctx, store: st, clock: &clock{}, mailer: &recordingMailer{}}
	e.clock.Set(at("2026-11-26 09:00"))
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.auth = auth.NewService(st.Auth(), auth.Options{Now: e.clock.Now, BcryptCost: bcrypt.MinCost})
	e.catalog = registry.NewCatalog(st.Catalog(), e.clock.Now)
	n := 0
	e.reg = registry.NewRegistry(st.Agencies(), e.catalog, e.clock.Now, func() string { n++; return fmt.Sprintf("id%04d", n) })
	sealer, err := hall.NewSealer(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	e.msg = notify.NewService(notify.Config{Store: st.Notify(), Directory: st.NotifyDirectory(), Registry: e.reg, Mailer: e.mailer,
		SiteName: "测试市网上中介服务超市", BaseURL: "https://zjcs.example.gov.cn", Now: e.clock.Now, Logger: quiet, DirectoryTTL: -1})
	e.hall = hall.NewService(hall.Config{Store: st.Hall(), Agencies: e.reg, Catalog: e.catalog, Sealer: sealer, Now: e.clock.Now,
		Observe: e.msg.ObserveHall})
	e.msg.Hall = e.hall
	e.sup = scoring.NewService(scoring.Config{Store: st.Scoring(), Alerts: st.Scoring(), Inspections: st.Scoring(), Registry: e.reg,
		Hall: e.hall, Now: e.clock.Now, Observe: e.msg.ObserveScoring})
	e.hall.Grade = e.sup.Grade
	e.reg.SetObserver(e.msg.ObserveRegistry)
	if _, err := e.catalog.Put(ctx, registry.ServiceItem{Code: itemCode, Name: "环境影响评价", Stage: registry.StagePlanning,
		ApprovalMatter: "建设项目环境影响评价审批", Department: "生态环境局", Qualifications: []string{"环评资质"}, QualMode: registry.QualAnyOf,
		FeeBasis: registry.FeeMarket, TimeLimitDays: 30, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.catalog.Put(ctx, registry.ServiceItem{Code: "CH-001", Name: "工程测量", Stage: registry.StagePlanning,
		ApprovalMatter: "建设工程规划许可", Department: "自然资源局", Qualifications: []string{"测绘资质"}, QualMode: registry.QualAnyOf,
		FeeBasis: registry.FeeMarket, TimeLimitDays: 30, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.reg.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.sup.Load(ctx); err != nil {
		t.Fatal(err)
	}
	ownerOrg := auth.Org{ID: "owner:lzxq", Kind: auth.OrgOwner, Name: "兰州新区城市发展投资集团有限公司", Region: "620102"}
	e.account(ownerOrg, "owner-a", "赵敏", "zhaomin@example.cn")
	e.owner = registry.Actor{UserID: "owner-a", OrgID: ownerOrg.ID, Kind: registry.ActorOwner}
	e.account(auth.Org{ID: "regulator:620100", Kind: auth.OrgRegulator, Name: "兰州市生态环境局", Region: "620100"}, "reg-lz", "李娜", "lina@example.cn")
	e.account(auth.Org{ID: "regulator:110000", Kind: auth.OrgRegulator, Name: "北京市生态环境局", Region: "110000"}, "reg-bj", "王刚", "wanggang@example.cn")
	e.reg620 = registry.Actor{UserID: "reg-lz", OrgID: "regulator:620100", Kind: registry.ActorRegulator}
	return e
}

// account creates an organisation's user.
func (e *env) account(org auth.Org, login, name, email string) {
	e.t.Helper()
	if _, err := e.auth.EnsureAccount(e.ctx, org, auth.User{ID: login, Name: name, Role: org.Kind.Role(), Email: email}, "correct-horse-battery"); err != nil {
		e.t.Fatalf("account %s: %v", login, err)
	}
}

// uscc completes a credit code.
func uscc(t testing.TB, head string) string {
	c, ok := registry.USCCCheckChar(head)
	if !ok {
		t.Fatalf("bad USCC head %q", head)
	}
	return head + string(c)
}

// agency registers and admits an agency with one user, listing items, in
// a region, with a qualification valid until validTo.
func (e *env) agency(login, name, stem, region string, validTo registry.Date, items ...string) string {
	e.t.Helper()
	code := uscc(e.t, stem)
	id := auth.OrgID(auth.OrgAgency, code)
	e.account(auth.Org{ID: id, Kind: auth.OrgAgency, Name: name, USCC: code, Region: region}, login, "联系人"+login, login+"@example.cn")
	who := registry.Actor{UserID: login, OrgID: id, Kind: registry.ActorAgency}
	var listings []registry.Listing
	for _, it := range items {
		listings = append(listings, registry.Listing{ItemCode: it, CommittedDays: 20})
	}
	quals := []registry.Qualification{{Type: "环评资质", CertNo: "HP-" + login, ValidFrom: registry.Date{Y: 2024, M: 1, D: 1}, ValidTo: validTo, FileID: "f-" + login},
		{Type: "测绘资质", CertNo: "CH-" + login, ValidFrom: registry.Date{Y: 2024, M: 1, D: 1}, ValidTo: registry.Date{Y: 2099, M: 1, D: 1}, FileID: "g-" + login}}
	steps := []func() error{
		func() error { _, err := e.reg.StartApplication(e.ctx, who, registry.Profile{}); return err },
		func() error {
			_, err := e.reg.SaveApplication(e.ctx, who, id, registry.ApplicationInput{Profile: registry.Profile{USCC: code, Name: name,
				LegalRep: "法人" + login, Region: region, Qualifications: quals}, Listings: listings})
			return err
		},
		func() error { _, err := e.reg.AcceptCommitment(e.ctx, who, id); return err },
		func() error { _, err := e.reg.Submit(e.ctx, who, id); return err },
		func() error { _, err := e.reg.Review(e.ctx, e.reg620, id, registry.MoveApprove, ""); return err },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			e.t.Fatalf("admit %s: %v", name, err)
		}
	}
	return id
}

// dispatch runs the dispatch job until the queue is empty.
func (e *env) dispatch() {
	e.t.Helper()
	for i := 0; i < 20; i++ {
		n, err := e.msg.Dispatch(e.ctx)
		if err != nil {
			e.t.Fatalf("dispatch: %v", err)
		}
		if n == 0 {
			return
		}
	}
	e.t.Fatal("dispatch never drained the queue")
}

// inbox returns a user's notifications, newest first.
func (e *env) inbox(user string) []notify.Notification {
	e.t.Helper()
	in, err := e.store.Notify().GetInbox(e.ctx, user)
	if err != nil {
		e.t.Fatal(err)
	}
	return in.Items
}

// titles lists a user's notification titles, oldest first.
func (e *env) titles(user string) []string {
	items := e.inbox(user)
	out := make([]string, 0, len(items))
	for i := len(items) - 1; i >= 0; i-- {
		out = append(out, items[i].Title)
	}
	return out
}

// hasTitle reports whether a user has a notification whose title starts so.
func (e *env) hasTitle(user, prefix string) bool {
	for _, n := range e.inbox(user) {
		if strings.HasPrefix(n.Title, prefix) {
			return true
		}
	}
	return false
}

// projectInput is a lowest-price project with social funding.
func projectInput(name string) hall.ProjectInput {
	return hall.ProjectInput{Name: name, ItemCode: itemCode, Region: "620102", Funding: hall.FundingSocial,
		CeilingFen: 500_000_00, FloorFen: 100_000_00, TimeLimitDays: 25, Method: hall.MethodLowest,
		SignupDeadline: at("2026-12-03 17:00"), OpeningTime: at("2026-12-03 18:00"), ComplaintContact: "兰州新区政务服务中心"}
}

// publish creates and publishes a project as the owner.
func (e *env) publish(in hall.ProjectInput) hall.Project {
	e.t.Helper()
	p, err := e.hall.Create(e.ctx, e.owner, "兰州新区城市发展投资集团有限公司", in)
	if err == nil {
		p, err = e.hall.Publish(e.ctx, e.owner, p.ID)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func authOrg(id, name string) auth.Org {
	return auth.Org{ID: id, Kind: auth.OrgOwner, Name: name, Region: "620302"}
}

func agencyActor(login, id string) registry.Actor {
	return registry.Actor{UserID: login, OrgID: id, Kind: registry.ActorAgency}
}
