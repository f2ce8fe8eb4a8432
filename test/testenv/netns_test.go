package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNetNS: the namespace exists with lo up while the test runs, Do runs
// inside it, a veth pair joins two, and all is gone when the test ends.
func TestNetNS(t *testing.T) {
	var names []string
	t.Run("make", func(t *testing.T) {
		a, b := NewNetNS(t, "a"), NewNetNS(t, "b")
		names = append(names, a.Name, b.Name)
		if !strings.HasPrefix(a.Name, "ifwt-a-") || a.Name == b.Name {
			t.Errorf("names %q, %q", a.Name, b.Name)
		}
		if out := a.Run(t, "ip", "-o", "link", "show", "lo"); !strings.Contains(out, "UP") {
			t.Errorf("lo is not up: %s", out)
		}
		host, err := os.Readlink("/proc/thread-self/ns/net")
		if err != nil {
			t.Fatal(err)
		}
		var inside string
		a.Do(t, func() { inside, err = os.Readlink("/proc/thread-self/ns/net") })
		if err != nil || inside == host {
			t.Errorf("Do ran in %q (%v), the host is %q", inside, err, host)
		}
		Veth(t, a, "ta0", b, "tb0")
		if out := b.Run(t, "ip", "-o", "link", "show", "tb0"); !strings.Contains(out, "tb0@") {
			t.Errorf("no veth in b: %s", out)
		}
	})
	if len(names) == 0 {
		return // skipped
	}
	out, err := exec.Command("ip", "netns", "list").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.Contains(string(out), n) {
			t.Errorf("namespace %s left behind", n)
		}
	}
}
