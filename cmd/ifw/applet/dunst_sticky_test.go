package applet

import (
	"context"
	"strings"
	"testing"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/notify/notifytest"
)

// dunstrcStock is dunst's shipped configuration (/etc/xdg/dunst/dunstrc:
// low and normal bubbles close after their timeout, critical ones stay),
// its 10 s timeout made 300 ms so that a test sees it pass; idleness does
// not hold bubbles back.
const dunstrcStock = `[global]
    monitor = 0
    follow = none
    idle_threshold = 0
    font = DejaVu Sans 11
    markup = full
    format = "<b>%s</b>\n%b"

[urgency_low]
    timeout = 300ms

[urgency_normal]
    timeout = 300ms

[urgency_critical]
    timeout = 0
`

// TestDunstStickyAndReplaced: on dunst with its stock timeouts, an alert
// bubble with buttons outlives a button-less bubble sent after it (the
// witness, gone at dunst's timeout); the attacker's next alert replaces it
// (one bubble displayed, the DL3 text), and it is still there to be
// answered.
func TestDunstStickyAndReplaced(t *testing.T) {
	e, addr, _ := startDunstEnvConf(t, dunstrcStock)
	ctx := context.Background()
	if err := e.hub.Run(ctx, notifytest.Alert("203.0.113.7", 2)); err != nil { // low urgency
		t.Fatal(err)
	}
	notifytest.WaitFor(t, "dunst to display the alert", func() bool { return dunstctl(t, addr, "count", "displayed") == "1" })

	witness := notifytest.Connect(t, addr)
	caps, err := notify.Capabilities(ctx, witness)
	if err != nil {
		t.Fatal(err)
	}
	w := notify.Bubble{Summary: "witness", Body: "no buttons", Urgency: notify.UrgencyLow}
	if _, _, err := notify.Send(witness, w, caps, nil, notify.Style{}); err != nil {
		t.Fatal(err)
	}
	notifytest.WaitFor(t, "dunst's timeout to close the witness", func() bool { return inHistory(t, addr, "witness") })
	if n := dunstctl(t, addr, "count", "displayed"); n != "1" || inHistory(t, addr, "Firewall alert: danger level 2") {
		t.Fatalf("after dunst's timeout: %s displayed, alert in history %v; want the alert still displayed",
			n, inHistory(t, addr, "Firewall alert: danger level 2"))
	}

	id, first := e.shownFor("203.0.113.7")
	if err := e.hub.Run(ctx, notifytest.Alert("203.0.113.7", 3)); err != nil {
		t.Fatal(err)
	}
	notifytest.WaitFor(t, "the DL3 bubble sent", func() bool { id2, ev := e.shownFor("203.0.113.7"); return ev != first && id2 != 0 })
	if id2, _ := e.shownFor("203.0.113.7"); id2 != id {
		t.Errorf("DL3 bubble %d, want it to replace %d", id2, id)
	}
	if n := dunstctl(t, addr, "count", "displayed"); n != "1" {
		t.Errorf("%s bubbles displayed after DL2 then DL3, want 1", n)
	}
	dunstctl(t, addr, "close-all")
	notifytest.WaitFor(t, "the DL3 bubble in the history", func() bool { return inHistory(t, addr, "Firewall alert: danger level 3") })
	if inHistory(t, addr, "Firewall alert: danger level 2") {
		t.Error("the replaced DL2 bubble was displayed until closed")
	}
}

// shownFor is the notification id of the bubble the applet keeps for the
// attacker src, and its event (0, 0: none).
func (e *appletEnv) shownFor(src string) (uint32, uint64) {
	s := e.applet.sent
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, b := range s.m {
		if b.src.String() == src {
			return id, b.eventID
		}
	}
	return 0, 0
}

// inHistory says whether dunst's history holds a bubble whose summary
// starts with summary.
func inHistory(t *testing.T, addr, summary string) bool {
	t.Helper()
	for _, h := range dunstHistory(t, addr) {
		if strings.HasPrefix(h["summary"], summary) {
			return true
		}
	}
	return false
}
