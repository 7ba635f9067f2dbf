package mongostore

import (
	"testing"
	"time"
)

// TestClientTimeouts checks where the driver's timeouts come from: the
// URI's own options first, then the Config, then the defaults (longer for
// the embedded engine, which can be busy but not unreachable).
func TestClientTimeouts(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		cfg                  Config
		select_, connect, op time.Duration
	}{
		{"external defaults", Config{URI: "mongodb://db1.example:27017/?replicaSet=rs0"},
			DefaultTimeout, DefaultTimeout, DefaultOpTimeout},
		{"embedded defaults", Config{URI: "mongodb://127.0.0.1:40000/", SQLiteDir: "/tmp/x"},
			DefaultEmbeddedTimeout, DefaultEmbeddedTimeout, DefaultEmbeddedOpTimeout},
		{"config", Config{URI: "mongodb://db1.example:27017/", Timeout: time.Second, OpTimeout: 2 * time.Second},
			time.Second, time.Second, 2 * time.Second},
		{"URI wins", Config{URI: "mongodb://db1.example:27017/?serverSelectionTimeoutMS=7000&connectTimeoutMS=3000&timeoutMS=9000",
			Timeout: time.Second, OpTimeout: 2 * time.Second},
			7 * time.Second, 3 * time.Second, 9 * time.Second},
		{"timeoutMS=0 turns the operation timeout off", Config{URI: "mongodb://db1.example:27017/?timeoutMS=0"},
			DefaultTimeout, DefaultTimeout, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := clientOptions(tc.cfg)
			if o.ServerSelectionTimeout == nil || *o.ServerSelectionTimeout != tc.select_ {
				t.Errorf("server selection timeout %v, want %v", o.ServerSelectionTimeout, tc.select_)
			}
			if o.ConnectTimeout == nil || *o.ConnectTimeout != tc.connect {
				t.Errorf("connect timeout %v, want %v", o.ConnectTimeout, tc.connect)
			}
			if o.Timeout == nil || *o.Timeout != tc.op {
				t.Errorf("operation timeout %v, want %v", o.Timeout, tc.op)
			}
		})
	}
}
