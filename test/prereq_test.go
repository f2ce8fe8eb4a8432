package test

import (
	"os"
	"os/exec"
	"testing"
)

// require skips the test (or fails it under CI=true) unless it runs as root
// and every named command is installed.
func require(t *testing.T, cmds ...string) {
	t.Helper()
	miss := func(why string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf("prerequisite missing under CI: %s", why)
		}
		t.Skipf("skipped: %s", why)
	}
	if os.Geteuid() != 0 {
		miss("needs root")
	}
	for _, c := range cmds {
		if _, err := exec.LookPath(c); err != nil {
			miss(c + " is not installed (make deps)")
		}
	}
}
