// Package loadtest drives a running AgencyHall over HTTP the way its users
// do, and measures it: a realistic mix of public browsing, agencies signing
// up and quoting and owners at work, with throughput and latency
// percentiles per kind of request; and a deadline storm, many agencies
// quoting in the last seconds before one deadline, checked afterwards for
// lost and late quotes.
package loadtest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"time"
)

// client is one user's browser or program: its own cookies and CSRF token.
type client struct {
	base string
	http *http.Client
	csrf string
}

func newClient(base string, transport http.RoundTripper) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: base, http: &http.Client{Jar: jar, Transport: transport, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is what a request measured and returned.
type response struct {
	status  int
	body    []byte // as received: gzip-compressed when encoded says so
	encoded bool
	elapsed time.Duration
	at      time.Time // when the answer arrived
}

// text is the body decompressed, for the few answers the tool reads.
func (r response) text() ([]byte, error) {
	if !r.encoded {
		return r.body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.body))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func (c *client) do(ctx context.Context, method, path string, in any) (response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return response{}, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return response{}, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" && method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	// Asked for explicitly, so the transport hands the compressed body over
	// as it came instead of decompressing it: browsers accept gzip, and
	// decompress on their own machines, not on the server's cores where
	// this tool runs. The answers the tool reads go through text.
	req.Header.Set("Accept-Encoding", "gzip")
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return response{elapsed: time.Since(start)}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, body: b, encoded: res.Header.Get("Content-Encoding") == "gzip",
		elapsed: time.Since(start), at: time.Now()}
	return r, err
}

// login opens a session as login.
func (c *client) login(ctx context.Context, login, password string) error {
	r, err := c.do(ctx, http.MethodPost, "/api/v1/auth/login", map[string]string{"login": login, "password": password})
	if err != nil {
		return err
	}
	body, err := r.text()
	if err != nil {
		return err
	}
	if r.status != http.StatusOK {
		return fmt.Errorf("login %s: %d %s", login, r.status, body)
	}
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return err
	}
	c.csrf = out.CSRF
	return nil
}

// page is the list shape of the API.
type page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

type projectSummary struct {
	ID         string `json:"id"`
	State      string `json:"state"`
	Method     string `json:"method"`
	ItemCode   string `json:"item_code"`
	CeilingFen int64  `json:"ceiling_fen"`
	FloorFen   int64  `json:"floor_fen"`
	Eligible   bool   `json:"eligible"`
	Deadline   string `json:"signup_deadline"`
}

func getJSON[T any](ctx context.Context, c *client, path string) (T, error) {
	var out T
	r, err := c.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return out, err
	}
	if r.status != http.StatusOK {
		return out, fmt.Errorf("GET %s: %d", path, r.status)
	}
	body, err := r.text()
	if err != nil {
		return out, err
	}
	return out, json.Unmarshal(body, &out)
}
