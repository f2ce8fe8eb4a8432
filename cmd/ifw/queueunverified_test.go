package main

import (
	"strings"
	"testing"

	"github.com/ifw/ifw/actions/verdict"
)

// TestQuestionExeUnverified: ifw queue list says an unverified program is
// unverified.
func TestQuestionExeUnverified(t *testing.T) {
	q := verdict.Question{PID: 7, Exe: "userns:4026532001:/usr/bin/firefox", Unverified: true}
	got := questionExe(q)
	if !strings.Contains(got, "program unverified") || !strings.HasSuffix(got, "[7]") {
		t.Errorf("questionExe: %q, want it marked unverified, with its PID", got)
	}
	if got := questionExe(verdict.Question{PID: 7, Exe: "/usr/bin/curl"}); got != "/usr/bin/curl [7]" {
		t.Errorf("questionExe: %q", got)
	}
}
