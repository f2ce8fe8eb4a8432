package block

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

// TestBlockRecordsThenKernel: a block is recorded with its expiry and
// reaches the kernel with the time left.
func TestBlockRecordsThenKernel(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{})
	blk, err := r.b.Block(ctx, Request{Prefix: pfx("198.51.100.7/32"), Reason: "by hand", Trusted: true})
	if err != nil {
		t.Fatal(err)
	}
	want := alerts.Block{ID: blk.ID, Prefix: pfx("198.51.100.7/32"), Family: 4, Reason: "by hand", Source: alerts.BlockManual,
		Created: t0, Expires: t0.Add(time.Hour)}
	if blk != want || blk.ID <= 0 {
		t.Errorf("Block returned\n%+v\nwant\n%+v", blk, want)
	}
	if got := r.active(t)[want.Prefix]; got != want {
		t.Errorf("recorded\n%+v\nwant\n%+v", got, want)
	}
	if got := r.k.has(); !slices.Equal(got, []netip.Prefix{want.Prefix}) || r.k.adds[0] != time.Hour {
		t.Errorf("kernel %v, adds %v", got, r.k.adds)
	}
	for _, bad := range []Request{{Prefix: pfx("0.0.0.0/0")}, {Prefix: pfx("198.51.100.8/32"), For: -time.Second},
		{Prefix: pfx("198.51.100.8/32"), Source: alerts.BlockBulk}} {
		if _, err := r.b.Block(ctx, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if len(r.k.has()) != 1 || len(r.active(t)) != 1 {
		t.Errorf("refused requests left kernel %v, records %v", r.k.has(), r.active(t))
	}
}

// TestRepeatOffenders: each earlier block within the window doubles the
// next, up to the cap; blocks older than the window do not count.
func TestRepeatOffenders(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{MaxDuration: 5 * time.Hour, RepeatWindow: 24 * time.Hour})
	p := pfx("198.51.100.7/32")
	var got []time.Duration
	for range 4 {
		blk, err := r.b.Block(ctx, Request{Prefix: p, Level: 5, Source: alerts.BlockAuto, Trusted: true})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, blk.Expires.Sub(blk.Created))
		r.clock.Advance(blk.Expires.Sub(blk.Created) + time.Second)
		if _, err := r.b.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if want := []time.Duration{time.Hour, 2 * time.Hour, 4 * time.Hour, 5 * time.Hour}; !slices.Equal(got, want) {
		t.Errorf("durations %v, want %v", got, want)
	}
	r.clock.Advance(48 * time.Hour)
	blk, err := r.b.Block(ctx, Request{Prefix: p, Level: 5, Source: alerts.BlockAuto, Trusted: true})
	if err != nil || blk.Expires.Sub(blk.Created) != time.Hour {
		t.Errorf("after the window: %v %v", blk.Expires.Sub(blk.Created), err)
	}
}

// TestRiseWhileBlocked: one offence rising from level 2 to 3 while its
// block is active is no repeat: the block grows to level 3's duration,
// not to level 3's doubled; only a block that ended counts as earlier.
func TestRiseWhileBlocked(t *testing.T) {
	ctx := context.Background()
	var durs [6]time.Duration
	durs[2], durs[3] = 10*time.Second, 20*time.Second
	r := newRig(t, Config{DurationByLevel: durs})
	p := pfx("198.51.100.7/32")
	first, err := r.b.Block(ctx, Request{Prefix: p, Level: 2, Source: alerts.BlockAuto, Trusted: true})
	if err != nil || first.Expires.Sub(first.Created) != 10*time.Second {
		t.Fatalf("level 2: %+v %v", first, err)
	}
	r.clock.Advance(time.Millisecond)
	rise, err := r.b.Block(ctx, Request{Prefix: p, Level: 3, Source: alerts.BlockAuto, Trusted: true})
	if err != nil || rise.ID != first.ID || rise.Level != 3 || rise.Expires != t0.Add(time.Millisecond+20*time.Second) {
		t.Errorf("rise to level 3 while blocked: %+v (for %v) %v, want 20s from the rise",
			rise, rise.Expires.Sub(rise.Created), err)
	}
	r.clock.Advance(21 * time.Second)
	if _, err := r.b.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := r.b.Block(ctx, Request{Prefix: p, Level: 3, Source: alerts.BlockAuto, Trusted: true})
	if err != nil || again.Expires.Sub(again.Created) != 40*time.Second {
		t.Errorf("level 3 after the block ended: for %v %v, want 40s (one earlier block)", again.Expires.Sub(again.Created), err)
	}
}

