package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/web"
)

// malformedEnv is the API with one of everything a write endpoint acts
// on, so that a bad body reaches the endpoint's validation rather than a
// 404: accounts of every role, an admitted agency, projects in draft, open
// and criteria-scoring states, complaints, a sanction, an appeal, an alert,
// an inspection plan and an uploaded file.
type malformedEnv struct {
	*supEnv
	clients map[string]*client // by role name: admin, regulator, owner, agency, anon
	ids     map[string]string  // fixture ids by placeholder name
}

func newMalformedEnv(t *testing.T) *malformedEnv {
	t.Helper()
	s := newSupEnv(t)
	// The message centre too, on the same stores and clock.
	n := notify.NewService(notify.Config{Store: s.store.Notify(), Directory: s.store.NotifyDirectory(), Hall: s.hall,
		Registry: s.registry, Now: s.clk.now})
	s.app = web.New(web.Config{Auth: s.auth, Audit: s.audit, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: s.clk.now})
	Register(s.app, Deps{Auth: s.auth, Audit: s.audit, Catalog: s.catalog, Registry: s.registry, Files: s.files, Hall: s.hall,
		Scoring: s.sup, Notify: n, Version: "test", Ping: s.store.Ping, Now: s.clk.now})
	m := &malformedEnv{supEnv: s, clients: map[string]*client{}, ids: map[string]string{}}
	agency, agencyID := s.agency(1, until2029)
	other, otherID := s.agency(2, until2029)
	m.clients["agency"], m.ids["agency"], m.ids["other"] = agency, agencyID, otherID
	m.ids["agency_uscc"] = strings.TrimPrefix(agencyID, "agency:")
	m.clients["admin"] = s.as("admin1", auth.RoleAdmin)
	m.clients["regulator"] = s.as("reg1", auth.RoleRegulator)
	m.clients["owner"] = s.as("owner1", auth.RoleOwner)
	m.clients["anon"] = s.client()
	owner, reg := m.clients["owner"], m.clients["regulator"]

	// A scoring project whose opening is due on 12-04, with two quotes.
	scoring := projectBody("scoring")
	scoring["funding"] = "social"
	scoring["signup_deadline"], scoring["opening_time"] = "2026-12-03T17:00:00+08:00", "2026-12-04T09:30:00+08:00"
	scoring["weights"] = map[string]any{"price": 60, "credit": 30, "criteria": []map[string]any{{"name": "技术方案", "max": 10}}}
	m.ids["scoring"] = m.publish(owner, scoring)
	for i, c := range []*client{agency, other} {
		c.do("POST", "/api/v1/projects/"+m.ids["scoring"]+"/signup", nil).want(http.StatusOK)
		c.do("POST", "/api/v1/projects/"+m.ids["scoring"]+"/quote", map[string]any{"amount_fen": 300_000_00 + int64(i)}).want(http.StatusOK)
	}
	// An open project (deadline far off) the agency signed up for, and a draft.
	open := projectBody("lowest")
	open["signup_deadline"], open["opening_time"] = "2026-12-21T17:00:00+08:00", "2026-12-22T09:30:00+08:00"
	m.ids["project"] = m.publish(owner, open)
	agency.do("POST", "/api/v1/projects/"+m.ids["project"]+"/signup", nil).want(http.StatusOK)
	var draft projectDTO
	owner.do("POST", "/api/v1/projects", projectBody("random")).want(http.StatusOK).decode(&draft)
	m.ids["draft"] = draft.ID

	// Complaints: one by the owner (withdraw, response, move), one by the
	// public that is substantiated, scored and appealed.
	var c complaintDTO
	mine := publicComplaint(agencyID)
	delete(mine, "name")
	delete(mine, "phone")
	owner.do("POST", "/api/v1/complaints", mine).want(http.StatusOK).decode(&c)
	m.ids["complaint"] = c.ID
	m.clients["anon"].do("POST", "/api/v1/complaints", publicComplaint(agencyID)).want(http.StatusOK).decode(&c)
	mv := "/api/v1/supervision/complaints/" + c.ID + "/move"
	reg.do("POST", mv, map[string]any{"to": "accepted"}).want(http.StatusOK)
	reg.do("POST", mv, map[string]any{"to": "investigating"}).want(http.StatusOK)
	reg.do("POST", mv, map[string]any{"to": "substantiated", "severity": "minor", "note": "经核查属实"}).want(http.StatusOK)
	s.score()
	var card creditDTO
	agency.do("GET", "/api/v1/my/credit", nil).want(http.StatusOK).decode(&card)
	if len(card.Items) == 0 {
		t.Fatalf("no line items to appeal: %+v", card)
	}
	m.ids["line_item"] = card.Items[0].ID
	var ap appealDTO
	agency.do("POST", "/api/v1/my/appeals", map[string]any{"line_item_id": card.Items[0].ID, "reason": "监测数据系业主提供，本机构已注明来源"}).
		want(http.StatusOK).decode(&ap)
	m.ids["appeal"] = ap.ID

	var x sanctionDTO
	reg.do("POST", "/api/v1/supervision/sanctions", map[string]any{"agency_id": otherID, "kind": "warning", "cause": "报告编制不规范"}).
		want(http.StatusOK).decode(&x)
	m.ids["sanction"] = x.ID
	var plan inspectionDTO
	reg.do("POST", "/api/v1/supervision/inspections", map[string]any{"name": "2026 年第四季度抽查", "sample_size": 1,
		"inspectors": []string{"张检查", "李检查"}}).want(http.StatusOK).decode(&plan)
	m.ids["inspection"] = plan.ID
	m.ids["file"] = agency.uploadFile("qualification")
	m.ids["deliverable"] = agency.uploadFile("deliverable")
	m.ids["contract_file"] = owner.uploadFile("contract")

	// 12-04: the scoring project is opened and waits for criteria scores;
	// the owner's complaint, never accepted, has raised an alert.
	s.clk.set(bj("2026-12-04 10:00"))
	var p projectDTO
	s.client().do("GET", "/api/v1/projects/"+m.ids["scoring"], nil).want(http.StatusOK).decode(&p)
	if p.State != "opening" {
		t.Fatalf("scoring project in state %s", p.State)
	}
	if _, err := s.sup.RunAlerts(context.Background()); err != nil {
		t.Fatal(err)
	}
	var alerts listPage[alertDTO]
	reg.do("GET", "/api/v1/supervision/alerts", nil).want(http.StatusOK).decode(&alerts)
	for _, a := range alerts.Items {
		if a.ObjectID == m.ids["complaint"] {
			m.ids["alert"] = a.ID
		}
	}
	if m.ids["alert"] == "" {
		t.Fatalf("no alert for complaint %s: %+v", m.ids["complaint"], alerts.Items)
	}
	var hook struct {
		ID string `json:"id"`
	}
	m.clients["admin"].do("POST", "/api/v1/admin/webhooks", validWebhook).want(http.StatusCreated).decode(&hook)
	m.ids["webhook"] = hook.ID
	var tokens createTokenResponse
	agency.do("POST", "/api/v1/me/tokens", map[string]any{"name": "测试令牌"}).want(http.StatusOK).decode(&tokens)
	m.ids["token"] = tokens.Token.ID
	m.ids["user"] = "agency2"
	m.ids["rule"] = "complaint_minor"
	m.ids["item"] = hallItem
	return m
}

