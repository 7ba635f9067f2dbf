package server

import (
	"net/http/pprof"

	"github.com/gin-gonic/gin"
)

// profile serves the Go runtime's profiles for platform admins, to find
// what a slow page spends its time on in production:
//
//	curl -H "Authorization: Bearer $TOKEN" -o cpu.pb.gz 'https://…/debug/pprof/profile?seconds=20'
//	go tool pprof -http :8081 cpu.pb.gz
//
// pprof.Index serves the named profiles (heap, allocs, goroutine, block,
// mutex, threadcreate) by the last path element; the others have their
// own handlers.
func (h *handlers) profile(c *gin.Context) {
	switch c.Param("name") {
	case "profile":
		pprof.Profile(c.Writer, c.Request)
	case "trace":
		pprof.Trace(c.Writer, c.Request)
	case "cmdline":
		pprof.Cmdline(c.Writer, c.Request)
	case "symbol":
		pprof.Symbol(c.Writer, c.Request)
	default:
		pprof.Index(c.Writer, c.Request)
	}
}