// TestGuardRefuses: a refused block returns the guard's error and leaves
// no trace; the guard sees the trusted flag as given.
func TestGuardRefuses(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		r       Request
		refused bool
	}{
		{"never-block address", Request{Prefix: pfx("192.0.2.1/32"), Trusted: true}, true},
		{"network covering it", Request{Prefix: pfx("192.0.2.0/24"), Trusted: true}, true},
		{"mapped never-block address", Request{Prefix: pfx("::ffff:192.0.2.1/128"), Trusted: true}, true},
		{"home on untrusted evidence", Request{Prefix: pfx("10.1.2.3/32"), Source: alerts.BlockAuto, Level: 5}, true},
		{"home on trusted evidence", Request{Prefix: pfx("10.1.2.3/32"), Source: alerts.BlockAuto, Level: 5, Trusted: true}, false},
		{"outside home, untrusted", Request{Prefix: pfx("198.51.100.7/32"), Source: alerts.BlockAuto, Level: 5}, false},
	}
	for _, tt := range tests {
		r := newRig(t, Config{})
		_, err := r.b.Block(ctx, tt.r)
		if tt.refused != errors.Is(err, errRefused) || !tt.refused && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		want, _ := Canonical(tt.r.Prefix)
		if calls := r.g.calls(); len(calls) != 1 || calls[0] != (guardCall{want, tt.r.Trusted}) {
			t.Errorf("%s: guard asked %v", tt.name, calls)
		}
		if recs := r.history(t, want); tt.refused && (len(recs) != 0 || len(r.k.has()) != 0) {
			t.Errorf("%s: refused, yet recorded %v, kernel %v", tt.name, recs, r.k.has())
		}
	}
}

func TestAuto(t *testing.T) {
	ctx := context.Background()
	alert := func(src string, level int, trusted bool) alerts.Alert {
		return alerts.Alert{ID: 7, Src: netip.MustParseAddr(src), Level: level, Trusted: trusted, Reasons: "level"}
	}
	tests := []struct {
		name    string
		cfg     Config
		a       alerts.Alert
		blocked string // the prefix blocked; "" none
		refused bool
	}{
		{"auto off", Config{}, alert("198.51.100.7", 5, true), "", false},
		{"below the default level", Config{Auto: true}, alert("198.51.100.7", 4, true), "", false},
		{"at the default level", Config{Auto: true}, alert("198.51.100.7", 5, true), "198.51.100.7/32", false},
		{"at a lower level", Config{Auto: true, MinLevel: 3}, alert("198.51.100.7", 3, true), "198.51.100.7/32", false},
		{"IPv6", Config{Auto: true}, alert("2001:db8::7", 5, true), "2001:db8::7/128", false},
		{"IPv4-mapped", Config{Auto: true}, alert("::ffff:198.51.100.7", 5, true), "198.51.100.7/32", false},
		{"untrusted home", Config{Auto: true}, alert("10.0.0.1", 5, false), "", true},
		{"no source", Config{Auto: true}, alerts.Alert{Level: 5}, "", false},
	}
	for _, tt := range tests {
		r := newRig(t, tt.cfg)
		blk, blocked, err := r.b.Auto(ctx, tt.a)
		if tt.refused != errors.Is(err, errRefused) || !tt.refused && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if blocked != (tt.blocked != "") || blocked && (blk.Prefix.String() != tt.blocked || blk.Source != alerts.BlockAuto || blk.Level != tt.a.Level) {
			t.Errorf("%s: blocked %v %+v, want %q", tt.name, blocked, blk, tt.blocked)
		}
		if calls := r.g.calls(); tt.blocked != "" && (len(calls) != 1 || calls[0].trusted != tt.a.Trusted) {
			t.Errorf("%s: guard asked %v", tt.name, calls)
		}
	}
}

