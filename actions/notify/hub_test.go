package notify

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

func testAlert(src string, level int) alerts.Alert {
	return alerts.Alert{Src: netip.MustParseAddr(src), Level: level, Time: time.Unix(1700000000, 0).UTC(), Trusted: true}
}

func newTestHub(t *testing.T, cfg Config) *Hub {
	t.Helper()
	h, err := NewHub(cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// publishN runs n alerts through h and returns their event ids.
func publishN(t *testing.T, h *Hub, n int) []uint64 {
	t.Helper()
	var ids []uint64
	for i := range n {
		a := testAlert("203.0.113.7", 1+i%5)
		id, subs := h.publish(Event{Kind: KindAlert, Alert: a, Actions: h.cfg.Actions}, everyone)
		if subs == 0 {
			t.Fatal("nobody subscribed")
		}
		ids = append(ids, id)
	}
	return ids
}

func TestSlowSubscriberDropsOldest(t *testing.T) {
	h := newTestHub(t, Config{Buffer: 4})
	slow, cancel := h.Subscribe(1000)
	defer cancel()
	fast, cancelFast := h.Subscribe(1001)
	defer cancelFast()
	var fastGot []uint64
	ids := make([]uint64, 0, 10)
	for range 10 {
		ids = append(ids, publishN(t, h, 1)...)
		fastGot = append(fastGot, (<-fast).ID) // the fast one keeps up
	}
	if !slices.Equal(fastGot, ids) {
		t.Fatalf("fast subscriber got %v, want %v", fastGot, ids)
	}
	var got []uint64
	var dropped []uint64
	for range 4 {
		ev := <-slow
		got, dropped = append(got, ev.ID), append(dropped, ev.Dropped)
	}
	if want := ids[6:]; !slices.Equal(got, want) {
		t.Errorf("slow subscriber got %v, want the newest %v", got, want)
	}
	if want := []uint64{3, 4, 5, 6}; !slices.Equal(dropped, want) {
		t.Errorf("dropped counts %v, want %v", dropped, want)
	}
	// A dropped event was never shown to uid 1000: not theirs to answer.
	if _, err := h.Choice(1000, ids[0], ActionBlock); !errors.Is(err, ErrNotRecipient) {
		t.Errorf("choice on a dropped event: %v, want ErrNotRecipient", err)
	}
	if _, err := h.Choice(1000, ids[9], ActionBlock); err != nil {
		t.Errorf("choice on a delivered event: %v", err)
	}
}

func TestChoiceChecks(t *testing.T) {
	now := time.Unix(1700000000, 0)
	clock := func() time.Time { return now }
	h := newTestHub(t, Config{Actions: []string{ActionBlock, ActionIgnore}, Clock: clock, AnswerWindow: time.Hour})
	_, cancel := h.Subscribe(1000)
	defer cancel()
	ids := publishN(t, h, 3)
	answered, old := ids[0], ids[2]
	if _, err := h.Choice(1000, answered, ActionIgnore); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		uid    uint32
		id     uint64
		choice string
		later  time.Duration
		want   error
	}{
		{"accepted", 1000, ids[1], ActionBlock, 0, nil},
		{"wrong uid", 1001, ids[1], ActionBlock, 0, ErrNotRecipient},
		{"root is not the recipient either", 0, ids[1], ActionBlock, 0, ErrNotRecipient},
		{"unknown id", 1000, ids[2] + 1000, ActionBlock, 0, ErrUnknownEvent},
		{"id zero", 1000, 0, ActionBlock, 0, ErrUnknownEvent},
		{"repeated answer", 1000, answered, ActionBlock, 0, ErrAnswered},
		{"choice not offered", 1000, ids[1], ActionWhitelist, 0, ErrChoiceNotOffered},
		{"unknown choice", 1000, ids[1], "rm -rf /", 0, ErrChoiceNotOffered},
		{"too late", 1000, old, ActionBlock, 2 * time.Hour, ErrUnknownEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = time.Unix(1700000000, 0).Add(tt.later)
			c, err := h.Choice(tt.uid, tt.id, tt.choice)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Choice: %v, want %v", err, tt.want)
			}
			var ce *ChoiceError
			if tt.want != nil && (!errors.As(err, &ce) || ce.EventID != tt.id || ce.UID != tt.uid) {
				t.Errorf("error %v is not a *ChoiceError naming event %d and uid %d", err, tt.id, tt.uid)
			}
			if tt.want == nil && (c.EventID != tt.id || c.Action != tt.choice || c.Alert.Src.String() != "203.0.113.7") {
				t.Errorf("choice %+v", c)
			}
		})
	}
}

