package procs

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// inNetNS runs fn on a thread inside a new network namespace with lo up,
// then lets the thread die with its goroutine. The namespace is removed
// when the test ends, also when it fails.
func inNetNS(t *testing.T, fn func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("needs root")
		}
		t.Skip("needs root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs ip (Debian: iproute2)")
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := "ifwtest-procs-" + hex.EncodeToString(rnd[:])
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	for _, args := range [][]string{{"netns", "add", name}, {"-n", name, "link", "set", "lo", "up"}} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}
	ns, err := os.Open("/var/run/netns/" + name)
	must(t, err)
	defer ns.Close()
	var setns error
	done := make(chan struct{})
	go func() {
		defer close(done)      // also when fn fails the test (runtime.Goexit)
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		if setns = unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); setns == nil {
			fn()
		}
	}()
	<-done
	if setns != nil {
		t.Fatalf("enter netns: %v", setns)
	}
	if t.Failed() {
		t.FailNow()
	}
}

func TestLookupInNetNS(t *testing.T) {
	// New inside a namespace finds its sockets, from any goroutine; a
	// Finder of the host's namespace does not.
	var cn conn
	var inside *Finder
	inNetNS(t, func() {
		cn = tcpConn(t, unix.AF_INET, lo4, unix.AF_INET, lo4)
		inside = newTestFinder(t, Config{}, false)
	})
	own, err := inside.Lookup(cn.tuple)
	if err != nil {
		t.Fatal(err)
	}
	checkSelf(t, own, cn)
	host := newTestFinder(t, Config{}, false)
	if own, err := host.Lookup(cn.tuple); !errors.Is(err, ErrNoSocket) {
		t.Errorf("host lookup of a namespace's socket: %+v, %v; want ErrNoSocket", own, err)
	}
}
