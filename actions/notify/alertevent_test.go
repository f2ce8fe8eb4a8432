package notify

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

// blockedAt is a Config.Blocked that reports src blocked as blk.
func blockedAt(src string, blk Blocked) func(context.Context, netip.Addr) *Blocked {
	return func(_ context.Context, a netip.Addr) *Blocked {
		if a != netip.MustParseAddr(src) {
			return nil
		}
		return &blk
	}
}

// TestAlertBubbleBlocked: the bubble of a source blocked already says how
// and until when, under its first line.
func TestAlertBubbleBlocked(t *testing.T) {
	a := testAlert("203.0.113.7", 3)
	until := time.Date(2030, 1, 2, 3, 4, 5, 0, time.Local)
	tests := []struct {
		name string
		blk  Blocked
		line string
	}{
		{"auto, another day", Blocked{Auto: true, Until: until}, "Blocked automatically until Jan 2 03:04."},
		{"by hand", Blocked{Until: until}, "Blocked by hand until Jan 2 03:04."},
		{"permanent", Blocked{Auto: true}, "Blocked automatically for good."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := AlertBubble(a, &tt.blk)
			want := []string{"Intrusion detected from 203.0.113.7", tt.line}
			if got := strings.Split(b.Body, "\n"); !slices.Equal(got, want) || b.Summary != "Firewall alert: danger level 3" {
				t.Errorf("bubble %q / %q, want the lines %q", b.Summary, b.Body, want)
			}
		})
	}
	if AlertBubble(a, nil) != BubbleFor(a) {
		t.Error("AlertBubble without a block differs from BubbleFor")
	}
}

// TestLocalStamp: the time of day on the same day, the date otherwise.
func TestLocalStamp(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.Local)
	if got := localStamp(now.Add(time.Hour), now); got != "11:00:00" {
		t.Errorf("same day: %q", got)
	}
	if got := localStamp(now.Add(24*time.Hour), now); got != "Nov 22 10:00" {
		t.Errorf("next day: %q", got)
	}
}

// TestLabels: every action a bubble may offer has its button label; the
// question's first three are the ones GNOME Shell shows.
func TestLabels(t *testing.T) {
	want := map[string]string{
		ActionBlock: "Block for 1 h", ActionUnblock: "Unblock", ActionWhitelist: "Whitelist", ActionIgnore: "Ignore",
		ActionAllowOnce: "Allow once", ActionAllowAlways: "Allow always", ActionDeny: "Deny",
		ActionDenyAlways: "Deny always", ActionReject: "Reject (fail fast)",
	}
	for a, l := range want {
		if got := Label(a); got != l {
			t.Errorf("Label(%q) = %q, want %q", a, got, l)
		}
	}
	if q := QuestionActions(); !slices.Equal(q[:3], []string{ActionAllowOnce, ActionAllowAlways, ActionDeny}) || len(q) != 5 {
		t.Errorf("question actions %v", q)
	}
}

// TestRunBlockedSource: an alert of a source blocked already goes out
// with the block and Unblock in the place of Block; the fallback's bubble
// says it is blocked; a source not blocked keeps Block.
func TestRunBlockedSource(t *testing.T) {
	blk := Blocked{Prefix: netip.MustParsePrefix("203.0.113.7/32"), Auto: true, Until: time.Date(2030, 1, 2, 3, 4, 5, 0, time.Local)}
	h := newTestHub(t, Config{Blocked: blockedAt("203.0.113.7", blk)})
	ch, cancel := h.Subscribe(1000)
	defer cancel()
	for _, src := range []string{"203.0.113.7", "198.51.100.9"} {
		if err := h.Run(context.Background(), testAlert(src, 3)); err != nil {
			t.Fatal(err)
		}
	}
	got := received(ch)
	if len(got) != 2 {
		t.Fatalf("events %+v", got)
	}
	if ev := got[0]; ev.Blocked == nil || *ev.Blocked != blk || !slices.Equal(ev.Actions, []string{ActionUnblock, ActionWhitelist, ActionIgnore}) {
		t.Errorf("blocked source: blocked %+v, actions %v", ev.Blocked, ev.Actions)
	}
	if ev := got[1]; ev.Blocked != nil || !slices.Equal(ev.Actions, DefaultActions()) {
		t.Errorf("other source: blocked %+v, actions %v", ev.Blocked, ev.Actions)
	}
	if _, err := h.Choice(1000, got[0].ID, ActionBlock); !errors.Is(err, ErrChoiceNotOffered) {
		t.Errorf("block on the blocked source's event: %v, want ErrChoiceNotOffered", err)
	}

	fb := &fakeFallback{}
	h = newTestHub(t, Config{Blocked: blockedAt("203.0.113.7", blk), Fallback: fb})
	if err := h.Run(context.Background(), testAlert("203.0.113.7", 3)); err != nil {
		t.Fatal(err)
	}
	if len(fb.got) != 1 || !strings.Contains(fb.got[0].Body, "Blocked automatically until Jan 2 03:04.") {
		t.Errorf("fallback bubbles %+v", fb.got)
	}
}

// TestSupersede: a newer alert of a source answers its older events
// (ErrSuperseded, an ErrAnswered): the applets replaced their bubbles; a
// question and another source's alert stay open.
func TestSupersede(t *testing.T) {
	h := newTestHub(t, Config{})
	ch, cancel := h.Subscribe(1000)
	defer cancel()
	ctx := context.Background()
	for _, a := range []struct {
		src   string
		level int
	}{{"203.0.113.7", 2}, {"198.51.100.9", 2}, {"203.0.113.7", 3}} {
		if err := h.Run(ctx, testAlert(a.src, a.level)); err != nil {
			t.Fatal(err)
		}
	}
	qid, _ := h.Ask(testQuestion(1000))
	got := received(ch)
	if len(got) != 4 {
		t.Fatalf("events %+v", got)
	}
	_, err := h.Choice(1000, got[0].ID, ActionBlock)
	if !errors.Is(err, ErrSuperseded) || !errors.Is(err, ErrAnswered) {
		t.Errorf("choice on the DL2 event after DL3: %v, want ErrSuperseded", err)
	}
	for _, id := range []uint64{got[1].ID, got[2].ID} {
		if _, err := h.Choice(1000, id, ActionIgnore); err != nil {
			t.Errorf("choice on event %d: %v", id, err)
		}
	}
	if _, err := h.Choice(1000, qid, ActionReject); err != nil {
		t.Errorf("reject on the question: %v", err)
	}
}