func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 200},
		{&ChoiceError{Err: ErrUnknownEvent}, 404},
		{&ChoiceError{Err: ErrNotRecipient}, 403},
		{&ChoiceError{Err: ErrChoiceNotOffered}, 400},
		{&ChoiceError{Err: ErrAnswered}, 409},
		{ErrHubClosed, 503},
		{ErrTooManySubscribers, 503},
		{errors.New("other"), 500},
	}
	for _, tt := range tests {
		if got := HTTPStatus(tt.err); got != tt.want {
			t.Errorf("HTTPStatus(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestPendingIsBounded(t *testing.T) {
	h := newTestHub(t, Config{MaxPending: 8, Buffer: 64})
	_, cancel := h.Subscribe(1000)
	defer cancel()
	ids := publishN(t, h, 20)
	if len(h.events) != 8 {
		t.Errorf("%d events remembered, want 8", len(h.events))
	}
	if _, err := h.Choice(1000, ids[11], ActionBlock); !errors.Is(err, ErrUnknownEvent) {
		t.Errorf("forgotten event: %v", err)
	}
	if _, err := h.Choice(1000, ids[12], ActionBlock); err != nil {
		t.Errorf("remembered event: %v", err)
	}
}

func TestUnsubscribeForgetsUnread(t *testing.T) {
	h := newTestHub(t, Config{})
	ch, cancel := h.Subscribe(1000)
	ids := publishN(t, h, 2)
	<-ch // the first was read (shown), the second never was
	cancel()
	cancel() // twice is harmless
	if _, ok := <-ch; ok {
		t.Fatal("channel not closed by cancel")
	}
	if _, err := h.Choice(1000, ids[1], ActionBlock); !errors.Is(err, ErrNotRecipient) {
		t.Errorf("unread event: %v, want ErrNotRecipient", err)
	}
	if _, err := h.Choice(1000, ids[0], ActionBlock); err != nil {
		t.Errorf("read event: %v", err)
	}
	if n := h.Subscribers(); n != 0 {
		t.Errorf("%d subscribers left", n)
	}
}

func TestSubscribeLimitsAndClose(t *testing.T) {
	h := newTestHub(t, Config{MaxSubscribers: 1})
	ch, _ := h.Subscribe(1000)
	if refused, _ := h.Subscribe(1001); !closed(refused) {
		t.Error("subscription beyond MaxSubscribers not refused")
	}
	h.Close()
	if !closed(ch) {
		t.Error("Close left a subscription open")
	}
	if refused, _ := h.Subscribe(1000); !closed(refused) {
		t.Error("subscription after Close not refused")
	}
}

// TestSubscribePerUID: one uid opening streams in a loop gets its share
// only; another uid's applet still subscribes, and the refusals are
// counted.
func TestSubscribePerUID(t *testing.T) {
	h := newTestHub(t, Config{})
	var greedy []<-chan Event
	for range 40 {
		ch, cancel := h.Subscribe(1000)
		defer cancel()
		greedy = append(greedy, ch)
	}
	open := 0
	for _, ch := range greedy {
		if !closedNow(ch) {
			open++
		}
	}
	if open != DefaultMaxSubscribersPerUID {
		t.Errorf("uid 1000 holds %d subscriptions, want its share %d", open, DefaultMaxSubscribersPerUID)
	}
	other, cancel := h.Subscribe(1001)
	defer cancel()
	if closedNow(other) {
		t.Fatal("uid 1001's applet was refused")
	}
	st := h.Stats()
	if st.Refused != 40-DefaultMaxSubscribersPerUID || st.Subscribers != DefaultMaxSubscribersPerUID+1 {
		t.Errorf("stats %+v, want %d refused, %d subscribed", st, 40-DefaultMaxSubscribersPerUID, DefaultMaxSubscribersPerUID+1)
	}
	if _, _, err := h.subscribe(1000); HTTPStatus(err) != http.StatusTooManyRequests {
		t.Errorf("refusal %v answers %d, want 429", err, HTTPStatus(err))
	}
}

// closedNow says whether ch is closed already (a refused subscription's
// channel is closed before Subscribe returns; an admitted one stays open).
func closedNow(ch <-chan Event) bool {
	select {
	case _, ok := <-ch:
		return !ok
	default:
		return false
	}
}

func closed(ch <-chan Event) bool {
	select {
	case _, ok := <-ch:
		return !ok
	case <-time.After(time.Minute): // a guard, not a limit: every caller expects a close
		return false
	}
}

// fakeFallback records the bubbles it is asked to show.
type fakeFallback struct {
	got []Bubble
	err error
}

func (f *fakeFallback) Notify(_ context.Context, b Bubble) error {
	f.got = append(f.got, b)
	return f.err
}

func TestRunWithoutApplet(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		fallback  *fakeFallback
		subscribe bool
		want      error
		shown     int
	}{
		{"applet subscribed: no fallback", &fakeFallback{}, true, nil, 0},
		{"no applet: fallback", &fakeFallback{}, false, nil, 1},
		{"no applet, fallback fails", &fakeFallback{err: boom}, false, boom, 1},
		{"no applet, no fallback", nil, false, ErrNoApplet, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{}
			if tt.fallback != nil {
				cfg.Fallback = tt.fallback
			}
			h := newTestHub(t, cfg)
			if tt.subscribe {
				_, cancel := h.Subscribe(1000)
				defer cancel()
			}
			err := h.Run(context.Background(), testAlert("198.51.100.9", 4))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Run: %v, want %v", err, tt.want)
			}
			if tt.fallback != nil && len(tt.fallback.got) != tt.shown {
				t.Fatalf("fallback showed %d bubbles, want %d", len(tt.fallback.got), tt.shown)
			}
			if tt.shown > 0 && tt.fallback.got[0] != BubbleFor(testAlert("198.51.100.9", 4)) {
				t.Errorf("fallback bubble %+v", tt.fallback.got[0])
			}
		})
	}
}

