package daemon

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// TestDaemonDesktopBlocked: the alert that got its source auto-blocked
// reaches the desktop with the block (automatic, until when) and Unblock
// in the place of Block; blockedNow sees a source's own block only.
func TestDaemonDesktopBlocked(t *testing.T) {
	l := newLab(t)
	r := l.start(t)
	ctx := context.Background()
	events := make(chan control.Event, 64)
	evCtx, evCancel := context.WithCancel(ctx)
	defer evCancel()
	go r.client.Events(evCtx, func(ev control.Event) { events <- ev })
	eventually(t, "the applet subscribed", func() bool {
		st, err := r.client.Status(ctx)
		return err == nil && st.Control.Applets != nil && st.Control.Applets.Subscribers > 0
	})

	r.feed.synScan("203.0.113.5", 200)
	deadline := time.After(time.Minute)
	for {
		var ev control.Event
		select {
		case ev = <-events:
		case <-deadline:
			t.Fatal("no desktop event of the auto-blocked source")
		}
		if ev.Kind != notify.KindAlert || ev.Alert.Level < 3 {
			continue
		}
		want := []string{notify.ActionUnblock, notify.ActionWhitelist, notify.ActionIgnore}
		if b := ev.Blocked; b == nil || !b.Auto || b.Prefix.String() != "203.0.113.5/32" || b.Until.IsZero() || !slices.Equal(ev.Actions, want) {
			t.Fatalf("DL%d event: blocked %+v, actions %v; want auto-blocked 203.0.113.5/32 with an end, %v", ev.Alert.Level, b, ev.Actions, want)
		}
		break
	}

	if _, err := r.client.Block(ctx, control.BlockRequest{Prefix: "198.51.100.0/24", For: "forever"}); err != nil {
		t.Fatal(err)
	}
	if b := r.d.blockedNow(ctx, netip.MustParseAddr("198.51.100.7")); b != nil {
		t.Errorf("an address in a blocked network: %+v, want nil (its own address is not blocked)", b)
	}
	if _, err := r.d.block.blocker.Block(ctx, block.Request{Prefix: netip.MustParsePrefix("198.51.100.8/32"), For: block.Forever}); err != nil {
		t.Fatal(err)
	}
	if b := r.d.blockedNow(ctx, netip.MustParseAddr("198.51.100.8")); b == nil || b.Auto || !b.Until.IsZero() {
		t.Errorf("a permanent manual block: %+v", b)
	}
	if b := r.d.blockedNow(ctx, netip.MustParseAddr("192.0.2.1")); b != nil {
		t.Errorf("an address never blocked: %+v", b)
	}
}
