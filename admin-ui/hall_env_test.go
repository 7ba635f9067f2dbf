package adminui_test

import (
	"bytes"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/mongostore"
	"github.com/agencyhall/agencyhall/registry"
)

// testClock is the site's clock in tests: the real time until a test sets
// it, so the selection hall's deadlines can be passed on purpose.
type testClock struct{ ns atomic.Int64 }

func (c *testClock) Now() time.Time {
	if n := c.ns.Load(); n != 0 {
		return time.Unix(0, n).UTC()
	}
	return time.Now()
}

func (c *testClock) Set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *testClock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// newTestHall builds the selection hall on the test database and clock,
// with the real registry and catalog behind it.
func newTestHall(t testing.TB, store *mongostore.Store, reg *registry.Registry, catalog *registry.Catalog, clock *testClock) *hall.Service {
	t.Helper()
	sealer, err := hall.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return hall.NewService(hall.Config{Store: store.Hall(), Agencies: reg, Catalog: catalog, Sealer: sealer, Now: clock.Now})
}
