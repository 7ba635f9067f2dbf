package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/agencyhall/agencyhall/audit"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/web"
)

// The world of the object-level access tests and the sealed-quote scan:
// the whole app (as serve builds it) on a settable clock, with its log
// captured, and real parties — two owners, four admitted agencies, a
// regulator of the city (620100, Lanzhou) and one of another city
// (620200, Jiayuguan), the platform admin — all created through the
// domain services, as in production.

// worldClock is the app's clock in these tests.
type worldClock struct{ ns atomic.Int64 }

func (c *worldClock) now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *worldClock) set(t time.Time) { c.ns.Store(t.UnixNano()) }

// beijing is a Beijing time "2006-01-02 15:04".
func beijing(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, registry.Shanghai)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// worldUser is one logged-in (or anonymous) party of the world.
type worldUser struct {
	name  string // for messages
	login string // "" for anonymous visitors
	org   string // the organisation ID
	*caller
}

const (
	worldItem       = "TS-HP-01"
	worldRegion     = "620105" // the region of the main project
	reviewRegion    = "620102" // announcements of this district go to review first
	farRegion       = "620200" // 嘉峪关市: the other city's regulator
	worldPassword   = testPassword
	worldOCDSPrefix = "ocds-zjcs00" // serve's default OCID prefix
)

type world struct {
	*fullApp
	t     *testing.T
	clk   *worldClock
	logs  *lockedBuffer
	anon  *worldUser
	admin *worldUser
	// owners[0] owns the projects; owners[1] is another owner.
	owners [2]*worldUser
	// agencies A, B, C, D: A–C take part in the main project, D does not.
	agencies [4]*worldUser
	// regIn regulates the city (620100); regOut another city (620200).
	regIn, regOut *worldUser
	// qualFiles are the agencies' qualification certificates (file IDs).
	qualFiles [4]string
}

// newWorld builds the app at 2026-11-26 09:00 (Beijing) with its parties.
func newWorld(t *testing.T) *world {
	t.Helper()
	clk := &worldClock{}
	clk.set(beijing("2026-11-26 09:00"))
	logs := &lockedBuffer{}
	st := testDB.Store(t)
	bucket, err := files.OpenBucket(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bucket.Close() })
	svc, err := newServices(serviceDeps{store: st, bucket: bucket, quoteKey: bytes.Repeat([]byte{7}, 32), now: clk.now,
		bcryptCost: bcrypt.MinCost, reviewRegions: []string{reviewRegion}})
	if err != nil {
		t.Fatal(err)
	}
	// Everything the process logs goes to the buffer: the app's logger and
	// the default one (services that log on their own).
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	prev := slog.Default()
	slog.SetDefault(log)
	t.Cleanup(func() { slog.SetDefault(prev) })
	app := newApp(st, svc, appOptions{log: log, siteName: "测试市网上中介服务超市", region: "620100", now: clk.now})
	if err := bootstrapAdmin(context.Background(), svc.auth, worldPassword, false, io.Discard); err != nil {
		t.Fatal(err)
	}
	w := &world{fullApp: &fullApp{t: t, app: app, store: st, svc: svc}, t: t, clk: clk, logs: logs}
	w.seed()
	return w
}

// uscc completes a credit code from its first 17 characters.
func worldUSCC(t *testing.T, head string) string {
	c, ok := registry.USCCCheckChar(head)
	if !ok {
		t.Fatalf("bad USCC head %q", head)
	}
	return head + string(c)
}

func (w *world) account(org auth.Org, login, name string) *worldUser {
	w.t.Helper()
	if _, err := w.svc.auth.EnsureAccount(context.Background(), org, auth.User{ID: login, Name: name}, worldPassword); err != nil {
		w.t.Fatalf("create %s: %v", login, err)
	}
	return &worldUser{name: name, login: login, org: org.ID}
}

