package block

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/test/testenv"
)

func TestSystemEnsure(t *testing.T) {
	path := testenv.NewNetNS(t, "blk").Path()
	s, err := OpenSets(SetsConfig{NetNS: path, MaxElem: 1000}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Add(pfx("198.51.100.7/32"), time.Minute); !errors.Is(err, ErrNoSet) {
		t.Errorf("add before Ensure: %v, want ErrNoSet", err)
	}
	for range 2 { // the second finds them all in place
		if err := s.Ensure(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, spec := range s.specs() {
		info, err := s.header(spec.name)
		if err != nil || info.Type != "hash:net" || info.Family != spec.family || info.HasTimeout != spec.timeout || info.MaxElements != spec.maxElem {
			t.Errorf("%s: %+v %v", spec.name, info, err)
		}
	}
}

// TestSystemEnsureMismatch: an existing set of the wrong kind is refused,
// with a clear error, and left alone.
func TestSystemEnsureMismatch(t *testing.T) {
	zero := uint32(0)
	tests := []struct {
		name    string
		typ     string
		opts    netlink.IpsetCreateOptions
		problem string
	}{
		{"type", "hash:ip", netlink.IpsetCreateOptions{Family: unix.AF_INET, Timeout: &zero}, "its type is hash:ip, want hash:net"},
		{"family", "hash:net", netlink.IpsetCreateOptions{Family: unix.AF_INET6, Timeout: &zero}, "its family is inet6, want inet"},
		{"timeout", "hash:net", netlink.IpsetCreateOptions{Family: unix.AF_INET}, "it has no timeout support"},
	}
	for _, tt := range tests {
		path := testenv.NewNetNS(t, "blk").Path()
		if err := nsHandle(t, path).IpsetCreate(DefaultBlock4, tt.typ, tt.opts); err != nil {
			t.Fatal(err)
		}
		s, err := OpenSets(SetsConfig{NetNS: path}, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Ensure(context.Background())
		var se *SetError
		if !errors.As(err, &se) || !errors.Is(err, ErrSetMismatch) || se.Set != DefaultBlock4 || se.Problem != tt.problem {
			t.Errorf("%s: %v", tt.name, err)
		}
		s.Close()
	}
}

// TestSystemTimedBlock: a 2 s block is in the kernel and listed, then the
// kernel drops it and Sync closes its record as expired; IPv4 and IPv6.
func TestSystemTimedBlock(t *testing.T) {
	ctx := context.Background()
	path := testenv.NewNetNS(t, "blk").Path()
	r := newRealRig(t, path, dbIn(t), Config{})
	v4, v6 := pfx("198.51.100.7/32"), pfx("2001:db8::/64")
	for _, p := range []netip.Prefix{v4, v6} {
		if _, err := r.b.Block(ctx, Request{Prefix: p, For: 2 * time.Second, Reason: "test", Trusted: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.b.Block(ctx, Request{Prefix: pfx("192.0.2.1/32"), Trusted: true}); !errors.Is(err, errRefused) {
		t.Errorf("never-block address: %v", err)
	}
	list, err := r.b.List(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("List: %+v %v", list, err)
	}
	for _, a := range list {
		if a.Remaining() <= 0 || a.Remaining() > 2*time.Second {
			t.Errorf("%v: remaining %v", a.Prefix, a.Remaining())
		}
	}
	entries := kernelEntries(t, r.sets)
	if len(entries) != 2 || entries[0].Prefix != v4 || entries[1].Prefix != v6 {
		t.Errorf("kernel %+v", entries)
	}
	waitGone(t, r.sets, v4, 5*time.Second)
	waitGone(t, r.sets, v6, 5*time.Second)
	st, err := r.b.Sync(ctx)
	if err != nil || st != (SyncStats{Expired: 2}) {
		t.Errorf("Sync: %+v %v", st, err)
	}
	if list, err := r.b.List(ctx); err != nil || len(list) != 0 {
		t.Errorf("List after expiry: %+v %v", list, err)
	}
}

// TestSystemDrops: an entry of the block set drops packets from its
// source at a set-match rule, until it expires (the rule is what `ifw
// setup` installs; here it is made by hand in the namespace). A TCP
// connect to a closed port is refused while packets pass and times out
// while they are dropped.
func TestSystemDrops(t *testing.T) {
	testenv.Tool(t, "iptables", "nc")
	ctx := context.Background()
	ns := testenv.NewNetNS(t, "blk")
	r := newRealRig(t, ns.Path(), dbIn(t), Config{})
	ns.Run(t, "ip", "addr", "add", "198.51.100.7/32", "dev", "lo")
	ns.Run(t, "iptables", "-I", "INPUT", "-m", "set", "--match-set", DefaultBlock4, "src", "-j", "DROP")
	passes := func() bool {
		out, _ := ns.Command("nc", "-v", "-z", "-w1", "-s", "198.51.100.7", "198.51.100.7", "9").CombinedOutput()
		return strings.Contains(string(out), "refused")
	}
	if !passes() {
		t.Fatal("packets dropped before the block")
	}
	if _, err := r.b.Block(ctx, Request{Prefix: pfx("198.51.100.0/24"), For: 2 * time.Second, Trusted: true}); err != nil {
		t.Fatal(err)
	}
	if passes() {
		t.Error("packets from a blocked /24 pass")
	}
	waitGone(t, r.sets, pfx("198.51.100.0/24"), 5*time.Second)
	if !passes() {
		t.Error("packets dropped after the block expired")
	}
}

// TestSystemRestore: after a "reboot" (empty sets, one stray entry), a
// new daemon restores the blocks still due with their remaining time.
func TestSystemRestore(t *testing.T) {
	ctx := context.Background()
	path := testenv.NewNetNS(t, "blk").Path()
	db := dbIn(t)
	hour, perm, short, stray := pfx("198.51.100.1/32"), pfx("2001:db8:1::/48"), pfx("198.51.100.2/32"), pfx("203.0.113.0/24")
	func() {
		r := newRealRig(t, path, db, Config{})
		for _, req := range []Request{{Prefix: hour, For: time.Hour}, {Prefix: perm, For: Forever}, {Prefix: short, For: time.Second}} {
			req.Trusted = true
			if _, err := r.b.Block(ctx, req); err != nil {
				t.Fatal(err)
			}
		}
	}()
	h := nsHandle(t, path)
	for _, set := range []string{DefaultBlock4, DefaultBlock6} {
		if err := h.IpsetFlush(set); err != nil {
			t.Fatal(err)
		}
	}
	ttl := uint32(600)
	if err := h.IpsetAdd(DefaultBlock4, netEntry(stray, &ttl, true)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)

	r := newRealRig(t, path, db, Config{})
	st, err := r.b.Restore(ctx)
	if want := (SyncStats{Restored: 2, Expired: 1, Orphans: 1}); err != nil || st != want {
		t.Errorf("Restore: %+v %v, want %+v", st, err, want)
	}
	entries := kernelEntries(t, r.sets)
	if len(entries) != 2 || entries[0].Prefix != hour || entries[1].Prefix != perm || entries[1].Remaining != 0 ||
		entries[0].Remaining < time.Hour-time.Minute || entries[0].Remaining > time.Hour-2*time.Second {
		t.Errorf("kernel after restore: %+v", entries)
	}
}

// TestSystemKernelErrors: a full set refuses, and the record says so; a
// missing entry is ErrNotInSet.
func TestSystemKernelErrors(t *testing.T) {
	ctx := context.Background()
	path := testenv.NewNetNS(t, "blk").Path()
	sets := openSetsIn(t, SetsConfig{MaxElem: 4, BulkMaxElem: 5}, path)
	store := openStore(t, dbIn(t))
	b, err := New(Config{}, sets, store, &fakeGuard{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if _, err := b.Block(ctx, Request{Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), 32), Trusted: true}); err != nil {
			t.Fatal(err)
		}
	}
	p := pfx("198.51.100.99/32")
	_, err = b.Block(ctx, Request{Prefix: p, Trusted: true})
	var ke *KernelError
	if !errors.Is(err, ErrSetFull) || !errors.As(err, &ke) || ke.Set != DefaultBlock4 || ke.Prefix != p {
		t.Errorf("fifth block: %v", err)
	}
	if recs, _ := store.Blocks(ctx, alerts.BlockQuery{Prefix: p, IncludeRemoved: true}); len(recs) != 1 || recs[0].RemovedWhy != alerts.RemovedKernel {
		t.Errorf("record of the refused block: %+v", recs)
	}
	if err := sets.Del(p); !errors.Is(err, ErrNotInSet) {
		t.Errorf("del of a missing entry: %v", err)
	}
	if in, err := sets.Test(p); in || err != nil {
		t.Errorf("test of a missing entry: %v %v", in, err)
	}
	if err := sets.Add(p, MaxTimeout+time.Second); err == nil {
		t.Error("a timeout beyond the kernel's accepted")
	}
	var v6 []netip.Prefix
	for i := range 6 {
		v6 = append(v6, netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i)}), 128))
	}
	if err := sets.ReplaceBulk(ctx, nil, v6); !errors.Is(err, ErrTooMany) {
		t.Errorf("bulk beyond maxelem: %v", err)
	}
	// A batch the kernel refuses names the entry: the empty IPv6 block
	// set takes 4.
	err = sets.fill(ctx, DefaultBlock6, v6)
	if !errors.Is(err, ErrSetFull) || !errors.As(err, &ke) || ke.Op != "bulk add" || ke.Prefix != v6[4] {
		t.Errorf("refused batch: %v", err)
	}
}

// TestSystemBulk: 100,000 entries load in one batch; a smaller list then
// replaces them whole.
func TestSystemBulk(t *testing.T) {
	ctx := context.Background()
	path := testenv.NewNetNS(t, "blk").Path()
	r := newRealRig(t, path, dbIn(t), Config{})
	dir := t.TempDir()
	big := writeList(t, filepath.Join(dir, "big.list"), 100000, 2000)
	st, err := r.b.LoadBulk(ctx, []string{big}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bulk load of %d entries (%d IPv4, %d IPv6): %v", st.Entries, st.Loaded4, st.Loaded6, st.Took)
	if st.Loaded4 != 100000 || st.Loaded6 != 2000 || st.Refused != 1 {
		t.Errorf("stats %+v", st)
	}
	checkBulk(t, r.sets, 100000, 2000)
	small := writeList(t, filepath.Join(dir, "small.list"), 10, 3)
	if st, err = r.b.LoadBulk(ctx, []string{small}, 24, 0); err != nil {
		t.Fatal(err)
	}
	checkBulk(t, r.sets, st.Loaded4, 3)
	for _, tmp := range []string{DefaultBulk4 + tempSuffix, DefaultBulk6 + tempSuffix} {
		if _, err := r.sets.header(tmp); !errors.Is(err, ErrNoSet) {
			t.Errorf("temporary set %s left: %v", tmp, err)
		}
	}
}

// writeList writes n4 distinct IPv4 addresses (10.0.0.0/8 on), the
// never-block address, and n6 IPv6 addresses.
func writeList(t testing.TB, path string, n4, n6 int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# generated\n192.0.2.1\n")
	for i := range n4 {
		fmt.Fprintf(&b, "10.%d.%d.%d\n", i>>16&0xff, i>>8&0xff, i&0xff)
	}
	for i := range n6 {
		fmt.Fprintf(&b, "2001:db8:%x::/48 ; drop\n", i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkBulk compares the kernel's element counts of the bulk sets.
func checkBulk(t testing.TB, s *Sets, n4, n6 int) {
	t.Helper()
	for _, c := range []struct {
		set string
		n   int
	}{{DefaultBulk4, n4}, {DefaultBulk6, n6}} {
		info, err := s.header(c.set)
		if err != nil || int(info.Entries) != c.n {
			t.Errorf("%s: %d entries (%v), want %d", c.set, info.Entries, err, c.n)
		}
	}
}

// TestSystemBlockLatency: 1000 blocks (record + kernel add), then a Sync
// that finds store and kernel agreeing. The timings are logged, never
// asserted: a loaded machine pauses (bench_test.go measures).
func TestSystemBlockLatency(t *testing.T) {
	ctx := context.Background()
	path := testenv.NewNetNS(t, "blk").Path()
	r := newRealRig(t, path, dbIn(t), Config{})
	lat := make([]time.Duration, 0, 1000)
	for i := range 1000 {
		p := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), 32)
		start := time.Now()
		if _, err := r.b.Block(ctx, Request{Prefix: p, Level: 5, Source: alerts.BlockAuto, Trusted: true}); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	t.Logf("Block (guard, repeat count, record, kernel add) over 1000: p50 %v, p99 %v, max %v",
		percentile(lat, 0.5), percentile(lat, 0.99), lat[len(lat)-1])
	start := time.Now()
	st, err := r.b.Sync(ctx)
	t.Logf("Sync of 1000 blocks: %v", time.Since(start))
	if err != nil || st != (SyncStats{}) {
		t.Errorf("Sync: %+v %v", st, err)
	}
}

// TestSystemSetsLock: one holder per set and namespace; a second Lock in
// the same namespace names the holder's PID; another namespace's sets of
// the same names are free; Release frees them.
func TestSystemSetsLock(t *testing.T) {
	path := testenv.NewNetNS(t, "blk").Path()
	other := testenv.NewNetNS(t, "blk").Path()
	open := func(ns string) *Sets {
		s, err := OpenSets(SetsConfig{NetNS: ns}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b, c := open(path), open(path), open(other)
	la, err := a.Lock()
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Lock()
	var inUse *InUseError
	if !errors.As(err, &inUse) || !errors.Is(err, ErrInUse) || inUse.PID != os.Getpid() || inUse.Set != DefaultBlock4 {
		t.Fatalf("second lock in the same namespace: %v", err)
	}
	lc, err := c.Lock()
	if err != nil {
		t.Fatalf("lock in another namespace: %v", err)
	}
	lc.Release()
	la.Release()
	lb, err := b.Lock()
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	lb.Release()
}

// TestSystemDestroy: Destroy takes the four sets out, blocks with them,
// but never from under a daemon that holds them; a second Destroy finds
// nothing to do.
func TestSystemDestroy(t *testing.T) {
	path := testenv.NewNetNS(t, "blk").Path()
	s := openSetsIn(t, SetsConfig{}, path)
	if err := s.Add(pfx("198.51.100.7/32"), time.Minute); err != nil {
		t.Fatal(err)
	}
	daemon := openSetsIn(t, SetsConfig{}, path)
	held, err := daemon.Lock()
	if err != nil {
		t.Fatal(err)
	}
	if done, err := s.Destroy(context.Background()); !errors.Is(err, ErrInUse) || len(done) != 0 {
		t.Fatalf("Destroy while a daemon holds the sets = %v, %v; want nothing and ErrInUse", done, err)
	}
	if _, err := s.header(DefaultBlock4); err != nil {
		t.Fatalf("after the refused Destroy: %v", err)
	}
	held.Release()
	done, err := s.Destroy(context.Background())
	if err != nil || !slices.Equal(done, []string{DefaultBlock4, DefaultBlock6, DefaultBulk4, DefaultBulk6}) {
		t.Fatalf("Destroy = %v, %v", done, err)
	}
	for _, spec := range s.specs() {
		if _, err := s.header(spec.name); !errors.Is(err, ErrNoSet) {
			t.Errorf("%s after Destroy: %v, want ErrNoSet", spec.name, err)
		}
	}
	if done, err := s.Destroy(context.Background()); err != nil || len(done) != 0 {
		t.Errorf("second Destroy = %v, %v; want nothing to do", done, err)
	}
}
