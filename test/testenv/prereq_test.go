package testenv

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records how the test would end: like
// testing.T, Skipf and Fatalf end the goroutine (runtime.Goexit).
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// record runs check on a goroutine of its own and says how it ended.
func record(t *testing.T, check func(testing.TB)) (skipped, failed string) {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r)
	}()
	<-done
	return r.skipped, r.failed
}

func TestMissing(t *testing.T) {
	for _, ci := range []string{"", "false", "true"} {
		t.Setenv("CI", ci)
		skipped, failed := record(t, func(tb testing.TB) { Missing(tb, "needs %s", "psad") })
		if ci == "true" {
			if skipped != "" || !strings.Contains(failed, "needs psad") {
				t.Errorf("CI=%q: skipped %q, failed %q; want a failure", ci, skipped, failed)
			}
		} else if failed != "" || !strings.Contains(skipped, "needs psad") {
			t.Errorf("CI=%q: skipped %q, failed %q; want a skip", ci, skipped, failed)
		}
	}
}

func TestTool(t *testing.T) {
	t.Setenv("CI", "true")
	if skipped, failed := record(t, func(tb testing.TB) { Tool(tb, "sh") }); skipped+failed != "" {
		t.Errorf("sh: skipped %q, failed %q", skipped, failed)
	}
	_, failed := record(t, func(tb testing.TB) { Tool(tb, "sh", "ifw-no-such-program") })
	if !strings.Contains(failed, "ifw-no-such-program") {
		t.Errorf("a missing program under CI: failed %q", failed)
	}
}

func TestRoot(t *testing.T) {
	t.Setenv("CI", "true")
	_, failed := record(t, Root)
	if root := os.Geteuid() == 0; root != (failed == "") {
		t.Errorf("root %v: failed %q", root, failed)
	}
}
