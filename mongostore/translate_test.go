package mongostore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/agencyhall/agencyhall/apperr"
)

// retryableErr stands for the driver's internal "connection pool was
// cleared" error, which only says it is retryable.
type retryableErr struct{}

func (retryableErr) Error() string   { return "connection pool for 127.0.0.1:27017 was cleared" }
func (retryableErr) Retryable() bool { return true }

// TestTranslateTransient checks that every way the driver says "the
// database cannot serve this now" becomes the database-unavailable error
// (503), and that ordinary server errors do not.
func TestTranslateTransient(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		transient bool
	}{
		{"deadline", fmt.Errorf("find: %w", context.DeadlineExceeded), true},
		{"canceled", context.Canceled, true},
		{"client closed", mongo.ErrClientDisconnected, true},
		{"server selection", errors.New("server selection error: context deadline exceeded, current topology: …"), true},
		{"network", mongo.CommandError{Message: "connection reset", Labels: []string{"NetworkError"}}, true},
		{"pool cleared", retryableErr{}, true},
		{"failover", mongo.CommandError{Code: 10107, Name: "NotWritablePrimary"}, true},
		{"retryable write", mongo.CommandError{Code: 1, Labels: []string{"RetryableWriteError"}}, true},
		{"max time", mongo.CommandError{Code: 50, Name: "MaxTimeMSExpired"}, true},
		{"bad value", mongo.CommandError{Code: 2, Name: "BadValue"}, false},
		{"other", errors.New("boom"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := translate(tc.err, "项目")
			e, ok := apperr.As(err)
			got := ok && e.Kind == apperr.KindUnavailable
			if got != tc.transient {
				t.Fatalf("translate(%v) = %v, transient %v, want %v", tc.err, err, got, tc.transient)
			}
			if got && e.Message != "数据库暂时不可用，请稍后重试" {
				t.Fatalf("message %q", e.Message)
			}
			if !strings.Contains(err.Error(), tc.err.Error()) {
				t.Fatalf("translate(%v) lost the cause: %v", tc.err, err)
			}
		})
	}
}
