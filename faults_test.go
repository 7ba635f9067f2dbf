//go:build faults

// The fault-injection suite, kept out of `go test ./...` because it builds
// and kills the real binary many times and takes minutes; CI runs it in the
// external-engine step of .ci/run (see docs/RELIABILITY.md):
//   go test -tags faults -run 'TestKillDuringJobs|TestServeReplicasRunEachTickOnce' .

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/agencyhall/agencyhall/auth"
	"github.com/agencyhall/agencyhall/demo"
	"github.com/agencyhall/agencyhall/files"
	"github.com/agencyhall/agencyhall/hall"
	"github.com/agencyhall/agencyhall/registry"
	"github.com/agencyhall/agencyhall/scoring"
)

// TestKillDuringJobs is the fault-injection test: it drives the real
// binary as a child process and kills it with SIGKILL at random points,
// drawn by a seeded generator, while it runs a credit-scoring run, while
// its hall-advance job opens projects, and while it writes a background
// export — at least 7 kill points each. After every kill it checks that
// the state on disk is consistent, and at the end that the interrupted
// work finished on the next run:
//
//   - scoring: every snapshot, history point and line item that exists is
//     exactly the one an uninterrupted run writes (on a copy of the same
//     data), none is duplicated, and a final run completes them all;
//   - openings: every project is opened exactly once (one "opened" step,
//     an opening record that agrees with its state, each timeline step's
//     event written once), none half-written, and all are decided after
//     the restart;
//   - exports: a killed task is reported failed after the restart (or had
//     completed), its file is never served unless complete, and a new
//     export succeeds.
//
// AGENCYHALL_TEST_FAULT_SEED=<n> repeats a run's kill points (the seed is
// printed; the delays are wall-clock, so a repeat is close, not exact).
func TestKillDuringJobs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the agencyhall binary as a child process (kill -9 during jobs); skipped with -short")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("AGENCYHALL_TEST_FAULT_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("AGENCYHALL_TEST_FAULT_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("fault seed %d (repeat with AGENCYHALL_TEST_FAULT_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	begin := time.Now()

	tmp := t.TempDir()
	bin := buildPlainBinary(t, tmp)
	data := filepath.Join(tmp, "data")
	start := time.Now()
	out := runTool(t, bin, "gen", "--scale", "0.01", "--seed", "11", "--data-dir", data)
	t.Logf("gen --scale 0.01 in %v: %s", time.Since(start).Round(time.Second), lastLine(out))

	kills := map[string]int{}
	t.Run("scoring", func(t *testing.T) { kills["scoring"] = faultScoring(t, rng, bin, tmp, data) })
	t.Run("openings", func(t *testing.T) { kills["openings"] = faultOpenings(t, rng, bin, data) })
	t.Run("exports", func(t *testing.T) { kills["exports"] = faultExports(t, rng, bin, data) })
	total := kills["scoring"] + kills["openings"] + kills["exports"]
	t.Logf("fault seed %d: %d kill points survived (scoring %d, openings %d, exports %d) in %v", seed, total,
		kills["scoring"], kills["openings"], kills["exports"], time.Since(begin).Round(time.Second))
	if !t.Failed() && total < 20 {
		t.Errorf("%d kill points, want at least 20", total)
	}
}

const faultKills = 7 // kill points per job, at least

// buildPlainBinary is buildBinary without the race detector: what this
// test is about is where the process dies, and a race-instrumented child
// is 3–5 times slower (the whole test then takes about 15 minutes instead
// of 4). The packages are in the build cache after `go vet ./...`.
func buildPlainBinary(t *testing.T, dir string) string {
	t.Helper()
	return buildBinaryAs(t, dir, "agencyhall-plain", false)
}

// runTool runs a command of the binary to completion and returns its output.
func runTool(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = childEnv()
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("agencyhall %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// scoringStarted is what `agencyhall score` prints on stderr when the
// scoring itself begins (after the start-up).
const scoringStarted = "正在计算信用评分"

// startScore starts `agencyhall score` and waits until it prints that the
// scoring has begun. It returns the process, its output and its end.
func startScore(t *testing.T, bin string, args ...string) (*exec.Cmd, *lockedBuffer, chan error) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"score"}, args...)...)
	cmd.Env = childEnv()
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(3 * time.Minute)
	for !strings.Contains(out.String(), scoringStarted) {
		select {
		case err := <-done:
			t.Fatalf("agencyhall score ended before scoring (%v):\n%s", err, out.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("agencyhall score did not start scoring:\n%s", out.String())
		case <-time.After(5 * time.Millisecond): // polling a child's output
		}
	}
	return cmd, out, done
}

