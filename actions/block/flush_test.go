package block

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

// TestFlush: every active block is lifted, whatever made it, and a kernel
// entry without a record too; the bulk sets stay; the records are closed
// as deleted; a second flush lifts nothing.
func TestFlush(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{})
	for _, req := range []Request{
		{Prefix: pfx("198.51.100.7/32"), Source: alerts.BlockAuto, Level: 5, Trusted: true},
		{Prefix: pfx("203.0.113.0/24"), Source: alerts.BlockManual, For: Forever, Trusted: true},
		{Prefix: pfx("2001:db8::/64"), Source: alerts.BlockManual, For: time.Minute, Trusted: true},
	} {
		if _, err := r.b.Block(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.k.Add(pfx("192.0.2.99/32"), 0); err != nil { // no record
		t.Fatal(err)
	}
	if err := r.k.ReplaceBulk(ctx, []netip.Prefix{pfx("198.51.100.128/25")}, nil); err != nil {
		t.Fatal(err)
	}
	lifted, err := r.b.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{pfx("198.51.100.7/32"), pfx("203.0.113.0/24"), pfx("2001:db8::/64"), pfx("192.0.2.99/32")}
	if !sameSet(lifted, want) {
		t.Errorf("lifted %v, want %v", lifted, want)
	}
	if h := r.k.has(); len(h) != 0 {
		t.Errorf("kernel still blocks %v", h)
	}
	if len(r.k.bulk[0]) != 1 {
		t.Errorf("flush touched the bulk sets: %v", r.k.bulk)
	}
	if act, _ := r.store.ActiveBlocks(ctx); len(act) != 0 {
		t.Errorf("records still active: %+v", act)
	}
	if h := r.history(t, pfx("198.51.100.7/32")); len(h) != 1 || h[0].RemovedWhy != alerts.RemovedDeleted {
		t.Errorf("record after flush: %+v", h)
	}
	if again, err := r.b.Flush(ctx); err != nil || len(again) != 0 {
		t.Errorf("second flush: %v, %v", again, err)
	}
}

func sameSet(a, b []netip.Prefix) bool {
	less := func(x, y netip.Prefix) int { return x.Addr().Compare(y.Addr()) }
	return slices.Equal(slices.SortedFunc(slices.Values(a), less), slices.SortedFunc(slices.Values(b), less))
}
