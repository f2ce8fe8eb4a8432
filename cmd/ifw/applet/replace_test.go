package applet

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/notify/notifytest"
)

// TestAppletOneBubblePerAttacker: DL2 then DL3 of one attacker make one
// bubble: the second Notify replaces the first (replaces_id), and its
// buttons answer the DL3 event; another attacker gets a bubble of its own.
func TestAppletOneBubblePerAttacker(t *testing.T) {
	e := newAppletEnv(t, notifytest.AllCaps...)
	ctx := context.Background()
	if err := e.hub.Run(ctx, notifytest.Alert("203.0.113.7", 2)); err != nil {
		t.Fatal(err)
	}
	first := e.server.Next(t)
	if err := e.hub.Run(ctx, notifytest.Alert("203.0.113.7", 3)); err != nil {
		t.Fatal(err)
	}
	second := e.server.Next(t)
	if first.ReplacesID != 0 || second.ReplacesID != first.ID || second.ID != first.ID {
		t.Fatalf("bubbles %d (replaces %d) then %d (replaces %d); want the second to replace the first",
			first.ID, first.ReplacesID, second.ID, second.ReplacesID)
	}
	if second.Summary != "Firewall alert: danger level 3" {
		t.Errorf("replacing bubble says %q", second.Summary)
	}
	if err := e.hub.Run(ctx, notifytest.Alert("198.51.100.9", 2)); err != nil {
		t.Fatal(err)
	}
	if other := e.server.Next(t); other.ReplacesID != 0 || other.ID == first.ID {
		t.Errorf("another attacker's bubble %d replaces %d", other.ID, other.ReplacesID)
	}
	mustEmit(t, e.server.Emit("ActionInvoked", first.ID, notify.ActionBlock))
	c := e.daemon.nextChoice(t)
	if c.Err != nil || c.Choice.Action != notify.ActionBlock || c.Choice.Alert.Level != 3 {
		t.Fatalf("click on the attacker's bubble: %+v, want block accepted on the DL3 alert", c)
	}
}

// TestAppletBlockedBubble: the bubble of an attacker blocked already says
// so and offers Unblock, whose click goes to the daemon.
func TestAppletBlockedBubble(t *testing.T) {
	addr := privateBus(t)
	until := time.Now().Add(time.Hour)
	e := newAppletEnvWith(t, addr, notifytest.StartFakeServer(t, addr, notifytest.AllCaps...), notify.Config{
		Blocked: func(_ context.Context, src netip.Addr) *notify.Blocked {
			return &notify.Blocked{Prefix: netip.PrefixFrom(src, 32), Auto: true, Until: until}
		}})
	if err := e.hub.Run(context.Background(), notifytest.Alert("203.0.113.7", 3)); err != nil {
		t.Fatal(err)
	}
	b := e.server.Next(t)
	if lines := strings.Split(b.Body, "\n"); len(lines) < 2 || !strings.HasPrefix(lines[1], "Blocked automatically until ") {
		t.Errorf("body %q lacks the block", b.Body)
	}
	if want := []string{"unblock", "Unblock", "whitelist", "Whitelist", "ignore", "Ignore"}; !slices.Equal(b.Actions, want) {
		t.Errorf("buttons %q, want %q", b.Actions, want)
	}
	mustEmit(t, e.server.Emit("ActionInvoked", b.ID, notify.ActionUnblock))
	if c := e.daemon.nextChoice(t); c.Err != nil || c.Choice.Action != notify.ActionUnblock {
		t.Fatalf("unblock click: %+v", c)
	}
}
