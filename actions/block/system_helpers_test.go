package block

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// The system tests run against the real kernel, each in a network
// namespace of its own: they need root and ip (Debian: iproute2). The
// host's own ipsets are never touched.

// requireSystem skips (fails under CI=true) when the test cannot run.
func requireSystem(t testing.TB) {
	t.Helper()
	why := ""
	if os.Geteuid() != 0 {
		why = "needs root"
	} else if _, err := exec.LookPath("ip"); err != nil {
		why = "needs ip (Debian: iproute2)"
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// testNS makes a network namespace, removed when the test ends (also when
// it fails), and returns its name and path.
func testNS(t testing.TB) (name, path string) {
	t.Helper()
	requireSystem(t)
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name = "ifwblk-" + hex.EncodeToString(rnd[:])
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	run(t, "ip", "netns", "add", name)
	run(t, "ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")
	return name, "/var/run/netns/" + name
}

func run(t testing.TB, argv ...string) {
	t.Helper()
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// nsHandle is a netlink handle in the namespace at path, for what the
// tests do behind the package's back.
func nsHandle(t testing.TB, path string) *netlink.Handle {
	t.Helper()
	ns, err := netns.GetFromPath(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_NETFILTER)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// openSetsIn opens and ensures the sets of cfg in the namespace at path.
func openSetsIn(t testing.TB, cfg SetsConfig, path string) *Sets {
	t.Helper()
	cfg.NetNS = path
	s, err := OpenSets(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Ensure(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// realRig is a Blocker over real sets in a namespace and a real store.
type realRig struct {
	b     *Blocker
	sets  *Sets
	g     *fakeGuard
	store string // the database path
}

func newRealRig(t testing.TB, path, dbPath string, cfg Config) *realRig {
	t.Helper()
	r := &realRig{sets: openSetsIn(t, SetsConfig{}, path), g: &fakeGuard{never: []netip.Prefix{pfx("192.0.2.1/32")}}, store: dbPath}
	var err error
	if r.b, err = New(cfg, r.sets, openStore(t, dbPath), r.g, nil); err != nil {
		t.Fatal(err)
	}
	return r
}

func dbIn(t testing.TB) string { return filepath.Join(t.TempDir(), "ifw.db") }

// kernelEntries lists the block sets, sorted.
func kernelEntries(t testing.TB, s *Sets) []Entry {
	t.Helper()
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(list, func(a, b Entry) int { return a.Prefix.Addr().Compare(b.Prefix.Addr()) })
	return list
}

// waitGone polls until the kernel no longer holds p.
func waitGone(t testing.TB, s *Sets, p netip.Prefix, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if in, err := s.Test(p); err != nil {
			t.Fatal(err)
		} else if !in {
			return
		}
	}
	t.Fatalf("%v still in the kernel after %s", p, within)
}

// percentile of sorted durations.
func percentile(sorted []time.Duration, q float64) time.Duration {
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}
