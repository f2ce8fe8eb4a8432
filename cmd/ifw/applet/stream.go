package applet

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// streamLoop reads the daemon's events, reconnecting with backoff, until
// ctx ends.
func (a *Applet) streamLoop(ctx context.Context, conn *dbus.Conn) error {
	wait, down := a.cfg.BackoffMin, false
	for {
		var dropped uint64
		connected, err := a.daemon.Events(ctx, func(ev control.Event) {
			if ev.Dropped > dropped {
				a.log.Warn("the daemon dropped events for this applet", "dropped", ev.Dropped-dropped)
				dropped = ev.Dropped
			}
			a.show(ctx, conn, ev)
		})
		if ctx.Err() != nil {
			return nil
		}
		if connected {
			wait, down = a.cfg.BackoffMin, false
		}
		if !down {
			a.log.Warn("lost the daemon's event stream; reconnecting", "err", err)
		} else {
			a.log.Debug("daemon still unreachable", "err", err, "retry_in", wait)
		}
		down = true
		if !sleep(ctx, jitter(wait)) {
			return nil
		}
		wait = min(wait*2, a.cfg.BackoffMax)
	}
}

// jitter spreads d by ±20% so that applets do not reconnect in step.
func jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()-0.5)*0.4*float64(d))
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// show puts ev on the screen, or takes a retracted one off; events of an
// unknown kind are skipped.
func (a *Applet) show(ctx context.Context, conn *dbus.Conn, ev control.Event) {
	if !a.tray.event(ev) { // the tray icon's status; alert bubbles paused
		return
	}
	if ev.Kind == notify.KindRetract {
		a.retract(ctx, conn, ev.Ref)
		return
	}
	b, st, ok := a.bubble(ev)
	if !ok {
		a.log.Debug("event of unknown kind skipped", "event_id", ev.ID, "kind", ev.Kind)
		return
	}
	caps, err := notify.Capabilities(ctx, conn)
	if err != nil {
		a.log.Debug("no capabilities; plain bubble", "err", err)
	}
	var src netip.Addr // an alert's bubble replaces its attacker's last one
	if ev.Kind == notify.KindAlert {
		src = ev.Alert.Src
	}
	var replaced uint32
	id, err := a.sent.record(ev.ID, src, func(replaces uint32) (uint32, []string, error) {
		st.Replaces, replaced = replaces, replaces
		return notify.Send(conn, b, caps, ev.Actions, st)
	})
	if err != nil {
		a.log.Error("bubble not shown", "event_id", ev.ID, "err", err)
		return
	}
	a.log.Info("bubble shown", append([]any{"event_id", ev.ID, "id", id, "replaced", replaced}, about(ev)...)...)
}

// bubble is what ev shows and its style: a question's bubble stays until
// its deadline. ok is false for an event of another kind, or without its
// payload.
func (a *Applet) bubble(ev control.Event) (b notify.Bubble, st notify.Style, ok bool) {
	st = a.style
	switch {
	case ev.Kind == notify.KindAlert:
		return notify.AlertBubble(ev.Alert, ev.Blocked), st, true
	case ev.Kind == notify.KindQuestion && ev.Question != nil:
		st.Expire = untilDeadline(ev.Question.Deadline, st.Expire)
		return notify.QuestionBubble(*ev.Question), st, true
	}
	return notify.Bubble{}, st, false
}

// Bounds of a question bubble's expire timeout.
const (
	minQuestionExpire = time.Second
	maxQuestionExpire = 24 * time.Hour
)

// untilDeadline is how long a question bubble stays: until the deadline,
// at least a second; without a deadline, def.
func untilDeadline(deadline time.Time, def time.Duration) time.Duration {
	if deadline.IsZero() {
		return def
	}
	return min(max(time.Until(deadline), minQuestionExpire), maxQuestionExpire)
}

// about is what the log says of ev.
func about(ev control.Event) []any {
	if q := ev.Question; q != nil {
		return []any{"question", q.ID, "exe", q.Exe, "dst", q.Dst, "port", q.Port}
	}
	return []any{"src", ev.Alert.Src, "level", ev.Alert.Level}
}

// retract closes the bubble that showed event ref (answered elsewhere or
// timed out); a bubble this applet does not know is left alone.
func (a *Applet) retract(ctx context.Context, conn *dbus.Conn, ref uint64) {
	id, ok := a.sent.forEvent(ref)
	if !ok {
		a.log.Debug("retraction of a bubble not shown here ignored", "event_id", ref)
		return
	}
	if err := notify.Close(ctx, conn, id); err != nil {
		a.log.Warn("bubble not closed", "event_id", ref, "id", id, "err", err)
		return
	}
	a.log.Info("bubble closed: answered elsewhere or timed out", "event_id", ref, "id", id)
}