// TestKernelRefuses: a block the kernel refuses is closed as "kernel" and
// the kernel's error returned.
func TestKernelRefuses(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{})
	r.k.fail = &KernelError{Op: "add", Set: "fake", Err: errors.New("full"), kind: ErrSetFull}
	p := pfx("198.51.100.7/32")
	if _, err := r.b.Block(ctx, Request{Prefix: p, Trusted: true}); !errors.Is(err, ErrSetFull) {
		t.Fatalf("Block: %v, want ErrSetFull", err)
	}
	h := r.history(t, p)
	if len(h) != 1 || h[0].Active() || h[0].RemovedWhy != alerts.RemovedKernel {
		t.Errorf("record %+v", h)
	}
}

// TestReblockNeverShortens: blocking an active prefix again keeps its
// record and its longer expiry; a longer block extends it.
func TestReblockNeverShortens(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{})
	p := pfx("198.51.100.7/32")
	first, err := r.b.Block(ctx, Request{Prefix: p, For: 10 * time.Hour, Reason: "long", Trusted: true})
	if err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(time.Minute)
	second, err := r.b.Block(ctx, Request{Prefix: p, For: time.Hour, Reason: "short", Source: alerts.BlockAuto, Level: 5, Trusted: true})
	if err != nil || second.ID != first.ID || second.Expires != first.Expires || second.Created != t0 || second.Reason != "short" {
		t.Errorf("shorter re-block: %+v %v", second, err)
	}
	third, err := r.b.Block(ctx, Request{Prefix: p, For: Forever, Trusted: true})
	if err != nil || !third.Permanent() || r.k.adds[len(r.k.adds)-1] != 0 {
		t.Errorf("permanent re-block: %+v %v, kernel ttl %v", third, err, r.k.adds)
	}
	fourth, _ := r.b.Block(ctx, Request{Prefix: p, For: time.Hour, Trusted: true})
	if !fourth.Permanent() || len(r.history(t, p)) != 1 {
		t.Errorf("after permanent: %+v, %d records", fourth, len(r.history(t, p)))
	}
}

func TestUnblock(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{})
	p := pfx("2001:db8::/64")
	if _, err := r.b.Block(ctx, Request{Prefix: p, Trusted: true}); err != nil {
		t.Fatal(err)
	}
	if err := r.b.Unblock(ctx, pfx("2001:db8::1/64")); err != nil {
		t.Fatal(err)
	}
	if h := r.history(t, p); len(h) != 1 || h[0].RemovedWhy != alerts.RemovedDeleted || len(r.k.has()) != 0 {
		t.Errorf("after unblock: %+v, kernel %v", h, r.k.has())
	}
	if err := r.b.Unblock(ctx, p); !errors.Is(err, ErrNotBlocked) {
		t.Errorf("second unblock: %v", err)
	}
	// An entry only the kernel has is removed too.
	if err := r.k.Add(p, 0); err != nil {
		t.Fatal(err)
	}
	if err := r.b.Unblock(ctx, p); err != nil || len(r.k.has()) != 0 {
		t.Errorf("kernel-only unblock: %v %v", err, r.k.has())
	}
}

