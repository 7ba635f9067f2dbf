package auth_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/agencyhall/agencyhall/apperr"
	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/mongostore/mongotest"
	"github.com/agencyhall/agencyhall/registry"
)

var srv *mongotest.Server

func TestMain(m *testing.M) { os.Exit(mongotest.Run(m, &srv)) }

// clock is the injected time source; tests move it forward instead of
// sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	svc   *auth.Service
	clock *clock
	store *mongostore.Store
	ctx   context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := srv.Store(t)
	c := newClock()
	return &fixture{
		svc:   auth.NewService(st.Auth(), auth.Options{Now: c.Now, BcryptCost: bcrypt.MinCost}),
		clock: c,
		store: st,
		ctx:   context.Background(),
	}
}

var usccSerial atomic.Int64

// newUSCC makes a distinct valid code for an enterprise in 兰州市.
func newUSCC(t testing.TB) string {
	t.Helper()
	first := fmt.Sprintf("91620100MA%07d", usccSerial.Add(1))
	c, ok := registry.USCCCheckChar(first)
	if !ok {
		t.Fatalf("check character of %s", first)
	}
	return first + string(c)
}

const goodPassword = "correct-horse-42"

func validRegistration(t testing.TB, login string) auth.RegisterInput {
	return auth.RegisterInput{
		Kind:     auth.OrgAgency,
		OrgName:  "甘肃环科环境咨询有限公司",
		USCC:     newUSCC(t),
		Region:   "620102",
		Contact:  "王工",
		Phone:    "0931-8888888",
		Email:    "contact@example.cn",
		Login:    login,
		Name:     "王建国",
		Password: goodPassword,
	}
}

func (f *fixture) register(t *testing.T, login string) (auth.User, auth.Org) {
	t.Helper()
	u, o, err := f.svc.Register(f.ctx, validRegistration(t, login))
	if err != nil {
		t.Fatalf("register %s: %v", login, err)
	}
	return u, o
}

// admin creates a platform admin and returns its principal.
func (f *fixture) admin(t *testing.T) auth.Principal {
	t.Helper()
	org := auth.Org{ID: "platform", Kind: auth.OrgPlatform, Name: "平台运营方"}
	if _, err := f.svc.EnsureAccount(f.ctx, org, auth.User{ID: "root", Name: "平台管理员", Role: auth.RoleAdmin}, goodPassword); err != nil {
		t.Fatal(err)
	}
	return auth.Principal{UserID: "root", Name: "平台管理员", Role: auth.RoleAdmin, OrgID: "platform"}
}

// appErr asserts err is an *apperr.Error of kind k and returns it.
func appErr(t *testing.T, err error, k apperr.Kind) *apperr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want kind %d", k)
	}
	e, ok := apperr.As(err)
	if !ok || e.Kind != k {
		t.Fatalf("got %v, want kind %d", err, k)
	}
	return e
}
