package block

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// clock is a settable time source shared by the Blocker and the fake
// kernel.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fakeKernel is the kernel boundary: block sets whose entries expire on
// the clock, as ipset's do (whole seconds), and bulk sets.
type fakeKernel struct {
	clock *clock
	mu    sync.Mutex
	set   map[netip.Prefix]time.Time // expiry; zero: permanent
	bulk  [2][]netip.Prefix
	fail  error // returned by the next Add when set
	adds  []time.Duration
}

func newFakeKernel(c *clock) *fakeKernel {
	return &fakeKernel{clock: c, set: map[netip.Prefix]time.Time{}}
}

func (k *fakeKernel) expire() {
	now := k.clock.Now()
	for p, exp := range k.set {
		if !exp.IsZero() && !now.Before(exp) {
			delete(k.set, p)
		}
	}
}

func (k *fakeKernel) Add(p netip.Prefix, ttl time.Duration) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.fail; err != nil {
		k.fail = nil
		return err
	}
	if ttl < 0 || ttl > MaxTimeout {
		return fmt.Errorf("ttl %s", ttl)
	}
	k.adds = append(k.adds, ttl)
	var exp time.Time
	if ttl > 0 {
		exp = k.clock.Now().Add((ttl + time.Second - 1).Truncate(time.Second))
	}
	k.set[p] = exp
	return nil
}

func (k *fakeKernel) Del(p netip.Prefix) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expire()
	if _, ok := k.set[p]; !ok {
		return &KernelError{Op: "del", Set: "fake", Prefix: p, Err: errors.New("exist"), kind: ErrNotInSet}
	}
	delete(k.set, p)
	return nil
}

func (k *fakeKernel) Test(p netip.Prefix) (bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expire()
	_, ok := k.set[p]
	return ok, nil
}

func (k *fakeKernel) List() ([]Entry, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expire()
	out := []Entry{}
	for p, exp := range k.set {
		e := Entry{Prefix: p}
		if !exp.IsZero() {
			e.Remaining = exp.Sub(k.clock.Now()).Truncate(time.Second)
			e.Remaining = max(e.Remaining, time.Second)
		}
		out = append(out, e)
	}
	return out, nil
}

func (k *fakeKernel) ReplaceBulk(_ context.Context, v4, v6 []netip.Prefix) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.bulk = [2][]netip.Prefix{slices.Clone(v4), slices.Clone(v6)}
	return nil
}

// has returns the prefixes in the block sets.
func (k *fakeKernel) has() []netip.Prefix {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expire()
	return slices.SortedFunc(maps.Keys(k.set), func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
}

// errRefused is the fake guard's refusal.
var errRefused = errors.New("refused by the test guard")

// fakeGuard refuses the prefixes overlapping its list, and those inside
// home for untrusted evidence; it records every question.
type fakeGuard struct {
	mu    sync.Mutex
	never []netip.Prefix
	home  []netip.Prefix
	asked []guardCall
}

type guardCall struct {
	p       netip.Prefix
	trusted bool
}

func (g *fakeGuard) Check(p netip.Prefix, trusted bool) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.asked = append(g.asked, guardCall{p, trusted})
	for _, n := range g.never {
		if n.Overlaps(p) {
			return fmt.Errorf("%v overlaps %v: %w", p, n, errRefused)
		}
	}
	for _, n := range g.home {
		if !trusted && n.Overlaps(p) {
			return fmt.Errorf("%v inside home %v on untrusted evidence: %w", p, n, errRefused)
		}
	}
	return nil
}

func (g *fakeGuard) calls() []guardCall {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.asked)
}

func openStore(t testing.TB, path string) *alerts.Store {
	t.Helper()
	s, err := alerts.Open(context.Background(), alerts.Config{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rig is a Blocker over the fake kernel, a real store and the fake guard.
type rig struct {
	b     *Blocker
	k     *fakeKernel
	g     *fakeGuard
	store *alerts.Store
	clock *clock
}

func newRig(t testing.TB, cfg Config) *rig {
	t.Helper()
	c := &clock{now: t0}
	r := &rig{k: newFakeKernel(c), g: &fakeGuard{never: []netip.Prefix{pfx("192.0.2.1/32")}, home: []netip.Prefix{pfx("10.0.0.0/8")}},
		store: openStore(t, filepath.Join(t.TempDir(), "ifw.db")), clock: c}
	var err error
	if r.b, err = New(cfg, r.k, r.store, r.g, nil); err != nil {
		t.Fatal(err)
	}
	r.b.now = c.Now
	return r
}

// active returns the active records by prefix.
func (r *rig) active(t testing.TB) map[netip.Prefix]alerts.Block {
	t.Helper()
	recs, err := r.store.ActiveBlocks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[netip.Prefix]alerts.Block{}
	for _, b := range recs {
		out[b.Prefix] = b
	}
	return out
}

// history returns every record of p, newest first.
func (r *rig) history(t testing.TB, p netip.Prefix) []alerts.Block {
	t.Helper()
	recs, err := r.store.Blocks(context.Background(), alerts.BlockQuery{Prefix: p, IncludeRemoved: true})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