// TestSync: the store follows the kernel's expiries; early losses, blocks
// beyond the kernel's timeouts and orphans are settled.
func TestSync(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{})
	short, lost, long, perm, orphan := pfx("198.51.100.1/32"), pfx("198.51.100.2/32"), pfx("198.51.100.3/32"),
		pfx("2001:db8::/48"), pfx("203.0.113.0/24")
	for _, req := range []Request{{Prefix: short, For: 2 * time.Second}, {Prefix: lost, For: time.Hour},
		{Prefix: long, For: MaxTimeout + time.Hour}, {Prefix: perm, For: Forever}} {
		req.Trusted = true
		if _, err := r.b.Block(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.k.Del(lost); err != nil { // someone ran ipset del
		t.Fatal(err)
	}
	if err := r.k.Add(orphan, time.Hour); err != nil { // someone ran ipset add
		t.Fatal(err)
	}
	r.clock.Advance(3 * time.Second)
	st, err := r.b.Sync(ctx)
	if want := (SyncStats{Expired: 1, PutBack: 1, Orphans: 1}); err != nil || st != want {
		t.Errorf("sync: %+v %v, want %+v", st, err, want)
	}
	if h := r.history(t, short); h[0].RemovedWhy != alerts.RemovedExpired || h[0].Removed != t0.Add(2*time.Second) {
		t.Errorf("short block: %+v", h[0])
	}
	if h := r.history(t, lost); len(h) != 1 || !h[0].Active() {
		t.Errorf("lost block: %+v, want it active and put back", h)
	}
	if got, want := r.k.has(), []netip.Prefix{lost, long, perm}; !slices.Equal(got, want) {
		t.Errorf("kernel %v, want %v", got, want)
	}
	if ttl := r.k.adds[len(r.k.adds)-1]; ttl != time.Hour-3*time.Second {
		t.Errorf("put back for %v, want the hour less the 3s gone", ttl)
	}
	r.clock.Advance(MaxTimeout + time.Hour)                                    // the long block is due; the kernel holds it without timeout
	if st, err := r.b.Sync(ctx); err != nil || st != (SyncStats{Expired: 2}) { // the long one, and the one put back
		t.Errorf("second sync: %+v %v", st, err)
	}
	if got := r.k.has(); !slices.Equal(got, []netip.Prefix{perm}) || len(r.active(t)) != 1 {
		t.Errorf("kernel %v, active %v", got, r.active(t))
	}
	if tot := r.b.Totals(); tot.PutBack != 1 || tot.Expired != 3 || tot.Orphans != 1 {
		t.Errorf("totals %+v", tot)
	}
}

// TestRestore: after a restart (an empty kernel, or a kernel that kept
// entries), due blocks come back with the time left, others close.
func TestRestore(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{})
	due, past, perm, refused, orphan := pfx("198.51.100.1/32"), pfx("198.51.100.2/32"), pfx("2001:db8::/48"),
		pfx("192.0.2.0/24"), pfx("203.0.113.0/24")
	for _, req := range []Request{{Prefix: due, For: time.Hour}, {Prefix: past, For: time.Minute}, {Prefix: perm, For: Forever}} {
		req.Trusted = true
		if _, err := r.b.Block(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.store.AddBlock(ctx, alerts.Block{Prefix: refused, Source: alerts.BlockManual, Created: t0}); err != nil {
		t.Fatal(err) // recorded before the whitelist covered it
	}
	r.k.set = map[netip.Prefix]time.Time{orphan: {}} // the reboot emptied the sets; someone added one
	r.k.adds = nil
	r.clock.Advance(10 * time.Minute)
	st, err := r.b.Restore(ctx)
	if want := (SyncStats{Restored: 2, Expired: 1, Refused: 1, Orphans: 1}); err != nil || st != want {
		t.Errorf("restore: %+v %v, want %+v", st, err, want)
	}
	if got := r.k.has(); !slices.Equal(got, []netip.Prefix{due, perm}) {
		t.Errorf("kernel %v", got)
	}
	if !slices.Contains(r.k.adds, 50*time.Minute) || !slices.Contains(r.k.adds, 0) {
		t.Errorf("kernel timeouts %v, want 50m and 0", r.k.adds)
	}
	for p, why := range map[netip.Prefix]alerts.RemovedWhy{past: alerts.RemovedExpired, refused: alerts.RemovedDeleted} {
		if h := r.history(t, p); h[0].RemovedWhy != why {
			t.Errorf("%v: %+v, want %s", p, h[0], why)
		}
	}
	list, err := r.b.List(ctx)
	if err != nil || len(list) != 2 || list[0].Prefix != due || list[0].Remaining() != 50*time.Minute || list[1].RemainingSeconds != 0 {
		t.Errorf("List: %+v %v", list, err)
	}
}

// TestListNeverShowsGone: List settles a record whose entry the kernel
// dropped before Sync ran.
func TestListNeverShowsGone(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{})
	for _, p := range []string{"198.51.100.1/32", "198.51.100.2/32"} {
		if _, err := r.b.Block(ctx, Request{Prefix: pfx(p), For: time.Duration(len(p)) * time.Second, Trusted: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.b.Block(ctx, Request{Prefix: pfx("198.51.100.3/32"), For: time.Hour, Trusted: true}); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(20 * time.Second)
	list, err := r.b.List(ctx)
	if err != nil || len(list) != 1 || list[0].Prefix != pfx("198.51.100.3/32") || list[0].Remaining() != time.Hour-20*time.Second {
		t.Errorf("List: %+v %v", list, err)
	}
	if len(r.active(t)) != 1 {
		t.Errorf("store still shows %v", r.active(t))
	}
}

// TestConcurrentBlockAndSync: Sync running alongside blocks never closes
// a block in the middle of being made.
func TestConcurrentBlockAndSync(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{})
	ctxSync, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctxSync.Err() == nil {
			if _, err := r.b.Sync(ctxSync); err != nil && ctxSync.Err() == nil {
				t.Error(err)
			}
		}
	})
	var blockers sync.WaitGroup
	for g := range 4 {
		blockers.Go(func() {
			for i := range 50 {
				p := netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 51, byte(g), byte(i)}), 32)
				if _, err := r.b.Block(ctx, Request{Prefix: p, Trusted: true}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	blockers.Wait()
	stop()
	wg.Wait()
	if n, k := len(r.active(t)), len(r.k.has()); n != 200 || k != 200 {
		t.Errorf("%d active records, %d kernel entries, want 200", n, k)
	}
}

// TestRunStops: Run syncs on its ticker and returns when ctx ends.
func TestRunStops(t *testing.T) {
	r := newRig(t, Config{SyncInterval: 100 * time.Millisecond})
	if _, err := r.b.Block(context.Background(), Request{Prefix: pfx("198.51.100.1/32"), For: time.Second, Trusted: true}); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(2 * time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.b.Run(ctx) }()
	deadline := time.Now().Add(time.Minute)
	for len(r.active(t)) != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Run did not stop")
	}
	if n := len(r.active(t)); n != 0 {
		t.Errorf("Run did not sync: %d active", n)
	}
}

func TestNewRefuses(t *testing.T) {
	c := &clock{now: t0}
	if _, err := New(Config{MinLevel: 9}, newFakeKernel(c), nil, &fakeGuard{}, nil); !errors.Is(err, ErrConfig) {
		t.Errorf("bad config: %v", err)
	}
	if _, err := New(Config{}, newFakeKernel(c), openStore(t, t.TempDir()+"/x.db"), nil, nil); !errors.Is(err, ErrConfig) {
		t.Errorf("no guard: %v", err)
	}
}

// TestSetAuto: the runtime switch decides whether Auto blocks, whatever
// the config said at the start; it returns the value it replaced.
func TestSetAuto(t *testing.T) {
	ctx := context.Background()
	a := alerts.Alert{ID: 7, Src: netip.MustParseAddr("198.51.100.7"), Level: 5, Trusted: true}
	r := newRig(t, Config{Auto: true})
	if !r.b.AutoOn() {
		t.Fatal("AutoOn false with Config.Auto")
	}
	if old := r.b.SetAuto(false); !old {
		t.Errorf("SetAuto(false) returned old %v, want true", old)
	}
	if _, blocked, err := r.b.Auto(ctx, a); blocked || err != nil {
		t.Errorf("switched off: blocked %v, %v", blocked, err)
	}
	if old := r.b.SetAuto(true); old {
		t.Errorf("SetAuto(true) returned old %v, want false", old)
	}
	if _, blocked, err := r.b.Auto(ctx, a); !blocked || err != nil {
		t.Errorf("switched on: blocked %v, %v", blocked, err)
	}
	off := newRig(t, Config{})
	off.b.SetAuto(true)
	if _, blocked, err := off.b.Auto(ctx, a); !blocked || err != nil {
		t.Errorf("config off, switched on: blocked %v, %v", blocked, err)
	}
}
