package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// NetNS is a network namespace made for one test, with lo up.
type NetNS struct {
	Name string // as `ip netns` knows it
}

// NewNetNS makes a network namespace named "ifwt-LABEL-RANDOM" with lo up.
// It is removed when the test ends, also when it fails. It needs root and
// ip (see Root and Tool).
func NewNetNS(t testing.TB, label string) *NetNS {
	t.Helper()
	Root(t)
	Tool(t, "ip")
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	n := &NetNS{Name: "ifwt-" + label + "-" + hex.EncodeToString(rnd[:])}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", n.Name).Run() })
	Run(t, "ip", "netns", "add", n.Name)
	Run(t, "ip", "-n", n.Name, "link", "set", "lo", "up")
	return n
}

// Path is the namespace's file, for setns(2) or a netlink handle.
func (n *NetNS) Path() string { return "/var/run/netns/" + n.Name }

// Cmd is argv run inside the namespace (by ip netns exec).
func (n *NetNS) Cmd(argv ...string) []string {
	return append([]string{"ip", "netns", "exec", n.Name}, argv...)
}

// Command is an exec.Cmd that runs argv inside the namespace.
func (n *NetNS) Command(argv ...string) *exec.Cmd {
	cmd := n.Cmd(argv...)
	return exec.Command(cmd[0], cmd[1:]...)
}

// Run runs argv inside the namespace, as the package's Run.
func (n *NetNS) Run(t testing.TB, argv ...string) string {
	t.Helper()
	return Run(t, n.Cmd(argv...)...)
}

// Do runs fn on an OS thread that has entered the namespace, then lets the
// thread die with its goroutine (it is never returned to the runtime's
// pool). fn may fail the test; Do then stops it too.
func (n *NetNS) Do(t testing.TB, fn func()) {
	t.Helper()
	f, err := os.Open(n.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var setns error
	done := make(chan struct{})
	go func() {
		defer close(done)      // also when fn fails the test (runtime.Goexit)
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		if setns = unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); setns == nil {
			fn()
		}
	}()
	<-done
	if setns != nil {
		t.Fatalf("enter netns %s: %v", n.Name, setns)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// Veth links two namespaces (or one to itself) by a veth pair, ifA in a
// and ifB in b, both up. The pair goes with its namespaces.
func Veth(t testing.TB, a *NetNS, ifA string, b *NetNS, ifB string) {
	t.Helper()
	Run(t, "ip", "link", "add", ifA, "netns", a.Name, "type", "veth", "peer", "name", ifB, "netns", b.Name)
	a.Run(t, "ip", "link", "set", ifA, "up")
	b.Run(t, "ip", "link", "set", ifB, "up")
}
