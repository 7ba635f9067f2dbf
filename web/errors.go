package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/agencyhall/agencyhall/apperr"
)

// Status maps an error kind to its HTTP status. This is the only place
// where that decision is made.
func Status(k apperr.Kind) int {
	switch k {
	case apperr.KindInvalid:
		return http.StatusBadRequest
	case apperr.KindUnauthorized:
		return http.StatusUnauthorized
	case apperr.KindForbidden:
		return http.StatusForbidden
	case apperr.KindNotFound:
		return http.StatusNotFound
	case apperr.KindConflict:
		return http.StatusConflict
	case apperr.KindTooMany:
		return http.StatusTooManyRequests
	case apperr.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON shape of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail carries a stable code, a Chinese message and field messages.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// Classify turns any error into a classified one with a safe message:
// unclassified errors become a generic internal error and are logged.
func Classify(c *gin.Context, err error) *apperr.Error {
	var e *apperr.Error
	if !errors.As(err, &e) {
		e = &apperr.Error{Kind: apperr.KindInternal, Code: "internal", Message: "服务器内部错误，请稍后再试；如持续出现请联系平台管理员", Err: err}
	}
	app := appFrom(c)
	if e.Kind == apperr.KindInternal || e.Kind == apperr.KindUnavailable {
		if app != nil {
			app.log.LogAttrs(c.Request.Context(), slog.LevelError, "request failed",
				slog.String("request_id", RequestID(c)), slog.String("path", c.Request.URL.Path), slog.Any("error", err))
			if e.Kind == apperr.KindUnavailable {
				app.metrics.dbErrors.Inc()
			}
		}
	}
	return e
}

// Fail answers a request with an error: JSON for API routes, a page for
// page routes.
func Fail(c *gin.Context, err error) {
	e := Classify(c, err)
	status := Status(e.Kind)
	c.Set(ctxFailure, e)
	if status == http.StatusServiceUnavailable {
		// A dependency (the database) is away for now: say when to try again.
		c.Header("Retry-After", "5")
	}
	if app := appFrom(c); app != nil && isPage(c) && app.RenderError != nil {
		app.RenderError(c, status, e)
		c.Abort()
		return
	}
	fields := e.Fields
	if fields == nil {
		fields = map[string]string{}
	}
	c.AbortWithStatusJSON(status, ErrorBody{Error: ErrorDetail{Code: e.Code, Message: e.Message, Fields: fields}})
}

// BindJSON decodes a JSON body into v, refusing unknown fields and
// malformed input with a Chinese message.
func BindJSON(c *gin.Context, v any) error { return decodeJSON(c.Request.Body, v) }
