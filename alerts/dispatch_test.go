package alerts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ifw/ifw/etc"
)

func TestNewDispatcherRefuses(t *testing.T) {
	ok := okAction("script")
	for _, tc := range []struct {
		name   string
		routes []Route
		field  string
	}{
		{"no action", []Route{{}}, "no action"},
		{"empty name", []Route{{Action: okAction("")}}, "no name"},
		{"level", []Route{{Action: ok, MinLevel: 6}}, "min_level"},
		{"negative timeout", []Route{{Action: ok, Timeout: -1}}, "timeout"},
		{"huge queue", []Route{{Action: ok, Queue: MaxQueue + 1}}, "queue"},
		{"negative interval", []Route{{Action: ok, Interval: -time.Second}}, "interval"},
		{"workers", []Route{{Action: ok, Workers: MaxWorkers + 1}}, "workers"},
		{"remember", []Route{{Action: ok, Remember: -1}}, "remember"},
		{"same name twice", []Route{{Action: ok}, {Action: okAction("script")}}, "[action script]: two actions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewDispatcher(tc.routes, nil, nil)
			var ce *etc.ConfigError
			if !errors.As(err, &ce) || !strings.Contains(ce.Key+ce.Error(), tc.field) || !errors.Is(err, ErrConfig) {
				t.Fatalf("err %v; want an *etc.ConfigError about %s", err, tc.field)
			}
		})
	}
}

// TestDispatchNeverBlocks: an action that never finishes fills its queue;
// what follows is dropped and counted, and every Dispatch returns while the
// action is still stuck. That is shown by construction, not by a clock: the
// stuck run holds its worker until the dispatcher stops, so a Dispatch that
// waited for room would never return. (What Dispatch costs is measured by
// BenchmarkDispatchFull.)
func TestDispatchNeverBlocks(t *testing.T) {
	const queue, n = 8, 20000
	stuck := &fakeAction{name: "stuck", run: func(ctx context.Context, _ Alert) error {
		<-ctx.Done()
		return ctx.Err()
	}}
	d, stop := runDispatcher(t, []Route{{Action: stuck, Queue: queue, Timeout: time.Hour}}, nil)
	d.Dispatch(alertOf(src4(0), 3, nil, nil))
	waitFor(t, "the first run", func() bool { return d.Stats()["stuck"].Running == 1 })

	returned := make(chan struct{})
	go func() {
		defer close(returned)
		for i := range n {
			d.Dispatch(alertOf(src4(i+1), 3, []string{"syn/tcp"}, nil))
		}
	}()
	select {
	case <-returned:
	case <-time.After(time.Minute): // a deadlock guard, not a speed limit
		t.Fatalf("Dispatch blocked behind the stuck action: %+v", d.Stats()["stuck"])
	}
	st := d.Stats()["stuck"]
	if st.Running != 1 {
		t.Fatalf("the stuck run ended early: %+v", st)
	}
	if st.Dispatched != 1+queue || st.Dropped != n-queue || st.Queued != queue {
		t.Fatalf("stats %+v; want %d dispatched, %d dropped, %d queued", st, 1+queue, n-queue, queue)
	}
	stop()
	st = d.Stats()["stuck"]
	if st.Dropped != n || st.Failed != 1 || st.Running != 0 || st.Queued != 0 {
		t.Fatalf("after Run: %+v; want %d dropped (the queue too), the stuck run failed", st, n)
	}
}

