// Package apperr holds the error kinds every layer shares. Domain packages
// return them, storage converts its own failures into them, and the HTTP
// layer maps each kind to a status code in exactly one place.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the caller, independent of where it arose.
type Kind int

const (
	KindInternal     Kind = iota // a bug or an unexpected failure
	KindInvalid                  // the input is wrong; Fields says which parts
	KindNotFound                 // the addressed thing does not exist (or is hidden)
	KindConflict                 // the state changed underneath, or a duplicate
	KindUnauthorized             // no valid credentials
	KindForbidden                // credentials valid, action not allowed
	KindTooMany                  // throttled: locked account or rate limit
	KindUnavailable              // a dependency (the database) cannot be reached
)

// Error is a classified error with a stable code and a Chinese message that
// a person can act on. Fields maps input field names to their own messages.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Fields  map[string]string
	Err     error // the wrapped cause, never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// As extracts an *Error from err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// KindOf returns the kind of err, KindInternal for unclassified errors.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return KindInternal
}

// Is reports whether err carries the given kind.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

func newErr(k Kind, code, msg string) *Error { return &Error{Kind: k, Code: code, Message: msg} }

// NotFound builds a not-found error; what names the thing in Chinese (e.g. "用户").
func NotFound(what string) *Error {
	return newErr(KindNotFound, "not_found", what+"不存在")
}

// Conflict builds a conflict error with a Chinese explanation.
func Conflict(code, msg string) *Error { return newErr(KindConflict, code, msg) }

// Forbidden builds a forbidden error.
func Forbidden(msg string) *Error {
	if msg == "" {
		msg = "您没有执行此操作的权限"
	}
	return newErr(KindForbidden, "forbidden", msg)
}

// Unauthorized builds an authentication error.
func Unauthorized(msg string) *Error {
	if msg == "" {
		msg = "请先登录"
	}
	return newErr(KindUnauthorized, "unauthorized", msg)
}

// TooMany builds a throttling error.
func TooMany(code, msg string) *Error { return newErr(KindTooMany, code, msg) }

// Unavailable wraps a failure of a dependency the caller cannot fix.
func Unavailable(err error) *Error {
	return &Error{Kind: KindUnavailable, Code: "unavailable", Message: "服务暂时不可用，请稍后再试", Err: err}
}

// DatabaseUnavailable wraps a database that cannot be reached in time (a
// network error, a server-selection failure, an operation timeout). Its
// code is the same "unavailable" as Unavailable's, so clients need one
// check; the message tells the user it is the database and worth a retry.
func DatabaseUnavailable(err error) *Error {
	return &Error{Kind: KindUnavailable, Code: "unavailable", Message: "数据库暂时不可用，请稍后重试", Err: err}
}

// Invalid starts a validation error; add field messages with Field and
// return it through OrNil so that an empty one means "valid".
func Invalid() *Error {
	return &Error{Kind: KindInvalid, Code: "invalid", Message: "提交的内容有误，请检查标出的字段", Fields: map[string]string{}}
}

// InvalidMsg is a validation error with a specific message and no fields.
func InvalidMsg(code, msg string) *Error { return newErr(KindInvalid, code, msg) }

// Field records a problem with one input field; the first message per field wins.
func (e *Error) Field(name, msg string) *Error {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[name]; !ok {
		e.Fields[name] = msg
	}
	return e
}

// OrNil returns nil when a validation error collected no fields.
func (e *Error) OrNil() error {
	if e == nil || (e.Kind == KindInvalid && len(e.Fields) == 0 && e.Code == "invalid") {
		return nil
	}
	return e
}

// Wrap attaches a cause to a classified error.
func (e *Error) Wrap(err error) *Error { e.Err = err; return e }
