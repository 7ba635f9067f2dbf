package mongostore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/dict"
	"github.com/klauspost/compress/zstd"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/notify"
	"github.com/agencyhall/agencyhall/registry"
)

func storedProject(id string) hall.Project {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	return hall.Project{ID: id, Round: 1, OwnerOrg: "owner:1", OwnerName: "兰州市城市建设投资有限公司", Name: "环境影响评价",
		ItemCode: "LX-001", State: hall.StateOpen, CeilingFen: 12_345_600, PublishedAt: at, CreatedAt: at,
		Signups:  []hall.Signup{{AgencyID: "agency:1", AgencyName: "甘肃第一环境咨询有限公司", At: at}},
		Timeline: []hall.Step{{At: at, Actor: "u1", Kind: hall.EventPublished, Data: map[string]string{"due_at": "2026-12-01"}}}}
}

// rawProject reads a project document as stored.
func rawProject(t *testing.T, s *Store, id string) bson.M {
	t.Helper()
	var m bson.M
	if err := s.coll(collProjects).FindOne(context.Background(), bson.D{{Key: "_id", Value: id}}).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestProjectStoredAsOneBody checks the stored form: the query fields at
// the top level, the project as one binary that decodes back to the same
// project.
func TestProjectStoredAsOneBody(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	h := s.Hall()
	p := storedProject("P1")
	if err := h.CreateProject(ctx, p); err != nil {
		t.Fatal(err)
	}
	m := rawProject(t, s, "P1")
	if m["state"] != "open" || m["owner_org"] != "owner:1" || m["version"] != int64(1) {
		t.Errorf("top-level fields: %v", m)
	}
	if _, ok := m["body"].(bson.Binary); !ok {
		t.Errorf("body is %T, want a binary", m["body"])
	}
	if _, ok := m["project"]; ok {
		t.Error("the old project sub-document is still written")
	}
	got, err := h.GetProject(ctx, "P1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != p.Name || got.Signups[0].AgencyName != p.Signups[0].AgencyName || got.Timeline[0].Data["due_at"] != "2026-12-01" ||
		!got.PublishedAt.Equal(p.PublishedAt) || got.Version != 1 {
		t.Errorf("read back %+v", got)
	}
}

// TestOldStoredFormIsReadAndRewritten stores a project the way earlier
// versions did (the project as a sub-document) and checks that it is read,
// that loading rewrites it in the current form at the same version, and
// that a writer holding that version can still swap it.
func TestOldStoredFormIsReadAndRewritten(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	h := s.Hall()
	p := storedProject("P1")
	old := bson.D{{Key: "_id", Value: "P1"}, {Key: "state", Value: "open"}, {Key: "owner_org", Value: "owner:1"},
		{Key: "project", Value: p}, {Key: "version", Value: int64(3)}}
	if _, err := s.coll(collProjects).InsertOne(ctx, old); err != nil {
		t.Fatal(err)
	}
	got, err := h.GetProject(ctx, "P1")
	if err != nil || got.Name != p.Name || got.Version != 3 {
		t.Fatalf("old form read as %+v, %v", got, err)
	}
	var loaded []hall.Project
	if err := h.EachProject(ctx, func(p hall.Project) error { loaded = append(loaded, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(loaded) != 1 || loaded[0].Name != p.Name || loaded[0].Timeline[0].Data["due_at"] != "2026-12-01" {
		t.Fatalf("loaded %+v", loaded)
	}
	s.waitRewrites()
	m := rawProject(t, s, "P1")
	if _, ok := m["body"].(bson.Binary); !ok || m["project"] != nil || m["version"] != int64(3) {
		t.Errorf("after the load the document is %v", m)
	}
	updated, err := h.UpdateProject(ctx, "P1", func(p *hall.Project) error { p.Name = "改名"; return nil })
	if err != nil || updated.Version != 4 || updated.Name != "改名" {
		t.Errorf("update after the rewrite: %+v, %v", updated, err)
	}
	stop := errors.New("stop")
	if err := h.EachProject(ctx, func(hall.Project) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("EachProject returned %v, want the callback's error", err)
	}
}

// TestOldStoredAgencyIsReadAndRewritten does for an agency what
// TestOldStoredFormIsReadAndRewritten does for a project: the form before
// body had every field at the top level.
func TestOldStoredAgencyIsReadAndRewritten(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	ag := registry.Agency{ID: "agency:1", Status: registry.StatusActive, Version: 2,
		Profile:  registry.Profile{USCC: "91620100MA00000001", Name: "甘肃第一环境咨询有限公司", Region: "620102"},
		Listings: []registry.Listing{{ItemCode: "LX-001", CommittedDays: 15}}}
	if _, err := s.coll(collAgencies).InsertOne(ctx, agencyBody(agencyToDoc(ag))); err != nil {
		t.Fatal(err)
	}
	var names []string
	if err := s.Agencies().EachAgency(ctx, func(a registry.Agency) error { names = append(names, a.Profile.Name); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != ag.Profile.Name {
		t.Fatalf("loaded %v", names)
	}
	s.waitRewrites()
	var m bson.M
	if err := s.coll(collAgencies).FindOne(ctx, bson.D{{Key: "_id", Value: ag.ID}}).Decode(&m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["body"].(bson.Binary); !ok || m["profile"] != nil || m["status"] != "active" || m["version"] != int64(2) {
		t.Errorf("after the load the document is %v", m)
	}
	got, err := s.Agencies().GetAgency(ctx, ag.ID)
	if err != nil || got.Profile.USCC != ag.Profile.USCC || got.Listings[0].CommittedDays != 15 || got.Version != 2 {
		t.Errorf("read back %+v, %v", got, err)
	}
}

// TestReadableShowsTheBody checks that a raw stored project reads with its
// body as a plain sub-document (what the sealed-quote scan looks through).
func TestReadableShowsTheBody(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	if err := s.Hall().CreateProject(ctx, storedProject("P1")); err != nil {
		t.Fatal(err)
	}
	var seen int
	err := s.EachRawDocument(ctx, collProjects, func(doc []byte) error {
		seen++
		plain, err := Readable(doc)
		if err != nil {
			return err
		}
		j, err := bson.MarshalExtJSON(bson.Raw(plain), false, false)
		if err != nil {
			return err
		}
		if !strings.Contains(string(j), "甘肃第一环境咨询有限公司") || !strings.Contains(string(j), `"ceilingfen":12345600`) {
			t.Errorf("readable form lacks the body's fields: %s", j)
		}
		if raw, _ := bson.MarshalExtJSON(bson.Raw(doc), false, false); strings.Contains(string(raw), "甘肃第一") {
			t.Error("the stored body is not compressed")
		}
		return nil
	})
	if err != nil || seen != 1 {
		t.Fatalf("%d documents: %v", seen, err)
	}
	same, err := Readable([]byte(mustMarshal(t, bson.D{{Key: "_id", Value: "x"}})))
	if err != nil || bson.Raw(same).Lookup("_id").StringValue() != "x" {
		t.Errorf("a document without a body: %v, %v", same, err)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := bson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOldStoredInboxIsRead reads an inbox stored before bodies (items at
// the top level) and checks that its next change stores it as a body.
func TestOldStoredInboxIsRead(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	old := inboxBody{ID: "u1", Unread: 1, Items: []notificationDoc{{ID: "e1@u1", Kind: "project", Event: "project.published", Title: "新项目", At: at}},
		DocVersion: DocVersion{Version: 4}}
	if _, err := s.coll(collInboxes).InsertOne(ctx, old); err != nil {
		t.Fatal(err)
	}
	n := s.Notify()
	in, err := n.GetInbox(ctx, "u1")
	if err != nil || in.Unread != 1 || len(in.Items) != 1 || in.Items[0].Title != "新项目" || in.Version != 4 {
		t.Fatalf("old inbox read as %+v, %v", in, err)
	}
	if _, err := n.UpdateInbox(ctx, "u1", func(in *notify.Inbox) error { in.Unread = 0; return nil }); err != nil {
		t.Fatal(err)
	}
	var m bson.M
	if err := s.coll(collInboxes).FindOne(ctx, bson.D{{Key: "_id", Value: "u1"}}).Decode(&m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["body"].(bson.Binary); !ok || m["items"] != nil || m["unread"] != int32(0) || m["version"] != int64(5) {
		t.Errorf("after a change the inbox is stored as %v", m)
	}
}

// frameDict returns the dictionary a stored body's zstd frame names.
func frameDict(t *testing.T, body any) uint32 {
	t.Helper()
	b, ok := body.(bson.Binary)
	if !ok {
		t.Fatalf("body is %T", body)
	}
	var h zstd.Header
	if err := h.Decode(b.Data); err != nil {
		t.Fatal(err)
	}
	return h.DictionaryID
}

// TestBodyWithoutTheDictionaryIsReadAndRewritten stores a project whose
// body was compressed without a dictionary, as before dictionaries, and
// checks that it reads, and that after a load it is stored with the
// current dictionary, smaller, at the same version.
func TestBodyWithoutTheDictionaryIsReadAndRewritten(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	h := s.Hall()
	p := storedProject("P1")
	raw, err := bson.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	before := plain.EncodeAll(raw, nil)
	doc := bson.D{{Key: "_id", Value: "P1"}, {Key: "state", Value: "open"}, {Key: "owner_org", Value: "owner:1"},
		{Key: "body", Value: bson.Binary{Subtype: bodyZstd, Data: before}}, {Key: "version", Value: int64(5)}}
	if _, err := s.coll(collProjects).InsertOne(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if got, err := h.GetProject(ctx, "P1"); err != nil || got.Name != p.Name || got.Version != 5 {
		t.Fatalf("read as %+v, %v", got, err)
	}
	if err := h.EachProject(ctx, func(hall.Project) error { return nil }); err != nil {
		t.Fatal(err)
	}
	s.waitRewrites()
	m := rawProject(t, s, "P1")
	if d := frameDict(t, m["body"]); d != currentBodyDict || m["version"] != int64(5) {
		t.Errorf("after the load: dictionary %d, version %v; want %d, 5", d, m["version"], currentBodyDict)
	}
	if after := m["body"].(bson.Binary).Data; len(after) >= len(before) {
		t.Errorf("with the dictionary the body is %d bytes, without %d", len(after), len(before))
	}
	if got, err := h.GetProject(ctx, "P1"); err != nil || got.Timeline[0].Data["due_at"] != "2026-12-01" {
		t.Errorf("read back %+v, %v", got, err)
	}
}

// TestBodyOfAnUnknownDictionaryIsRefused: a body naming a dictionary this
// build does not have (written by a newer one) is an error, not garbage.
func TestBodyOfAnUnknownDictionaryIsRefused(t *testing.T) {
	d, err := dict.BuildZstdDict([][]byte{[]byte(strings.Repeat("甘肃第一环境咨询有限公司 ", 200)), []byte(strings.Repeat("兰州市城市建设投资有限公司 ", 200))},
		dict.Options{MaxDictSize: 1 << 10, HashBytes: 6, ZstdDictID: 99})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderDict(d))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := bson.Marshal(storedProject("P1"))
	var p hall.Project
	_, err = decodeBody(bson.Binary{Subtype: bodyZstd, Data: enc.EncodeAll(raw, nil)}, &p)
	if err == nil || !strings.Contains(err.Error(), "decompress body") {
		t.Errorf("decode of a body with dictionary 99: %v", err)
	}
}
