package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/agencyhall/agencyhall/registry"
)

// These tests run the real binary as a child process: build it, serve on a
// data directory, kill -9 it while writes are in flight, restart on the same
// directory and read every acknowledged write back; then stop it with
// SIGTERM and verify the audit chain with `agencyhall audit verify`.

const (
	lifecycleAdminPassword = "kill-restart-admin-pw"
	lifecyclePassword      = "kill-restart-pw-01"
	readyTimeout           = 90 * time.Second // first start on a slow CI machine
)

// buildBinary compiles the command into dir, with the race detector, build
// tags and cgo setting of this test binary: the packages are then already
// in the build cache (and a -race run also checks the server for races).
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	return buildBinaryAs(t, dir, "agencyhall", true)
}

// buildBinaryAs builds the binary as name in dir with the test's own build
// settings (tags, cgo), and with -race only when withRace is set and the
// test itself runs with it.
func buildBinaryAs(t *testing.T, dir, name string, withRace bool) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	args := []string{"build", "-buildvcs=false", "-o", bin}
	env := os.Environ()
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch {
			case s.Key == "-race" && s.Value == "true" && withRace:
				args = append(args, "-race")
			case s.Key == "-tags" && s.Value != "":
				args = append(args, "-tags", s.Value)
			case s.Key == "CGO_ENABLED":
				env = append(env, "CGO_ENABLED="+s.Value)
			}
		}
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// childEnv is the test's environment without any AGENCYHALL_* or MongoDB
// settings (the child must use the embedded engine on its data dir), plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AGENCYHALL_") || strings.HasPrefix(kv, "MONGODB_URI=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects a child's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// child is one running `agencyhall serve`.
type child struct {
	cmd     *exec.Cmd
	base    string
	out     *lockedBuffer
	done    chan struct{}
	waitErr error
}

func startServe(t *testing.T, bin, dataDir string) *child {
	t.Helper()
	return startServeWith(t, bin, []string{"--data-dir", dataDir})
}

// startServeWith starts `agencyhall serve` with extra flags and environment
// and waits until it is ready (startServe with options).
func startServeWith(t *testing.T, bin string, args []string, env ...string) *child {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	c := &child{base: "http://" + addr, out: &lockedBuffer{}, done: make(chan struct{})}
	c.cmd = exec.Command(bin, append([]string{"serve", "--addr", addr}, args...)...)
	c.cmd.Env = childEnv(append([]string{"AGENCYHALL_ADMIN_PASSWORD=" + lifecycleAdminPassword}, env...)...)
	c.cmd.Stdout, c.cmd.Stderr = c.out, c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.waitErr = c.cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			_ = c.cmd.Process.Kill()
			<-c.done
		}
		if t.Failed() {
			t.Logf("output of %s:\n%s", c.base, c.out.String())
		}
	})
	c.waitReady(t)
	return c
}

// waitReady polls /readyz until it answers 200, the child exits, or the
// bounded wait runs out.
func (c *child) waitReady(t *testing.T) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-c.done:
			t.Fatalf("agencyhall serve exited before it was ready (%v):\n%s", c.waitErr, c.out.String())
		default:
		}
		resp, err := client.Get(c.base + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond) // polling a child process, not waiting for a deadline
	}
	t.Fatalf("agencyhall serve not ready at %s/readyz after %v:\n%s", c.base, readyTimeout, c.out.String())
}

