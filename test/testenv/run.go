package testenv

import (
	"os/exec"
	"strings"
	"testing"
)

// Run runs argv and returns its output (stdout and stderr); when it fails,
// the test fails with the command and its output.
func Run(t testing.TB, argv ...string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return string(out)
}