// seed creates the catalog item and the parties, and logs everybody in.
func (w *world) seed() {
	ctx := context.Background()
	t := w.t
	if _, err := w.svc.catalog.Put(ctx, registry.ServiceItem{Code: worldItem, Name: "建设项目环境影响评价", Stage: registry.StageInitiation,
		Qualifications: []string{"环评能力"}, QualMode: registry.QualAnyOf, FeeBasis: registry.FeeMarket, TimeLimitDays: 30, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.load(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	w.anon = &worldUser{name: "公众", caller: anonymous()}
	w.admin = &worldUser{name: "平台管理员", login: "admin", org: "platform"}
	for i, o := range []struct{ head, name, region string }{
		{"91620102MA71XK3L0", "兰州新区城市发展投资集团有限公司", "620102"},
		{"91620103MA72PQ8R0", "兰州市城市建设投资有限公司", "620103"},
	} {
		uscc := worldUSCC(t, o.head)
		org := auth.Org{ID: auth.OrgID(auth.OrgOwner, uscc), Kind: auth.OrgOwner, Name: o.name, USCC: uscc, Region: o.region}
		w.owners[i] = w.account(org, fmt.Sprintf("owner%d", i+1), fmt.Sprintf("业主%d", i+1))
	}
	w.regIn = w.account(auth.Org{ID: "regulator:620100:city", Kind: auth.OrgRegulator, Name: "兰州市政务服务中心", Region: "620100"}, "reg-city", "监管甲")
	w.regOut = w.account(auth.Org{ID: "regulator:620200:far", Kind: auth.OrgRegulator, Name: "嘉峪关市政务服务中心", Region: farRegion}, "reg-far", "监管乙")
	for i := range w.agencies {
		w.agencies[i], w.qualFiles[i] = w.admitAgency(i, "620102")
	}
	w.relogin()
}

// admitAgency registers agency i (A, B, C, D …) with a qualification for
// the world's item and admits it, as an agency and a regulator would.
func (w *world) admitAgency(i int, region string) (*worldUser, string) {
	ctx := context.Background()
	t := w.t
	uscc := worldUSCC(t, fmt.Sprintf("91620102MA74AG%03d", i))
	name := fmt.Sprintf("甘肃%s环境工程咨询有限公司", []string{"甲", "乙", "丙", "丁", "戊", "己"}[i])
	org := auth.Org{ID: auth.OrgID(auth.OrgAgency, uscc), Kind: auth.OrgAgency, Name: name, USCC: uscc, Region: region,
		Contact: "经办人", Phone: fmt.Sprintf("0931-81%05d", i)}
	u := w.account(org, fmt.Sprintf("agency-%c", 'a'+i), "经办人"+string(rune('A'+i)))
	who := registry.Actor{UserID: u.login, OrgID: org.ID, Kind: registry.ActorAgency}
	prof := registry.Profile{USCC: uscc, Name: name, LegalRep: "张" + string(rune('一'+i)), Region: region,
		Address: fmt.Sprintf("甘肃省兰州市城关区庆阳路%d号", 100+i), Contact: org.Contact, Phone: org.Phone}
	if _, err := w.svc.registry.StartApplication(ctx, who, prof); err != nil {
		t.Fatal(err)
	}
	m, err := w.svc.files.Upload(ctx, org.ID, u.login, "qualification", "环评资质证书.pdf", bytes.NewReader(worldPDF("certificate "+name)))
	if err != nil {
		t.Fatal(err)
	}
	prof.Qualifications = []registry.Qualification{{Type: "环评能力", Level: "乙级", CertNo: fmt.Sprintf("HP-%04d", i), Issuer: "甘肃省生态环境厅",
		FileID: m.ID, ValidFrom: registry.Date{Y: 2024, M: 1, D: 1}, ValidTo: registry.Date{Y: 2029, M: 1, D: 1}}}
	in := registry.ApplicationInput{Profile: prof, Listings: []registry.Listing{{ItemCode: worldItem, CommittedDays: 20, FeeNote: "按市场价协商"}},
		Practitioners: []registry.PractitionerInput{{Name: "李" + string(rune('一'+i)), Certificate: fmt.Sprintf("环评工程师 HP%05d", i),
			IDNumber: fmt.Sprintf("62010219850%d011234", i)}}}
	if _, err := w.svc.registry.SaveApplication(ctx, who, org.ID, in); err != nil {
		t.Fatalf("application %d: %v", i, err)
	}
	if _, err := w.svc.registry.AcceptCommitment(ctx, who, org.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.registry.Submit(ctx, who, org.ID); err != nil {
		t.Fatal(err)
	}
	if i < 4 { // the fifth and later stay pending: a review for the regulators' checks
		if _, err := w.svc.registry.Review(ctx, registry.Actor{UserID: "reg-city", Kind: registry.ActorRegulator, Region: "620100"},
			org.ID, registry.MoveApprove, ""); err != nil {
			t.Fatal(err)
		}
	}
	return u, m.ID
}

// worldPDF is a small complete PDF.
func worldPDF(title string) []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
		"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n% " + title + "\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// users are every party, the anonymous visitor first.
func (w *world) users() []*worldUser {
	out := []*worldUser{w.anon, w.admin, w.owners[0], w.owners[1]}
	out = append(out, w.agencies[:]...)
	return append(out, w.regIn, w.regOut)
}

// principal is the user's identity as the access rules see it.
func (w *world) principal(u *worldUser) auth.Principal {
	if u.login == "" {
		return auth.Principal{}
	}
	role := map[string]auth.Role{"owner": auth.RoleOwner, "agency": auth.RoleAgency, "regulator": auth.RoleRegulator}[strings.SplitN(u.org, ":", 2)[0]]
	if u.login == "admin" {
		role = auth.RoleAdmin
	}
	return auth.Principal{UserID: u.login, Role: role, OrgID: u.org}
}

// relogin opens fresh sessions for everybody (sessions last 12 hours, and
// the tests move the clock by days).
func (w *world) relogin() {
	for _, u := range w.users() {
		if u.login != "" {
			u.caller = w.login(u.login)
		}
	}
}

// at moves the clock and logs everybody in again.
func (w *world) at(when string) {
	w.clk.set(beijing(when))
	w.relogin()
}

// call sends a JSON request (nil body: none) or, for page routes (paths
// without /api/), a form with the caller's CSRF token.
func (w *world) call(u *worldUser, method, path string, body any) *httptest.ResponseRecorder {
	w.t.Helper()
	if !strings.HasPrefix(path, "/api/") && method != http.MethodGet {
		form := url.Values{web.CSRFField: {u.csrf}}
		if m, ok := body.(map[string]string); ok {
			for k, v := range m {
				form.Set(k, v)
			}
		}
		return w.do(u.caller, method, path, "application/x-www-form-urlencoded", form.Encode())
	}
	if body == nil {
		return w.do(u.caller, method, path, "", "")
	}
	b, err := json.Marshal(body)
	if err != nil {
		w.t.Fatal(err)
	}
	return w.do(u.caller, method, path, "application/json", string(b))
}

// must sends a request that has to succeed and decodes a JSON answer.
func (w *world) must(u *worldUser, method, path string, body, out any) {
	w.t.Helper()
	rec := w.call(u, method, path, body)
	if rec.Code >= 300 && rec.Code != http.StatusSeeOther {
		w.t.Fatalf("%s %s as %s: %d %s", method, path, u.name, rec.Code, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			w.t.Fatalf("%s %s: decode: %v", method, path, err)
		}
	}
}

// upload posts a file to /api/v1/files and returns its ID.
func (w *world) upload(u *worldUser, purpose, name string, data []byte) string {
	w.t.Helper()
	rec := w.uploadRaw(u, purpose, name, data)
	if rec.Code != http.StatusOK {
		w.t.Fatalf("upload %s as %s: %d %s", name, u.name, rec.Code, rec.Body)
	}
	var f struct{ ID string }
	_ = json.Unmarshal(rec.Body.Bytes(), &f)
	return f.ID
}

func (w *world) uploadRaw(u *worldUser, purpose, name string, data []byte) *httptest.ResponseRecorder {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.WriteField("purpose", purpose)
	mw.Close()
	return w.do(u.caller, http.MethodPost, "/api/v1/files", mw.FormDataContentType(), buf.String())
}

// projectInput is a lowest-price project of the world's item: sign-up
// until 2026-12-02 17:00, opening 2026-12-03 09:30.
func projectInput(name, region string) map[string]any {
	return map[string]any{"name": name, "item_code": worldItem, "region": region, "funding": "fiscal",
		"ceiling_fen": 500_000_00, "floor_fen": 100_000_00, "time_limit_days": 25, "method": "lowest",
		"signup_deadline": "2026-12-02T17:00:00+08:00", "opening_time": "2026-12-03T09:30:00+08:00",
		"complaint_contact": "兰州市政务服务中心 0931-8888888"}
}

type worldProject struct {
	ID    string `json:"id"`
	State string `json:"state"`
}

// createProject creates a draft of owners[0] and publishes it unless draft.
func (w *world) createProject(name, region string, publish bool) string {
	w.t.Helper()
	var p worldProject
	w.must(w.owners[0], "POST", "/api/v1/projects", projectInput(name, region), &p)
	if publish {
		w.must(w.owners[0], "POST", "/api/v1/projects/"+p.ID+"/publish", nil, &p)
	}
	return p.ID
}

// auditRecords reads the whole audit log.
func (w *world) auditRecords() []audit.Record {
	w.t.Helper()
	var all []audit.Record
	if err := w.store.Audit().Each(context.Background(), func(r audit.Record) error { all = append(all, r); return nil }); err != nil {
		w.t.Fatal(err)
	}
	return all
}

// refusalsOf are the refused attempts recorded for a user on a path.
func refusalsOf(recs []audit.Record, login, path string) int {
	n := 0
	for _, r := range recs {
		if r.Action == web.DeniedAction && r.ActorID == login && r.Target == path {
			n++
		}
	}
	return n
}

// checkChain verifies the audit hash chain.
func (w *world) checkChain() int64 {
	w.t.Helper()
	v, err := audit.Verify(context.Background(), w.store.Audit())
	if err != nil {
		w.t.Fatal(err)
	}
	if !v.OK() {
		w.t.Fatalf("audit chain broken: %+v", v)
	}
	return v.Count
}

// contains reports whether any of the needles is in s.
func containsAny(s string, needles []string) (string, bool) {
	i := slices.IndexFunc(needles, func(n string) bool { return n != "" && strings.Contains(s, n) })
	if i < 0 {
		return "", false
	}
	return needles[i], true
}
