package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"testing"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// supEnv is the API with supervision, a real registry and a hall, all on
// one settable clock (like scoring's own test fixture).
type supEnv struct {
	*env
	clk  *hallClock
	hall *hall.Service
	sup  *scoring.Service
}

func newSupEnv(t *testing.T) *supEnv {
	t.Helper()
	ctx := context.Background()
	s := &supEnv{env: newEnv(t), clk: &hallClock{}}
	s.clk.set(bj("2026-11-26 09:00"))
	s.catalog = registry.NewCatalog(s.store.Catalog(), s.clk.now)
	if _, err := s.catalog.Put(ctx, registry.ServiceItem{Code: hallItem, Name: "环境影响评价", Stage: registry.StageInitiation,
		QualMode: registry.QualAnyOf, Qualifications: []string{"环评能力"}, FeeBasis: registry.FeeMarket, TimeLimitDays: 30, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	s.registry = registry.NewRegistry(s.store.Agencies(), s.catalog, s.clk.now, func() string { return rand.Text()[:16] })
	if err := s.registry.Load(ctx); err != nil {
		t.Fatal(err)
	}
	sealer, err := hall.NewSealer(bytes.Repeat([]byte{5}, 32))
	if err != nil {
		t.Fatal(err)
	}
	s.hall = hall.NewService(hall.Config{Store: s.store.Hall(), Agencies: s.registry, Catalog: s.catalog, Sealer: sealer, Now: s.clk.now,
		Grade: func(a string) string { return s.sup.Grade(a) }})
	s.sup = scoring.NewService(scoring.Config{Store: s.store.Scoring(), Alerts: s.store.Scoring(), Inspections: s.store.Scoring(),
		Registry: s.registry, Hall: s.hall, Now: s.clk.now})
	if err := s.sup.Load(ctx); err != nil {
		t.Fatal(err)
	}
	s.app = newTestWeb(s.env, s.clk.now, s.hall.PublicGeneration)
	Register(s.app, Deps{Auth: s.auth, Audit: s.audit, Catalog: s.catalog, Registry: s.registry, Files: s.files, Hall: s.hall,
		Scoring: s.sup, Version: "test", Ping: s.store.Ping, Now: s.clk.now})
	return s
}

// as creates an account of a role and logs it in.
func (s *supEnv) as(login string, role auth.Role) *client {
	s.t.Helper()
	s.account(login, role)
	c := s.client()
	c.login(login, testPassword)
	return c
}

// agency creates agency number i: an account, its organisation and an
// admitted registry record qualified for the test item until validTo.
func (s *supEnv) agency(i int, validTo registry.Date) (*client, string) {
	s.t.Helper()
	ctx := context.Background()
	uscc := validUSCC(s.t, fmt.Sprintf("91620102MA73QW8N%d", i))
	org := auth.Org{ID: auth.OrgID(auth.OrgAgency, uscc), Kind: auth.OrgAgency, Name: fmt.Sprintf("甘肃第%d环境咨询有限公司", i),
		USCC: uscc, Region: "620102"}
	login := fmt.Sprintf("agency%d", i)
	if _, err := s.auth.EnsureAccount(ctx, org, auth.User{ID: login, Name: "经办人", Role: auth.RoleAgency}, testPassword); err != nil {
		s.t.Fatal(err)
	}
	ag := registry.Actor{UserID: login, OrgID: org.ID, Kind: registry.ActorAgency}
	regul := registry.Actor{UserID: "reviewer", OrgID: "regulator:x", Kind: registry.ActorRegulator}
	for _, step := range []func() error{
		func() error { _, err := s.registry.StartApplication(ctx, ag, registry.Profile{}); return err },
		func() error {
			_, err := s.registry.SaveApplication(ctx, ag, org.ID, registry.ApplicationInput{
				Profile: registry.Profile{USCC: uscc, Name: org.Name, LegalRep: "李静", Region: "620102", Phone: fmt.Sprintf("0931-888800%d", i),
					Qualifications: []registry.Qualification{{Type: "环评能力", CertNo: fmt.Sprint("HP-", i), ValidFrom: registry.Date{Y: 2025, M: 1, D: 1},
						ValidTo: validTo, FileID: "f"}}},
				Listings: []registry.Listing{{ItemCode: hallItem, CommittedDays: 20}}})
			return err
		},
		func() error { _, err := s.registry.AcceptCommitment(ctx, ag, org.ID); return err },
		func() error { _, err := s.registry.Submit(ctx, ag, org.ID); return err },
		func() error { _, err := s.registry.Review(ctx, regul, org.ID, registry.MoveApprove, ""); return err },
	} {
		if err := step(); err != nil {
			s.t.Fatalf("admit agency %d: %v", i, err)
		}
	}
	c := s.client()
	c.login(login, testPassword)
	return c, org.ID
}

var until2029 = registry.Date{Y: 2029, M: 1, D: 1}

// score runs the scoring job at the current clock.
func (s *supEnv) score() {
	s.t.Helper()
	if _, err := s.sup.RunScoring(context.Background(), s.clk.now()); err != nil {
		s.t.Fatal(err)
	}
}

// credit reads an agency's public scorecard.
func (s *supEnv) credit(id string) creditDTO {
	s.t.Helper()
	var out creditDTO
	s.client().do("GET", "/api/v1/agencies/"+id+"/credit", nil).want(http.StatusOK).decode(&out)
	return out
}

// publicComplaint is a valid anonymous complaint against an agency.
func publicComplaint(target string) map[string]any {
	return map[string]any{"name": "张先生", "phone": "13800001111", "target_id": target, "subject": "出具报告数据造假",
		"details": "该机构出具的环评报告中监测数据与现场明显不符，请核查。"}
}

// wantFields checks a 400 answer names exactly these fields, in Chinese.
func wantFields(t *testing.T, r resp, fields ...string) {
	t.Helper()
	r.want(http.StatusBadRequest)
	e := r.errBody()
	for _, f := range fields {
		msg, ok := e.Fields[f]
		if !ok {
			t.Errorf("no error for field %q: %v", f, e.Fields)
			continue
		}
		if !hasHan(msg) {
			t.Errorf("field %q: message %q is not Chinese", f, msg)
		}
	}
	if len(e.Fields) != len(fields) {
		t.Errorf("fields %v, want exactly %v", e.Fields, fields)
	}
}