// publish creates and publishes a project from a body and returns its id.
func (m *malformedEnv) publish(owner *client, body map[string]any) string {
	m.t.Helper()
	var p projectDTO
	owner.do("POST", "/api/v1/projects", body).want(http.StatusOK).decode(&p)
	owner.do("POST", "/api/v1/projects/"+p.ID+"/publish", nil).want(http.StatusOK).decode(&p)
	if p.State != "open" {
		m.t.Fatalf("published project in state %s", p.State)
	}
	return p.ID
}

// path fills the placeholders {name} of a route's path with fixture ids.
func (m *malformedEnv) path(p string) string {
	for k, v := range m.ids {
		p = strings.ReplaceAll(p, "{"+k+"}", v)
	}
	if strings.Contains(p, "{") {
		m.t.Fatalf("no fixture for %s", p)
	}
	return p
}

// dump is every document of every collection (sorted, as canonical
// extended JSON) and every stored file blob, for a before/after comparison.
func (m *malformedEnv) dump() map[string][]string {
	m.t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	for _, coll := range mongostore.CollectionNames() {
		var docs []string
		err := m.store.EachRawDocument(ctx, coll, func(doc []byte) error {
			b, err := bson.MarshalExtJSON(bson.Raw(doc), true, false)
			docs = append(docs, string(b))
			return err
		})
		if err != nil {
			m.t.Fatalf("dump %s: %v", coll, err)
		}
		sort.Strings(docs)
		out[coll] = docs
	}
	var blobs []string
	_ = filepath.WalkDir(m.fileDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			blobs = append(blobs, fmt.Sprintf("%s %d", strings.TrimPrefix(path, m.fileDir), info.Size()))
		}
		return nil
	})
	sort.Strings(blobs)
	out["(files)"] = blobs
	return out
}

// dumpDiff describes what changed between two dumps ("" when nothing).
func dumpDiff(before, after map[string][]string) string {
	var b bytes.Buffer
	names := make([]string, 0, len(after))
	for k := range after {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, coll := range names {
		old := map[string]bool{}
		for _, d := range before[coll] {
			old[d] = true
		}
		now := map[string]bool{}
		for _, d := range after[coll] {
			now[d] = true
			if !old[d] {
				fmt.Fprintf(&b, "%s: + %.600s\n", coll, d)
			}
		}
		for _, d := range before[coll] {
			if !now[d] {
				fmt.Fprintf(&b, "%s: - %.600s\n", coll, d)
			}
		}
	}
	return b.String()
}
