// Package notifytest holds what tests of webhook deliveries share: another
// government system's endpoint on loopback.
package notifytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/agencyhall/agencyhall/notify"
)

// Hit is one request a Receiver got.
type Hit struct {
	Type, Delivery, Replay string
	Timestamp              string
	SignatureOK            bool // signed with Secret over the timestamp and body
	Body                   []byte
	Status                 int // what the receiver answered
}

// Receiver is a webhook endpoint on loopback: it records every request,
// checks its signature with the secret given to SetSecret and answers with
// the status that the function given to Answer chooses (200 without one).
type Receiver struct {
	URL string

	mu     sync.Mutex
	secret string
	status func(h Hit, n int) int
	hits   []Hit
}

// SetSecret is the subscription's signing secret, known once it exists.
func (r *Receiver) SetSecret(secret string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret = secret
}

// Answer sets how the receiver answers a request, given how many came
// before it.
func (r *Receiver) Answer(status func(h Hit, n int) int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = status
}

// NewReceiver starts a receiver, closed when the test ends.
func NewReceiver(t testing.TB) *Receiver {
	r := &Receiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		ts := req.Header.Get(notify.HeaderTimestamp)
		h := Hit{Type: req.Header.Get(notify.HeaderEvent), Delivery: req.Header.Get(notify.HeaderDelivery), Replay: req.Header.Get(notify.HeaderReplay),
			Timestamp: ts, Body: body, SignatureOK: notify.Verify(r.secret, ts, body, req.Header.Get(notify.HeaderSignature)), Status: http.StatusOK}
		if r.status != nil {
			h.Status = r.status(h, len(r.hits))
		}
		r.hits = append(r.hits, h)
		w.WriteHeader(h.Status)
	}))
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

// Hits lists the requests received, in order.
func (r *Receiver) Hits() []Hit {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Hit(nil), r.hits...)
}

// Delivered lists the event types accepted (2xx), in the order received.
func (r *Receiver) Delivered() []string {
	var out []string
	for _, h := range r.Hits() {
		if h.Status < 300 {
			out = append(out, h.Type)
		}
	}
	return out
}