// TestOutcomes: every run's outcome lands in a real store; timeouts cancel,
// panics are recovered, skips are counted without an outcome, except
// "not delivered", a skip whose outcome is recorded.
func TestOutcomes(t *testing.T) {
	const timeout = 100 * time.Millisecond
	for _, tc := range []struct {
		name      string
		run       func(ctx context.Context, a Alert) error
		want      ActionStats
		outcome   bool
		errSubstr string
	}{
		{"ok", func(context.Context, Alert) error { return nil }, ActionStats{OK: 1}, true, ""},
		{"error", func(context.Context, Alert) error { return errors.New("mail server says no") },
			ActionStats{Failed: 1}, true, "mail server says no"},
		{"timeout", func(ctx context.Context, _ Alert) error { <-ctx.Done(); return ctx.Err() },
			ActionStats{Failed: 1}, true, "timed out after 100ms: context deadline exceeded"},
		{"panic", func(context.Context, Alert) error { panic("boom") },
			ActionStats{Failed: 1, Panics: 1}, true, "action test panicked: boom"},
		{"skip", func(context.Context, Alert) error { return ErrSkip }, ActionStats{Skipped: 1}, false, ""},
		{"not delivered", func(context.Context, Alert) error {
			return fmt.Errorf("desktop: %w", &NotDeliveredError{Why: "no applet and no desktop session"})
		}, ActionStats{Skipped: 1}, true, "not delivered: no applet and no desktop session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			a := sample(t, "198.51.100.7", t0)
			if _, err := s.AddAlert(context.Background(), &a); err != nil {
				t.Fatal(err)
			}
			act := &fakeAction{name: "test", run: tc.run}
			d, _ := runDispatcher(t, []Route{{Action: act, Timeout: timeout}}, s)
			d.Dispatch(a)
			waitFor(t, "the run", func() bool { st := d.Stats()["test"]; return st.OK+st.Failed+st.Skipped == 1 })
			st := d.Stats()["test"]
			st.Dispatched, st.Busy = 0, 0
			if st != tc.want {
				t.Errorf("stats %+v, want %+v", st, tc.want)
			}
			checkOutcome(t, s, a, tc.outcome, tc.errSubstr)
		})
	}
}

