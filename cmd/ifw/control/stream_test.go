package control_test

import (
	"bytes"
	"context"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/control/controltest"
)

// follow subscribes to the stream and returns its events, after the
// hello (the subscription is in place).
func follow(t *testing.T, c *control.Client) <-chan control.StreamEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch := make(chan control.StreamEvent, 64)
	go func() { _ = c.Stream(ctx, func(ev control.StreamEvent) { ch <- ev }) }()
	if ev := nextStream(t, ch); ev.Kind != control.StreamHello {
		t.Fatalf("first event %+v, want hello", ev)
	}
	return ch
}

func nextStream(t *testing.T, ch <-chan control.StreamEvent) control.StreamEvent {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(time.Minute):
		t.Fatal("no stream event")
	}
	return control.StreamEvent{}
}

// TestAPIStream: alerts as the daemon publishes them, and a note for
// each list a request changed, in order.
func TestAPIStream(t *testing.T) {
	socket, b := controltest.Start(t, nil)
	c, ctx := control.NewClient(socket), context.Background()
	events := follow(t, c)
	b.Feed.Alert(control.AlertRecord{Alert: alerts.Alert{ID: 7, Src: netip.MustParseAddr("198.51.100.7"), Level: 3}})
	if ev := nextStream(t, events); ev.Kind != control.StreamAlert || ev.Alert == nil || ev.Alert.ID != 7 {
		t.Fatalf("got %+v, want alert 7", ev)
	}
	if _, err := c.Block(ctx, control.BlockRequest{Prefix: "198.51.100.7"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WhitelistAdd(ctx, control.WhitelistRequest{Entry: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddRule(ctx, control.RuleRequest{Line: "allow exe=/usr/bin/curl dst=198.51.100.9 port=443 proto=tcp user=0"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Answer(ctx, 3, control.AnswerRequest{Action: "allow"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{control.StreamBlocks, control.StreamWhitelist, control.StreamRules, control.StreamQueue} {
		if ev := nextStream(t, events); ev.Kind != want {
			t.Fatalf("got %+v, want %s", ev, want)
		}
	}
	// A refused request changed nothing: no note.
	if _, err := c.Block(ctx, control.BlockRequest{Prefix: "notanip"}); err == nil {
		t.Fatal("a bad block was taken")
	}
	b.Feed.Changed(control.StreamSettings)
	if ev := nextStream(t, events); ev.Kind != control.StreamSettings {
		t.Fatalf("got %+v after a refused request, want only the settings note", ev)
	}
}

// TestFeedQueueIsPerUID: a question's note goes to its owner's streams
// (and those that see every uid's), not to another user's.
func TestFeedQueueIsPerUID(t *testing.T) {
	socket, b := controltest.Start(t, nil)
	events := follow(t, control.NewClient(socket))
	me := uint32(os.Getuid())
	b.Feed.ChangedFor(control.StreamQueue, me+1)
	b.Feed.ChangedFor(control.StreamQueue, me)
	ev := nextStream(t, events)
	if ev.Kind != control.StreamQueue {
		t.Fatalf("got %+v", ev)
	}
	if me == 0 {
		// root sees every uid's: both notes.
		if ev := nextStream(t, events); ev.Kind != control.StreamQueue {
			t.Fatalf("root got %+v", ev)
		}
	}
	b.Feed.Changed(control.StreamBlocks)
	if ev := nextStream(t, events); ev.Kind != control.StreamBlocks {
		t.Fatalf("got %+v, want only the own uid's queue note, then blocks", ev)
	}
}

// TestAPIMarkSeen: the peer's own applets hear that the alerts were
// seen.
func TestAPIMarkSeen(t *testing.T) {
	_, c, events := desktop(t, notify.Config{})
	ctx := context.Background()
	if err := c.MarkSeen(ctx, 41); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, events); ev.Kind != notify.KindSeen || ev.Ref != 41 {
		t.Fatalf("got %+v, want seen 41", ev)
	}
	if err := c.MarkSeen(ctx, -1); apiError(t, err).Code != http.StatusBadRequest {
		t.Errorf("seen -1: %v", err)
	}
}

// TestAPIReport: the daemon's HTML report of a period; a bad period is
// refused in words.
func TestAPIReport(t *testing.T) {
	socket, _ := controltest.Start(t, nil)
	c, ctx := control.NewClient(socket), context.Background()
	var buf bytes.Buffer
	to := time.Now()
	if err := c.Report(ctx, to.Add(-time.Hour), to, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<html") {
		t.Errorf("not an HTML page: %.200s", buf.String())
	}
	err := c.Report(ctx, to, to.Add(-time.Hour), &buf)
	if ae := apiError(t, err); ae.Code != http.StatusBadRequest || !strings.Contains(err.Error(), "not before") {
		t.Errorf("reversed period: %v", err)
	}
}

// TestAPIAlertsPaging: the Before cursor pages the newest-first list.
func TestAPIAlertsPaging(t *testing.T) {
	b := controltest.NewBackend()
	for id := int64(10); id >= 1; id-- {
		b.AlertList = append(b.AlertList, control.AlertRecord{Alert: alerts.Alert{ID: id, Level: 2}})
	}
	socket, _ := controltest.Start(t, b)
	c, ctx := control.NewClient(socket), context.Background()
	page, err := c.Alerts(ctx, control.AlertQuery{Before: 8, Limit: 3})
	if err != nil || len(page) != 3 || page[0].ID != 7 || page[2].ID != 5 {
		t.Fatalf("page before 8: %+v, %v", page, err)
	}
}
