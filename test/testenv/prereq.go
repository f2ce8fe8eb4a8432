package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// CI reports whether the tests run under CI (CI=true), where every
// prerequisite must be there.
func CI() bool { return os.Getenv("CI") == "true" }

// Missing skips the test for a prerequisite that is not there, or fails it
// under CI=true.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	what := fmt.Sprintf(format, args...)
	if CI() {
		t.Fatalf("prerequisite missing under CI: %s", what)
	}
	t.Skipf("prerequisite missing: %s", what)
}

// Root skips the test unless it runs as root (fails it under CI=true).
func Root(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "needs root")
	}
}

// Tool skips the test unless every named program is on PATH (fails it
// under CI=true). The Makefile's TEST_DEPS says which Debian package has
// it; `make deps` installs them.
func Tool(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			Missing(t, "needs %s, not found (make deps installs it)", name)
		}
	}
}