// checkOutcome waits for the outcome of the test action on a (or checks
// there is none).
func checkOutcome(t *testing.T, s *Store, a Alert, want bool, errSubstr string) {
	t.Helper()
	var got []Outcome
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		back, ok, err := s.Latest(context.Background(), a.Src)
		if err != nil || !ok {
			t.Fatalf("Latest: %v %v", ok, err)
		}
		if got = back.Outcomes; len(got) > 0 || !want {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	switch {
	case !want && len(got) != 0:
		t.Fatalf("outcomes %+v; want none", got)
	case !want:
		return
	case len(got) != 1:
		t.Fatalf("outcomes %+v; want one", got)
	}
	o := got[0]
	if o.Action != "test" || o.OK != (errSubstr == "") || !strings.Contains(o.Error, errSubstr) || o.Time.IsZero() {
		t.Fatalf("outcome %+v; want ok=%v, error with %q", o, errSubstr == "", errSubstr)
	}
}

// TestDroppedKeepsNews: an alert that brought news but found the queue full
// leaves the news for the next alert.
func TestDroppedKeepsNews(t *testing.T) {
	d, err := NewDispatcher([]Route{{Action: okAction("a"), Queue: 1, MinLevel: 3}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	l := d.lanes[0]
	src := src4(7)
	d.Dispatch(alertOf(src, 2, nil, nil)) // below the route's level: not even counted
	d.Dispatch(alertOf(src, 3, nil, nil)) // first: queued
	d.Dispatch(alertOf(src, 4, nil, nil)) // level: queue full, dropped
	<-l.queue
	d.Dispatch(alertOf(src, 4, nil, nil)) // still news: queued
	d.Dispatch(alertOf(src, 4, nil, nil)) // told already: throttled
	st := d.Stats()["a"]
	if st.Dispatched != 2 || st.Dropped != 1 || st.Throttled != 1 {
		t.Fatalf("stats %+v; want 2 dispatched, 1 dropped, 1 throttled", st)
	}
	if j := <-l.queue; j.a.Level != 4 || j.why != reasonLevel {
		t.Fatalf("queued %+v (%v); want the level 4 alert for its level", j.a, j.why)
	}
}

// TestRoutesAndWorkers: each action gets the alerts of its level, in
// parallel up to its Workers, and Dispatch copies the alert.
func TestRoutesAndWorkers(t *testing.T) {
	var now, peak atomic.Int64
	var sawScan atomic.Value
	wide := &fakeAction{name: "wide", run: func(context.Context, Alert) error {
		n := now.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		now.Add(-1)
		return nil
	}}
	high := &fakeAction{name: "high", run: func(_ context.Context, a Alert) error {
		sawScan.Store(a.Scans[0].Type)
		return nil
	}}
	d, _ := runDispatcher(t, []Route{{Action: wide, Workers: 3}, {Action: high, MinLevel: 5}}, nil)
	for i := range 30 {
		a := alertOf(src4(i), 1+i%5, []string{"syn/tcp"}, nil)
		d.Dispatch(a)
		a.Scans[0].Type = "changed after Dispatch"
	}
	waitFor(t, "the runs", func() bool { return d.Stats()["wide"].OK == 30 && d.Stats()["high"].OK == 6 })
	if p := peak.Load(); p != 3 {
		t.Errorf("%d runs at once; want Workers = 3", p)
	}
	if got := sawScan.Load(); got != "syn" {
		t.Errorf("the action saw scan type %q: Dispatch did not copy the alert", got)
	}
}

func TestRunTwice(t *testing.T) {
	d, _ := runDispatcher(t, []Route{{Action: okAction("a")}}, nil)
	waitFor(t, "Run", d.run.Load)
	if err := d.Run(context.Background()); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Run: %v, want ErrRunning", err)
	}
}

// TestShutdownRecordsCancelled: a run cut short by the end of Run is
// recorded as failed, although Run's context is gone.
func TestShutdownRecordsCancelled(t *testing.T) {
	s := openTemp(t)
	a := sample(t, "198.51.100.9", t0)
	if _, err := s.AddAlert(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
	act := &fakeAction{name: "test", run: func(ctx context.Context, _ Alert) error { <-ctx.Done(); return ctx.Err() }}
	d, stop := runDispatcher(t, []Route{{Action: act, Timeout: time.Hour}}, s)
	d.Dispatch(a)
	waitFor(t, "the run", func() bool { return d.Stats()["test"].Running == 1 })
	stop()
	checkOutcome(t, s, a, true, "context canceled")
}

// TestDropsRecorded: an alert dropped on a full queue, and one still
// queued when the dispatcher stops, each get an outcome saying so; the
// run cut short by the stop is recorded as failed.
func TestDropsRecorded(t *testing.T) {
	s := openTemp(t)
	var as [3]Alert
	for i, src := range []string{"198.51.100.1", "198.51.100.2", "198.51.100.3"} {
		as[i] = sample(t, src, t0)
		if _, err := s.AddAlert(context.Background(), &as[i]); err != nil {
			t.Fatal(err)
		}
	}
	act := &fakeAction{name: "test", run: func(ctx context.Context, _ Alert) error { <-ctx.Done(); return ctx.Err() }}
	d, stop := runDispatcher(t, []Route{{Action: act, Queue: 1, Timeout: time.Hour}}, s)
	d.Dispatch(as[0])
	waitFor(t, "the first run", func() bool { return d.Stats()["test"].Running == 1 })
	d.Dispatch(as[1]) // queued
	d.Dispatch(as[2]) // the queue is full: dropped
	outcome := func(a Alert) string {
		back, _, err := s.Latest(context.Background(), a.Src)
		if err != nil || len(back.Outcomes) == 0 {
			return ""
		}
		o := back.Outcomes[0]
		if o.OK || o.Action != "test" {
			return fmt.Sprintf("%+v", o)
		}
		return o.Error
	}
	waitFor(t, "the drop recorded", func() bool { return outcome(as[2]) != "" })
	if got := outcome(as[2]); got != DroppedFull {
		t.Errorf("dropped alert: %q, want %q", got, DroppedFull)
	}
	stop()
	if got := outcome(as[1]); got != DroppedShutdown {
		t.Errorf("alert queued at the stop: %q, want %q", got, DroppedShutdown)
	}
	if got := outcome(as[0]); !strings.Contains(got, "context canceled") {
		t.Errorf("run cut short: %q", got)
	}
	if st := d.Stats()["test"]; st.Dropped != 2 {
		t.Errorf("stats %+v, want 2 dropped", st)
	}
}