func TestEventIDsDoNotRepeatAcrossRestarts(t *testing.T) {
	first := time.Unix(1700000000, 0)
	var last uint64
	for i, start := range []time.Time{first, first.Add(time.Second), first.Add(time.Hour)} {
		h := newTestHub(t, Config{Clock: func() time.Time { return start }})
		_, cancel := h.Subscribe(1000)
		ids := publishN(t, h, 3)
		cancel()
		if i > 0 && ids[0] <= last {
			t.Errorf("hub started at %s reuses ids: first %d, previous hub's last %d", start, ids[0], last)
		}
		if ids[2] >= 1<<53 {
			t.Errorf("id %d is not exact in JSON readers", ids[2])
		}
		last = ids[2]
	}
}

func TestSeenGoesToItsUIDOnly(t *testing.T) {
	h := newTestHub(t, Config{Buffer: 4})
	mine, cancel := h.Subscribe(1000)
	defer cancel()
	other, cancelOther := h.Subscribe(1001)
	defer cancelOther()
	if n := h.Seen(1000, 42); n != 1 {
		t.Fatalf("Seen went to %d subscriptions, want 1", n)
	}
	ev := <-mine
	if ev.Kind != KindSeen || ev.Ref != 42 {
		t.Fatalf("uid 1000 got %+v, want kind seen ref 42", ev)
	}
	select {
	case ev := <-other:
		t.Fatalf("uid 1001 got %+v", ev)
	default:
	}
	if _, err := h.Choice(1000, ev.ID, ActionIgnore); err == nil {
		t.Error("a seen event could be answered")
	}
}
