package fleet

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/test/pgtest"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestBlocksPublishRemove: a block decided on a is one active row; the
// same prefix decided on b extends it (the longer wins, permanent
// longest) instead of a second row; an unblock on b ends it for all; the
// next decision is a new row. Each host's records say what it did.
func TestBlocksPublishRemove(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx := testCtx(t)
	a, b := open(t, url, "a"), open(t, url, "b")
	p := netip.MustParsePrefix("198.51.100.7/32")
	now := time.Now()
	row, changed, err := a.PublishBlock(ctx, alerts.Block{Prefix: p, Reason: "scan", Level: 3, Source: alerts.BlockAuto,
		Created: now, Expires: now.Add(time.Hour)})
	if err != nil || !changed || row.Origin != "a" || !row.Active() || row.Family != 4 || !row.Expires.Equal(now.Add(time.Hour)) {
		t.Fatalf("publish: %+v %v %v", row, changed, err)
	}
	shorter, changed, err := b.PublishBlock(ctx, alerts.Block{Prefix: p, Source: alerts.BlockManual, Created: now, Expires: now.Add(time.Minute)})
	if err != nil || changed || shorter.ID != row.ID || !shorter.Expires.Equal(row.Expires) {
		t.Fatalf("shorter: %+v %v %v", shorter, changed, err)
	}
	forever, changed, err := b.PublishBlock(ctx, alerts.Block{Prefix: p, Source: alerts.BlockManual, Created: now})
	if err != nil || !changed || forever.ID != row.ID || !forever.Expires.IsZero() || forever.Origin != "a" {
		t.Fatalf("permanent: %+v %v %v", forever, changed, err)
	}
	act, err := a.ActiveBlocks(ctx, netip.Prefix{})
	if err != nil || len(act) != 1 {
		t.Fatalf("active %+v %v", act, err)
	}
	removed, err := b.RemoveBlock(ctx, p, alerts.RemovedDeleted, now)
	if err != nil || !removed {
		t.Fatalf("remove: %v %v", removed, err)
	}
	if removed, err := a.RemoveBlock(ctx, p, alerts.RemovedDeleted, now); err != nil || removed {
		t.Fatalf("second remove: %v %v", removed, err)
	}
	hist, err := a.BlockHistory(ctx, p, 0)
	if err != nil || len(hist) != 1 || hist[0].Active() || hist[0].RemovedBy != "b" || hist[0].RemovedWhy != alerts.RemovedDeleted {
		t.Fatalf("history %+v %v", hist, err)
	}
	again, changed, err := a.PublishBlock(ctx, alerts.Block{Prefix: p, Source: alerts.BlockAuto, Created: now})
	if err != nil || !changed || again.ID == row.ID {
		t.Fatalf("again: %+v %v %v", again, changed, err)
	}
	recs, err := a.HostRecords(ctx, "", p, true)
	if err != nil || len(recs) != 2 {
		t.Fatalf("latest records %+v %v", recs, err)
	}
	if recs[0].Host != "a" || recs[0].BlockID != again.ID || recs[0].State != StateApplied ||
		recs[1].Host != "b" || recs[1].BlockID != row.ID || recs[1].State != StateRemoved {
		t.Fatalf("latest records %+v", recs)
	}
}

// TestBlocksRefusedAndExpired: a host's refusal is recorded with its
// reason; expired rows are marked removed at their expiry.
func TestBlocksRefusedAndExpired(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx := testCtx(t)
	a, b := open(t, url, "a"), open(t, url, "b")
	now := time.Now()
	gw := netip.MustParsePrefix("192.0.2.1/32")
	row, _, err := a.PublishBlock(ctx, alerts.Block{Prefix: gw, Source: alerts.BlockManual, Created: now, Expires: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.RecordBlockHost(ctx, row.ID, StateRefused, "gateway: default route via eth0"); err != nil {
		t.Fatal(err)
	}
	recs, err := a.HostRecords(ctx, "b", netip.Prefix{}, false)
	if err != nil || len(recs) != 1 || recs[0].State != StateRefused || !strings.Contains(recs[0].Detail, "gateway") || recs[0].Prefix != gw {
		t.Fatalf("b's records %+v %v", recs, err)
	}
	short := netip.MustParsePrefix("2001:db8::/64")
	if _, _, err := a.PublishBlock(ctx, alerts.Block{Prefix: short, Source: alerts.BlockAuto, Created: now, Expires: now.Add(time.Second)}); err != nil {
		t.Fatal(err)
	}
	n, err := b.ExpireBlocks(ctx, now.Add(2*time.Second))
	if err != nil || n != 1 {
		t.Fatalf("expired %d %v", n, err)
	}
	hist, err := a.BlockHistory(ctx, short, 1)
	if err != nil || len(hist) != 1 || hist[0].RemovedWhy != alerts.RemovedExpired || !hist[0].Removed.Equal(now.Add(time.Second)) || hist[0].Family != 6 {
		t.Fatalf("expired row %+v %v", hist, err)
	}
	act, err := b.ActiveBlocks(ctx, netip.Prefix{})
	if err != nil || len(act) != 1 || act[0].Prefix != gw {
		t.Fatalf("active %+v %v", act, err)
	}
}

// TestBlocksListen: a listener hears every change made on another host;
// after the server went away and came back it says Connected again (the
// receiver's cue to reconcile: what was notified meanwhile is lost), and
// changes made while it was away are in the table; while the server is
// down publishing is ErrUnavailable.
func TestBlocksListen(t *testing.T) {
	srv := pgtest.Start(t)
	url := srv.NewDatabase(t)
	ctx := testCtx(t)
	a, b := open(t, url, "a"), open(t, url, "b")
	news := make(chan BlockNews, 64)
	lctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.ListenBlocks(lctx, 50*time.Millisecond, func(n BlockNews) { news <- n }) }()
	defer func() { stop(); <-done }()
	await := func(want string) {
		t.Helper()
		for {
			select {
			case n := <-news:
				if n.Connected && want == "connected" || n.Payload == want {
					return
				}
			case <-ctx.Done():
				t.Fatalf("no %q", want)
			}
		}
	}
	await("connected")
	p := netip.MustParsePrefix("203.0.113.9/32")
	if _, _, err := a.PublishBlock(ctx, alerts.Block{Prefix: p, Source: alerts.BlockAuto, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	await("add 203.0.113.9/32 a")
	if _, err := a.RemoveBlock(ctx, p, alerts.RemovedDeleted, time.Now()); err != nil {
		t.Fatal(err)
	}
	await("del 203.0.113.9/32 a")
	srv.Stop(t)
	if _, _, err := a.PublishBlock(ctx, alerts.Block{Prefix: p, Source: alerts.BlockAuto, Created: time.Now()}); !errors.Is(err, alerts.ErrUnavailable) {
		t.Fatalf("publish while down: %v, want ErrUnavailable", err)
	}
	srv.Start(t)
	if _, _, err := a.PublishBlock(ctx, alerts.Block{Prefix: p, Source: alerts.BlockAuto, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	await("connected")
	act, err := b.ActiveBlocks(ctx, p)
	if err != nil || len(act) != 1 {
		t.Fatalf("after reconnect: %+v %v", act, err)
	}
}