// killAfter SIGKILLs a started command after delay and reports whether it
// was killed (false: it had finished by then, successfully).
func killAfter(t *testing.T, cmd *exec.Cmd, out *lockedBuffer, done chan error, delay time.Duration) bool {
	t.Helper()
	args := cmd.Args[1:]
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("agencyhall %s ended before the kill: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return false
	case <-time.After(delay):
	}
	_ = cmd.Process.Kill()
	err := <-done
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL {
		return true
	}
	if err != nil {
		t.Fatalf("agencyhall %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return false // it exited on its own just before the signal
}

// kill9 SIGKILLs a serve child and waits for it.
func (c *child) kill9(t *testing.T) {
	t.Helper()
	_ = c.cmd.Process.Kill()
	<-c.done
	var ee *exec.ExitError
	if !errors.As(c.waitErr, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("serve ended with %v before the kill:\n%s", c.waitErr, c.out.String())
	}
}

// stop ends a serve child with SIGTERM.
func (c *child) stop(t *testing.T) {
	t.Helper()
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(drainTimeout + 30*time.Second):
		t.Fatalf("serve still running after SIGTERM")
	}
	if c.waitErr != nil {
		t.Fatalf("serve after SIGTERM: %v\n%s", c.waitErr, c.out.String())
	}
}

// offline opens a data directory in this process, as `agencyhall score`
// does (no child may hold it), and closes it when fn returns.
func offline(t *testing.T, dataDir string, now func() time.Time, fn func(db *database, svc services)) {
	t.Helper()
	ctx := context.Background()
	cfg := config{DataDir: dataDir, DB: "agencyhall", LogFormat: "text"}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := openDatabase(ctx, cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer db.close(ctx)
	bucket, err := files.OpenBucket(ctx, "", dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	key, err := hall.LoadQuoteKey(cfg.quoteKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := newServices(serviceDeps{store: db.store, bucket: bucket, quoteKey: key, now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.load(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	fn(db, svc)
}

// ---- scoring ----

// scoreState is what a scoring run has stored for one date.
type scoreState struct {
	snapshots map[string]scoring.Snapshot       // by agency
	points    map[string][]scoring.HistoryPoint // the date's points, by agency
	total     int64                             // snapshot documents of every date
	writes    int64                             // writes of the date's snapshots so far (their versions)
}

func readScores(t *testing.T, dataDir, date string, agencies []string) scoreState {
	t.Helper()
	st := scoreState{snapshots: map[string]scoring.Snapshot{}, points: map[string][]scoring.HistoryPoint{}}
	offline(t, dataDir, time.Now, func(db *database, svc services) {
		ctx := context.Background()
		if err := db.store.Scoring().EachHistory(ctx, func(agency string, pts []scoring.HistoryPoint) error {
			for _, p := range pts {
				if p.Date == date {
					st.points[agency] = append(st.points[agency], p)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if agencies == nil {
			for a := range st.points {
				agencies = append(agencies, a)
			}
		}
		for _, a := range agencies {
			snap, err := db.store.Scoring().GetSnapshot(ctx, scoring.SnapshotID(a, date))
			if err == nil {
				st.snapshots[a] = snap
			}
		}
		if err := db.store.EachRawDocument(ctx, "score_snapshots", func(doc []byte) error {
			st.total++
			id, _ := bson.Raw(doc).Lookup("_id").StringValueOK()
			if strings.HasSuffix(id, ":"+date) {
				v := bson.Raw(doc).Lookup("version")
				if n, ok := v.Int64OK(); ok {
					st.writes += n
				} else if n, ok := v.Int32OK(); ok {
					st.writes += int64(n)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
	return st
}

// checkScores compares what is stored with the reference run: whatever
// exists is complete and equal to it, and nothing is there twice. With
// complete, everything must exist.
func checkScores(t *testing.T, got, ref scoreState, base int64, complete bool) {
	t.Helper()
	for a, snap := range got.snapshots {
		want, ok := ref.snapshots[a]
		if !ok {
			t.Errorf("snapshot of %s, which the reference run did not write", a)
			continue
		}
		if !reflect.DeepEqual(snap, want) {
			t.Errorf("snapshot of %s differs from the uninterrupted run's:\n got %+v\nwant %+v", a, snap.Card, want.Card)
		}
		seen := map[string]bool{}
		for _, it := range snap.Card.Items {
			if seen[it.ID] {
				t.Errorf("snapshot of %s: line item %s twice", a, it.ID)
			}
			seen[it.ID] = true
		}
	}
	for a, pts := range got.points {
		if len(pts) != 1 {
			t.Errorf("history of %s: %d points for the date, want 1", a, len(pts))
		} else if want := ref.points[a]; len(want) != 1 || pts[0] != want[0] {
			t.Errorf("history point of %s: %+v, want %+v", a, pts[0], want)
		}
	}
	if got.total > base+int64(len(ref.snapshots)) {
		t.Errorf("%d snapshot documents, more than the %d before plus %d of the run", got.total, base, len(ref.snapshots))
	}
	if complete {
		if len(got.snapshots) != len(ref.snapshots) || len(got.points) != len(ref.points) || got.total != base+int64(len(ref.snapshots)) {
			t.Errorf("after the final run: %d snapshots, %d history points, %d documents; want %d, %d, %d",
				len(got.snapshots), len(got.points), got.total, len(ref.snapshots), len(ref.points), base+int64(len(ref.snapshots)))
		}
	}
}

func faultScoring(t *testing.T, rng *rand.Rand, bin, tmp, data string) int {
	// Tomorrow: a date no run has scored yet, so whatever exists for it was
	// written by the runs under test.
	date := time.Now().In(registry.Shanghai).AddDate(0, 0, 1).Format("2006-01-02")
	before := readScores(t, data, date, nil)
	if len(before.snapshots) > 0 {
		t.Fatalf("%d snapshots for %s before the first run", len(before.snapshots), date)
	}

	// The reference: an uninterrupted run on a copy of the data.
	ref := filepath.Join(tmp, "ref")
	if out, err := exec.Command("cp", "-a", data, ref).CombinedOutput(); err != nil {
		t.Fatalf("copy the data dir: %v %s", err, out)
	}
	start := time.Now()
	_, refOut, done := startScore(t, bin, "--data-dir", ref, "--as-of", date)
	began := time.Now()
	if err := <-done; err != nil {
		t.Fatalf("score: %v\n%s", err, refOut.String())
	}
	whole, scoringPart := time.Since(start), time.Since(began)
	want := readScores(t, ref, date, nil)
	if len(want.snapshots) == 0 {
		t.Fatalf("the reference run scored nobody: %s", refOut.String())
	}
	t.Logf("uninterrupted score --as-of %s: %v in all, the scoring itself %v for %d agencies", date, whole.Round(time.Millisecond),
		scoringPart.Round(time.Millisecond), len(want.snapshots))
	agencies := make([]string, 0, len(want.snapshots))
	for a := range want.snapshots {
		agencies = append(agencies, a)
	}

	// Kill points spread over the scoring itself: from the moment it
	// begins (after the start-up) to its uninterrupted duration. The run
	// reads every event before it writes its first snapshot, and its speed
	// varies with the machine's load, so the window narrows to what the
	// kills so far have seen: after the latest kill that found nothing
	// written yet, before the earliest at which the run had finished.
	lo, hi := time.Duration(0), scoringPart
	kills, attempts, midway := 0, 0, 0
	writes := before.writes
	for kills < faultKills && attempts < 3*faultKills {
		attempts++
		if hi-lo < 50*time.Millisecond {
			lo, hi = 0, scoringPart
		}
		delay := lo + time.Duration(rng.Int64N(int64(hi-lo)))
		cmd, out, done := startScore(t, bin, "--data-dir", data, "--as-of", date)
		if !killAfter(t, cmd, out, done, delay) {
			t.Logf("kill %d at %v: the run had finished", attempts, delay.Round(time.Millisecond))
			writes = readScores(t, data, date, agencies).writes
			hi = delay
			continue
		}
		kills++
		got := readScores(t, data, date, agencies)
		wrote := got.writes - writes // snapshots the killed run wrote
		writes = got.writes
		switch {
		case wrote == 0:
			lo = max(lo, delay*9/10)
		case wrote >= int64(len(want.snapshots)):
			hi = delay
		default:
			midway++
		}
		t.Logf("kill -9 %d at %v into the scoring: the run had written %d of %d snapshots (%d agencies scored so far)", kills,
			delay.Round(time.Millisecond), wrote, len(want.snapshots), len(got.snapshots))
		checkScores(t, got, want, before.total, false)
		if t.Failed() {
			return kills
		}
	}
	if kills < faultKills {
		t.Fatalf("only %d kill points in %d attempts", kills, attempts)
	}
	out := runTool(t, bin, "score", "--data-dir", data, "--as-of", date)
	checkScores(t, readScores(t, data, date, agencies), want, before.total, true)
	t.Logf("after %d kills (%d in the middle of writing the scores) the next run completed: %s", kills, midway, lastLine(out))
	return kills
}

// ---- openings ----

const openingMarker = "故障注入开启测试"

// dueProjects creates n projects, through the hall on a clock set back a
// week, whose sign-up deadline and opening time are just past: the next
// hall-advance run opens them. It returns their IDs and quote counts.
func dueProjects(t *testing.T, rng *rand.Rand, db *database, svc services, round, n int) map[string]int {
	t.Helper()
	ctx := context.Background()
	real := time.Now()
	clk := &faultClock{}
	c := svc.hallCfg
	c.Now, c.Observe = clk.now, nil
	h := hall.NewService(c)
	if err := h.Load(ctx); err != nil {
		t.Fatal(err)
	}
	items, err := svc.catalog.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var item registry.ServiceItem
	var agencies []string
	for _, it := range items {
		if !it.Enabled || len(it.Qualifications) == 0 {
			continue
		}
		hits, _ := svc.registry.Directory().Search(registry.DirectoryQuery{ItemCode: it.Code, PageSize: 100, Now: real})
		if len(hits) > len(agencies) {
			item, agencies = it, nil
			for _, h := range hits {
				agencies = append(agencies, h.Agency.ID)
			}
		}
	}
	if len(agencies) < 3 {
		t.Fatalf("no service item with three agencies (%d)", len(agencies))
	}
	users, err := svc.auth.ListUsers(ctx, auth.Principal{UserID: "test", Role: auth.RoleAdmin}, auth.UserFilter{Role: auth.RoleOwner, PageSize: 100})
	if err != nil || len(users.Items) == 0 {
		t.Fatalf("owners: %v", err)
	}
	owner := registry.Actor{UserID: users.Items[0].ID, OrgID: users.Items[0].OrgID, Kind: registry.ActorOwner}

	cal := hall.NewCalendar()
	deadline := real.Add(-time.Minute).Truncate(time.Second)
	day := registry.DateOf(deadline)
	for back := 0; back < 8; {
		day = registry.DateOf(day.Start().AddDate(0, 0, -1))
		if cal.IsWorkday(day) {
			back++
		}
	}
	methods := []hall.Method{hall.MethodLowest, hall.MethodRandom, hall.MethodReasonable}
	quotes := map[string]int{}
	for i := range n {
		clk.set(day.Start().Add(10 * time.Hour))
		method := methods[i%len(methods)]
		in := hall.ProjectInput{Name: fmt.Sprintf("%s第%d轮第%d个", openingMarker, round, i+1), ItemCode: item.Code, Region: "620102",
			Funding: hall.FundingSocial, Scope: "用于故障注入测试的项目。", CeilingFen: 30_000_000, TimeLimitDays: min(10, item.TimeLimitDays),
			Method: method, SignupDeadline: deadline, OpeningTime: deadline, ComplaintContact: "兰州市政务服务中心 0931-8888888"}
		if method.Quoted() {
			in.FloorFen = 18_000_000
		}
		p, err := h.Create(ctx, owner, "故障注入测试业主", in)
		if err == nil {
			p, err = h.Publish(ctx, owner, p.ID)
		}
		if err != nil {
			t.Fatalf("project %d: %v", i, err)
		}
		clk.add(24 * time.Hour)
		signed := 0
		for _, k := range rng.Perm(len(agencies)) {
			if signed == 3+i%4 {
				break
			}
			ag := registry.Actor{UserID: "test", OrgID: agencies[k], Kind: registry.ActorAgency}
			if _, err := h.SignUp(ctx, ag, p.ID); err != nil {
				continue // not eligible
			}
			signed++
			if method.Quoted() {
				if _, err := h.SubmitQuote(ctx, ag, p.ID, 20_000_000+int64(rng.IntN(90))*100_000); err != nil {
					t.Fatalf("quote: %v", err)
				}
				quotes[p.ID]++
			}
			clk.add(time.Minute)
		}
		if signed < 3 {
			t.Fatalf("project %s: %d sign-ups", p.ID, signed)
		}
		if !method.Quoted() {
			quotes[p.ID] = 0
		}
	}
	return quotes
}

type faultClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *faultClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *faultClock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *faultClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// openingReport is what checkOpenings found.
type openingReport struct {
	open, interrupted, decided int
	missingEvents              int // timeline steps without their event (a kill between the two writes)
	states                     map[string]hall.State
}

// checkOpenings checks every test project: opened at most once, never
// half-written. With final, each must be decided with all its events.
func checkOpenings(t *testing.T, db *database, quotes map[string]int, final bool) openingReport {
	t.Helper()
	r := openingReport{states: map[string]hall.State{}}
	func() {
		ctx := context.Background()
		events := map[string]hall.Event{}
		if err := db.store.Scoring().EachEvent(ctx, func(e hall.Event) error {
			if _, ok := quotes[e.ProjectID]; ok {
				events[e.ID] = e
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for id, nQuotes := range quotes {
			p, err := db.store.Hall().GetProject(ctx, id)
			if err != nil {
				t.Fatalf("project %s: %v", id, err)
			}
			r.states[id] = p.State
			opened := 0
			var openedAt time.Time
			for _, st := range p.Timeline {
				if st.Kind == hall.EventOpened {
					opened++
					openedAt = st.At
				}
			}
			for i, st := range p.Timeline {
				e, ok := events[fmt.Sprintf("%s:%04d", id, i)]
				switch {
				case !ok:
					r.missingEvents++
					if final {
						t.Errorf("%s: timeline step %d (%s) has no event", id, i, st.Kind)
					}
				case e.Kind != st.Kind || !e.At.Equal(st.At):
					t.Errorf("%s: event %d is %s at %s, the step %s at %s", id, i, e.Kind, e.At, st.Kind, st.At)
				}
			}
			for i := len(p.Timeline); i < len(p.Timeline)+5; i++ {
				if _, ok := events[fmt.Sprintf("%s:%04d", id, i)]; ok {
					t.Errorf("%s: event %d beyond its %d timeline steps", id, i, len(p.Timeline))
				}
			}
			switch p.State {
			case hall.StateOpen:
				r.open++
				if opened != 0 || p.Opening != nil {
					t.Errorf("%s: open, but with %d opened steps and opening record %v", id, opened, p.Opening != nil)
				}
			case hall.StateOpening:
				r.interrupted++
				if opened != 1 || p.Opening == nil || !p.Opening.At.Equal(openedAt) || p.Opening.Outcome.Method != "" {
					t.Errorf("%s: opening with %d opened steps, record %+v", id, opened, p.Opening)
				}
			case hall.StatePublicity, hall.StateFailed:
				r.decided++
				if opened != 1 || p.Opening == nil || !p.Opening.At.Equal(openedAt) || p.Opening.Outcome.Method == "" {
					t.Errorf("%s: %s with %d opened steps, record %+v", id, p.State, opened, p.Opening)
					continue
				}
				out := p.Opening.Outcome
				if p.State == hall.StateFailed != out.Failed || (!out.Failed && (p.Winner == "" || p.Winner != out.Winner)) {
					t.Errorf("%s: state %s, winner %q, outcome %+v", id, p.State, p.Winner, out)
				}
				if len(p.Opening.Bids) != nQuotes {
					t.Errorf("%s: %d bids in the opening record, %d quotes submitted", id, len(p.Opening.Bids), nQuotes)
				}
				if p.Opening.Secret != p.Secret {
					t.Errorf("%s: the opening record does not reveal the committed secret", id)
				}
				for _, b := range p.Opening.Bids {
					q, err := db.store.Hall().GetSealedQuote(ctx, id, b.AgencyID)
					if err != nil || !q.Opened {
						t.Errorf("%s: quote of %s not sealed as opened (%v)", id, b.AgencyID, err)
					}
				}
			default:
				t.Errorf("%s: state %s", id, p.State)
			}
			if final && p.State != hall.StatePublicity && p.State != hall.StateFailed {
				t.Errorf("%s: still %s after the final run", id, p.State)
			}
		}
	}()
	return r
}

// openedAll polls the hall list (a read model: it opens nothing itself)
// until no test project is open or opening.
func openedAll(t *testing.T, c *child, within time.Duration) time.Duration {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	start := time.Now()
	for time.Since(start) < within {
		resp, err := client.Get(c.base + "/api/v1/projects?state=open,opening&page_size=1&q=" + openingMarker)
		if err == nil {
			var page struct {
				Total int `json:"total"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err == nil && resp.StatusCode == http.StatusOK && page.Total == 0 {
				return time.Since(start)
			}
		}
		time.Sleep(100 * time.Millisecond) // polling a child process
	}
	t.Fatalf("the test projects were not all opened within %v:\n%s", within, c.out.String())
	return 0
}

func faultOpenings(t *testing.T, rng *rand.Rand, bin, data string) int {
	const perRound = 12
	// hall-advance every second instead of every minute; the other jobs
	// keep their schedules.
	env := envTestJobEvery + "=hall-advance=1s"
	quotes := map[string]int{}
	// between runs: check what the last one left (final: all decided),
	// then add the next batch of due projects (round > 0).
	var batch []string
	between := func(round int, final bool) (r openingReport) {
		offline(t, data, time.Now, func(db *database, svc services) {
			if len(quotes) > 0 {
				r = checkOpenings(t, db, quotes, final)
			}
			batch = nil
			if round > 0 && !t.Failed() {
				for id, n := range dueProjects(t, rng, db, svc, round, perRound) {
					quotes[id] = n
					batch = append(batch, id)
				}
			}
		})
		return r
	}

	// Calibration: from the start of serve until every project is decided.
	between(1, false)
	start := time.Now()
	c := startServeWith(t, bin, []string{"--data-dir", data}, env)
	ready := time.Since(start)
	took := openedAll(t, c, 3*time.Minute)
	c.stop(t)
	t.Logf("uninterrupted: ready after %v, %d projects opened %v later", ready.Round(time.Millisecond), perRound, took.Round(time.Millisecond))
	between(2, true)
	if t.Failed() {
		return 0
	}

	// Kill points from the moment serve is ready to the time the
	// uninterrupted run had decided every project (plus a tick: when the
	// job first runs depends on where the second stands). The window
	// narrows to what the kills so far have seen, as for scoring: after
	// the latest kill before the batch was touched, before the earliest
	// after it was all decided.
	lo, hi := time.Duration(0), took+time.Second
	kills, midway, missingSeen := 0, 0, 0
	for round := 3; kills < faultKills; round++ {
		if hi-lo < 50*time.Millisecond {
			lo, hi = 0, took+time.Second
		}
		delay := lo + time.Duration(rng.Int64N(int64(hi-lo)))
		mine := batch
		c := startServeWith(t, bin, []string{"--data-dir", data}, env)
		time.Sleep(delay)
		c.kill9(t)
		kills++
		next := round
		if kills == faultKills {
			next = 0 // the last: nothing more to add
		}
		r := between(next, false)
		touched, done := 0, 0
		for _, id := range mine {
			switch r.states[id] {
			case hall.StateOpen:
			case hall.StateOpening:
				touched++
			default:
				touched++
				done++
			}
		}
		switch {
		case r.interrupted > 0 || (touched > 0 && done < len(mine)):
			midway++ // in the middle of the job's run
		case touched == 0:
			lo = max(lo, delay*9/10)
		default:
			hi = delay
		}
		missingSeen += r.missingEvents
		t.Logf("kill -9 %d at %v after ready: %d of the %d new projects decided; %d open, %d opening interrupted, %d decided in all; %d steps without their event yet",
			kills, delay.Round(time.Millisecond), done, len(mine), r.open, r.interrupted, r.decided, r.missingEvents)
		if t.Failed() {
			return kills
		}
	}
	c = startServeWith(t, bin, []string{"--data-dir", data}, env)
	took = openedAll(t, c, 3*time.Minute)
	c.stop(t)
	r := between(0, true)
	t.Logf("after %d kills (%d in the middle of the openings; %d steps were left without their event): the next run decided the rest in %v; %d projects, each opened once, every event written once",
		kills, midway, missingSeen, took.Round(time.Millisecond), r.decided)
	return kills
}

// ---- exports ----

type exportTask struct {
	ID          string `json:"id"`
	State       string `json:"state"`
	RowsDone    int    `json:"rows_done"`
	RowsTotal   int    `json:"rows_total"`
	DownloadURL string `json:"download_url"`
	Error       string `json:"error"`
}

// regulator is a logged-in HTTP client of a serve child.
type regulator struct {
	c      *child
	client *http.Client
}

func loginRegulator(t *testing.T, c *child) *regulator {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Timeout: 30 * time.Second, Jar: jar}
	b, _ := json.Marshal(map[string]string{"login": "reg-zwfw", "password": demo.DemoPassword})
	resp, err := client.Post(c.base+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("log in as reg-zwfw: %d %s", resp.StatusCode, body)
	}
	return &regulator{c: c, client: client}
}

func (r *regulator) get(t *testing.T, path string) (int, []byte) {
	t.Helper()
	resp, err := r.client.Get(r.c.base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, b
}

// startExport asks for the projects workbook, which runs in the background.
func (r *regulator) startExport(t *testing.T) exportTask {
	t.Helper()
	status, body := r.get(t, "/api/v1/exports/projects.xlsx")
	var task exportTask
	if status != http.StatusAccepted || json.Unmarshal(body, &task) != nil || task.ID == "" {
		t.Fatalf("start an export: %d %.300s", status, body)
	}
	return task
}

func (r *regulator) task(t *testing.T, id string) exportTask {
	t.Helper()
	status, body := r.get(t, "/api/v1/exports/tasks/"+id)
	var task exportTask
	if status != http.StatusOK || json.Unmarshal(body, &task) != nil {
		t.Fatalf("task %s: %d %.300s", id, status, body)
	}
	return task
}

// checkFile downloads a task's file: only a finished task's file is
// served, and a served file is a complete workbook with every row.
func (r *regulator) checkFile(t *testing.T, task exportTask) {
	t.Helper()
	status, body := r.get(t, "/api/v1/exports/tasks/"+task.ID+"/file")
	if task.State != "done" && status == http.StatusOK {
		// It may have finished between the two requests.
		if now := r.task(t, task.ID); now.State != "done" {
			t.Errorf("the file of a %s task was served (%d bytes)", now.State, len(body))
			return
		}
		task = r.task(t, task.ID)
	}
	if task.State != "done" {
		return
	}
	if status != http.StatusOK {
		t.Errorf("download of a finished export: %d %.200s", status, body)
		return
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Errorf("the finished export is not a workbook: %v", err)
		return
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || len(rows) < task.RowsDone+1 || task.RowsDone < task.RowsTotal {
		t.Errorf("the finished export has %d rows (%v); the task says %d of %d", len(rows), err, task.RowsDone, task.RowsTotal)
	}
}

// awaitExport polls a task until it finishes, checking on the way that its
// file is not served early.
func (r *regulator) awaitExport(t *testing.T, id string, within time.Duration) exportTask {
	t.Helper()
	start := time.Now()
	for time.Since(start) < within {
		task := r.task(t, id)
		if task.State == "done" || task.State == "failed" {
			return task
		}
		r.checkFile(t, task)
		time.Sleep(100 * time.Millisecond) // polling a child process
	}
	t.Fatalf("export %s not finished within %v", id, within)
	return exportTask{}
}

func faultExports(t *testing.T, rng *rand.Rand, bin, data string) int {
	// Exports of more than 50 rows run in the background and save their
	// progress after every row, so that one takes a few seconds.
	env := []string{envTestExportRows + "=50", envTestExportProgress + "=1"}
	args := []string{"--data-dir", data}

	c := startServeWith(t, bin, args, env...)
	reg := loginRegulator(t, c)
	start := time.Now()
	first := reg.awaitExport(t, reg.startExport(t).ID, 5*time.Minute)
	whole := time.Since(start)
	if first.State != "done" {
		t.Fatalf("the uninterrupted export: %+v", first)
	}
	reg.checkFile(t, first)
	t.Logf("uninterrupted background export: %d rows in %v", first.RowsDone, whole.Round(time.Millisecond))

	kills, failed, completed := 0, 0, 0
	for kills < faultKills {
		task := reg.startExport(t)
		delay := time.Duration(rng.Int64N(int64(whole)))
		time.Sleep(delay)
		reg.checkFile(t, reg.task(t, task.ID))
		c.kill9(t)
		kills++
		c = startServeWith(t, bin, args, env...)
		reg = loginRegulator(t, c)
		after := reg.task(t, task.ID)
		switch after.State {
		case "failed":
			failed++
		case "done":
			completed++
		default:
			t.Errorf("kill %d: after the restart the task is %s, want failed (or done)", kills, after.State)
		}
		reg.checkFile(t, after)
		t.Logf("kill -9 %d at %v into the export: after the restart %s (%d of %d rows written before)", kills,
			delay.Round(time.Millisecond), after.State, after.RowsDone, after.RowsTotal)
		if t.Failed() {
			return kills
		}
	}
	last := reg.awaitExport(t, reg.startExport(t).ID, 5*time.Minute)
	if last.State != "done" {
		t.Fatalf("the export after the kills: %+v", last)
	}
	reg.checkFile(t, last)
	c.stop(t)
	t.Logf("after %d kills (%d reported failed, %d had completed) a new export completed with %d rows", kills, failed, completed, last.RowsDone)
	return kills
}
