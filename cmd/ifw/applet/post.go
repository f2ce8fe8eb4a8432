package applet

import (
	"context"
	"errors"
	"fmt"

	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// postLoop posts each click to the daemon until ctx ends.
func (a *Applet) postLoop(ctx context.Context, conn *dbus.Conn, clicks <-chan click) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case c := <-clicks:
			a.post(ctx, conn, c)
		}
	}
}

// post sends one choice; when the daemon refuses it or is away, a bubble
// tells the user it was not applied.
func (a *Applet) post(ctx context.Context, conn *dbus.Conn, c click) {
	pctx, cancel := context.WithTimeout(ctx, a.cfg.PostTimeout)
	defer cancel()
	_, err := a.daemon.Choose(pctx, control.ChoiceRequest{EventID: c.eventID, Choice: c.action})
	if err == nil {
		a.log.Info("choice sent", "event_id", c.eventID, "choice", c.action)
		return
	}
	if ctx.Err() != nil {
		return
	}
	a.log.Error("choice not sent", "event_id", c.eventID, "choice", c.action, "err", err)
	b := notify.Bubble{Summary: "Firewall: choice not applied",
		Body: fmt.Sprintf("%s: %s", notify.Label(c.action), a.notApplied(err)), Urgency: notify.UrgencyNormal}
	caps, _ := notify.Capabilities(ctx, conn)
	if _, _, err := notify.Send(conn, b, caps, nil, a.style); err != nil {
		a.log.Error("bubble not shown", "err", err)
	}
}

// notApplied says in words why posting a choice failed: the daemon's
// refusal, no answer in time, or why the socket could not be reached.
func (a *Applet) notApplied(err error) string {
	var refused *control.APIError
	var away *control.SocketError
	switch {
	case errors.As(err, &refused):
		return refused.Message
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer from the ifw daemon within %s (a password dialog left open?)", a.cfg.PostTimeout)
	case errors.As(err, &away) && (errors.Is(err, control.ErrNotRunning) || errors.Is(err, control.ErrNoAccess)):
		return away.Error()
	}
	return "the ifw daemon is not reachable"
}
