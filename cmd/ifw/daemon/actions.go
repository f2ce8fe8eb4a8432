package daemon

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/etc/config"
)

// builtActions is what buildActions makes for the daemon.
type builtActions struct {
	routes []alerts.Route
	hub    *notify.Hub // nil without a notify action
	close  []func() error
	// blocked is the hub's Config.Blocked.
	blocked func(context.Context, netip.Addr) *notify.Blocked
}

// buildActions makes every configured action and its route; an error is
// given at its line of the configuration file. blocked tells the notify
// hub which sources are blocked already (nil: none).
func buildActions(list []config.Action, blocked func(context.Context, netip.Addr) *notify.Blocked, log *slog.Logger) (*builtActions, error) {
	b := &builtActions{blocked: blocked}
	for i := range list {
		a := &list[i]
		act, err := b.build(a, log.With("action", a.Name))
		if err != nil {
			b.closeAll()
			return nil, err
		}
		r := a.Route
		r.Action = act
		b.routes = append(b.routes, r)
	}
	return b, nil
}

func (b *builtActions) build(a *config.Action, log *slog.Logger) (alerts.Action, error) {
	if a.Type != "notify" {
		act, err := a.Build(log)
		if c, ok := act.(interface{ Close() error }); ok && err == nil {
			b.close = append(b.close, c.Close)
		}
		return act, err
	}
	if b.hub != nil {
		return nil, a.Wrap(errors.New("only one notify action"))
	}
	fb, err := notify.NewSessionFallback(notify.FallbackConfig{}, log)
	if err != nil {
		return nil, a.Wrap(err)
	}
	if b.hub, err = notify.NewHub(notify.Config{Fallback: fb, Blocked: b.blocked}, log); err != nil {
		return nil, a.Wrap(err)
	}
	return desktopAction{b.hub}, nil
}

func (b *builtActions) closeAll() {
	if b.hub != nil {
		b.hub.Close()
	}
	for _, c := range b.close {
		_ = c()
	}
}

// desktopAction is the hub as an action: no applet and no desktop session
// is a skip, not a failure, recorded as "not delivered".
type desktopAction struct{ hub *notify.Hub }

func (a desktopAction) Name() string { return a.hub.Name() }
func (a desktopAction) Run(ctx context.Context, al alerts.Alert) error {
	err := a.hub.Run(ctx, al)
	if errors.Is(err, notify.ErrNoApplet) || errors.Is(err, notify.ErrNoSession) {
		return &alerts.NotDeliveredError{Why: err.Error()}
	}
	return err
}
