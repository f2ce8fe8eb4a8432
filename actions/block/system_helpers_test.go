package block

import (
	"context"
	"net/netip"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// The system tests run against the real kernel, each in a network
// namespace of its own (testenv.NewNetNS): they need root and ip. The
// host's own ipsets are never touched.

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