// postJSON sends a JSON body without cookies and returns the status.
func postJSON(client *http.Client, url string, body any) (int, []byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	resp, err := client.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

// lifecycleUSCC makes the i-th distinct valid code.
func lifecycleUSCC(t *testing.T, i int) string {
	first := fmt.Sprintf("91620100KR%07d", i)
	c, ok := registry.USCCCheckChar(first)
	if !ok {
		t.Fatalf("check character of %s", first)
	}
	return first + string(c)
}

func registration(t *testing.T, i int) map[string]string {
	kind := "owner"
	if i%2 == 1 {
		kind = "agency"
	}
	return map[string]string{
		"kind": kind, "org_name": fmt.Sprintf("兰州第%d建设有限公司", i), "uscc": lifecycleUSCC(t, i), "region": "620102",
		"contact": "赵工", "phone": "0931-1234567", "login": fmt.Sprintf("kr-user-%04d", i), "name": "赵工", "password": lifecyclePassword,
	}
}

func TestBinaryLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the agencyhall binary as a child process (kill -9, restart, SIGTERM); skipped with -short")
	}
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	dataDir := filepath.Join(tmp, "data")
	client := &http.Client{Timeout: 15 * time.Second}

	var acked []string // logins whose registration was answered 200
	var ackedMu sync.Mutex

	ok := t.Run("kill -9 while writing", func(t *testing.T) {
		a := startServe(t, bin, dataDir)
		if !strings.Contains(a.out.String(), "已创建平台管理员账号 admin") {
			t.Errorf("the first start did not report creating the bootstrap admin:\n%s", a.out.String())
		}
		// Sequential acknowledged writes.
		for i := 0; i < 20; i++ {
			status, body, err := postJSON(client, a.base+"/api/v1/auth/register", registration(t, i))
			if err != nil || status != http.StatusOK {
				t.Fatalf("register %d: %d %s %v", i, status, body, err)
			}
			acked = append(acked, fmt.Sprintf("kr-user-%04d", i))
		}
		// Concurrent writers still running when the process is killed.
		const writers = 3
		var wg sync.WaitGroup
		stop := make(chan struct{})
		ackedDuring := make(chan struct{}, 1000)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 1000 + w; ; i += writers {
					select {
					case <-stop:
						return
					default:
					}
					status, _, err := postJSON(client, a.base+"/api/v1/auth/register", registration(t, i))
					if err != nil {
						return // the server is gone
					}
					if status == http.StatusOK {
						ackedMu.Lock()
						acked = append(acked, fmt.Sprintf("kr-user-%04d", i))
						ackedMu.Unlock()
						ackedDuring <- struct{}{}
					}
				}
			}()
		}
		for i := 0; i < 15; i++ {
			select {
			case <-ackedDuring:
			case <-time.After(60 * time.Second):
				close(stop)
				wg.Wait()
				t.Fatalf("concurrent writers made no progress:\n%s", a.out.String())
			}
		}
		if err := a.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown code runs
			t.Fatal(err)
		}
		<-a.done
		close(stop)
		wg.Wait()
		var ee *exec.ExitError
		if !errors.As(a.waitErr, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("child ended with %v, want killed by SIGKILL", a.waitErr)
		}
		t.Logf("%d registrations acknowledged before kill -9", len(acked))
	})
	if !ok {
		return
	}

	ok = t.Run("restart keeps every acknowledged write", func(t *testing.T) {
		b := startServe(t, bin, dataDir)
		if strings.Contains(b.out.String(), "已创建平台管理员账号") {
			t.Errorf("the restart created the bootstrap admin again:\n%s", b.out.String())
		}
		logins := append([]string{"admin"}, acked...)
		for _, login := range logins {
			pw := lifecyclePassword
			if login == "admin" {
				pw = lifecycleAdminPassword
			}
			status, body, err := postJSON(client, b.base+"/api/v1/auth/login", map[string]string{"login": login, "password": pw})
			if err != nil || status != http.StatusOK {
				t.Errorf("log in as %s after the restart: %d %s %v", login, status, body, err)
			}
		}
		// The registrations can be repeated by nobody: each USCC is taken.
		status, body, err := postJSON(client, b.base+"/api/v1/auth/register", registration(t, 0))
		if err != nil || status != http.StatusBadRequest || (!strings.Contains(string(body), "uscc") && !strings.Contains(string(body), "login")) {
			t.Errorf("repeating an acknowledged registration: %d %s %v", status, body, err)
		}

		t.Run("SIGTERM drains and exits 0", func(t *testing.T) {
			start := time.Now()
			if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case <-b.done:
			case <-time.After(drainTimeout + 20*time.Second):
				t.Fatalf("still running %v after SIGTERM", time.Since(start))
			}
			elapsed := time.Since(start)
			if b.waitErr != nil {
				t.Fatalf("exit after SIGTERM: %v\n%s", b.waitErr, b.out.String())
			}
			if elapsed > drainTimeout {
				t.Fatalf("shutdown took %v, longer than the drain time %v", elapsed, drainTimeout)
			}
			t.Logf("idle server exited 0 %v after SIGTERM", elapsed.Round(time.Millisecond))
			if _, err := client.Get(b.base + "/healthz"); err == nil {
				t.Fatal("the server still answers after exiting")
			}
		})
	})
	if !ok {
		return
	}

	t.Run("audit verify on the data dir", func(t *testing.T) {
		cmd := exec.Command(bin, "audit", "verify", "--data-dir", dataDir)
		cmd.Env = childEnv()
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("agencyhall audit verify: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
		}
		m := regexp.MustCompile(`审计链完好：共 (\d+) 条记录`).FindStringSubmatch(stdout.String())
		if m == nil {
			t.Fatalf("unexpected output: %q", stdout.String())
		}
		n, _ := strconv.Atoi(m[1])
		// Every acknowledged registration and every login after the restart
		// was a state change with its own audit record.
		if want := 2*len(acked) + 1; n < want {
			t.Fatalf("%d audit records, want at least %d", n, want)
		}
		t.Logf("audit verify: %s", strings.TrimSpace(stdout.String()))
	})
}
