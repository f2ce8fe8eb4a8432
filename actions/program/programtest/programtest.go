// Package programtest makes programs that actions/program accepts, for the
// tests of the packages that run them (program, script, mail).
package programtest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ifw/ifw/test/testenv"
)

// Dir is a new directory only root can change (mode 0755, root's), removed
// when the test ends. It needs root (testenv.Root).
func Dir(t testing.TB) string {
	t.Helper()
	testenv.Root(t) // the programs must be root's
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Write writes an executable file (mode 0755) to dir/name and returns its
// path.
func Write(t testing.TB, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}
