package control_test

import (
	"context"
	"net/http"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// TestAPIDesktopUnblock: an alert of a source blocked already (the fake
// daemon's 203.0.113.5) is published with the block and Unblock in the
// place of Block; the click lifts the block, and a newer alert of the same
// source supersedes the older event.
func TestAPIDesktopUnblock(t *testing.T) {
	blocked := netip.MustParseAddr("203.0.113.5")
	until := time.Now().Add(time.Hour)
	hub, c, events := desktop(t, notify.Config{Blocked: func(_ context.Context, src netip.Addr) *notify.Blocked {
		if src != blocked {
			return nil
		}
		return &notify.Blocked{Prefix: netip.PrefixFrom(src, 32), Auto: true, Until: until}
	}})
	ctx := context.Background()
	if err := hub.Run(ctx, alerts.Alert{ID: 1, Src: blocked, Level: 2, Trusted: true}); err != nil {
		t.Fatal(err)
	}
	old := next(t, events)
	if err := hub.Run(ctx, alerts.Alert{ID: 2, Src: blocked, Level: 3, Trusted: true}); err != nil {
		t.Fatal(err)
	}
	ev := next(t, events)
	want := []string{notify.ActionUnblock, notify.ActionWhitelist, notify.ActionIgnore}
	if ev.Blocked == nil || !ev.Blocked.Auto || !ev.Blocked.Until.Equal(until) || !slices.Equal(ev.Actions, want) {
		t.Fatalf("event of a blocked source: blocked %+v, actions %v; want auto until %s, %v", ev.Blocked, ev.Actions, until, want)
	}
	if _, err := c.Choose(ctx, control.ChoiceRequest{EventID: ev.ID, Choice: notify.ActionBlock}); apiError(t, err).Code != http.StatusBadRequest {
		t.Errorf("block on a blocked source's bubble: %v, want 400 (not offered)", err)
	}
	if _, err := c.Choose(ctx, control.ChoiceRequest{EventID: old.ID, Choice: notify.ActionUnblock}); !apiError(t, err).Conflict() {
		t.Errorf("a click on the superseded DL2 event: %v, want 409", err)
	}
	if _, err := c.Choose(ctx, control.ChoiceRequest{EventID: ev.ID, Choice: notify.ActionUnblock}); err != nil {
		t.Fatalf("unblock click: %v", err)
	}
	if list, _ := c.Blocks(ctx); hasBlock(list, "203.0.113.5/32") {
		t.Errorf("the click did not unblock: %v", list)
	}
}
