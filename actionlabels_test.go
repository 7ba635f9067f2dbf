package main

import (
	"testing"

	"github.com/agencyhall/agencyhall/audit"
)

// TestEveryActionHasAChineseLabel keeps the audit log readable: a route
// that changes state names an action, and the action has a Chinese label.
func TestEveryActionHasAChineseLabel(t *testing.T) {
	f := newFullApp(t)
	for _, r := range f.app.Routes() {
		if r.Action != "" && audit.ActionLabel(r.Action) == r.Action {
			t.Errorf("%s %s: action %q has no Chinese label in audit/labels.go", r.Method, r.Path, r.Action)
		}
	}
}
