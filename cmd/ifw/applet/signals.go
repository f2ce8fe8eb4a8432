package applet

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/actions/notify"
)

// D-Bus names of the notification service's signals and the bus.
const (
	notifyName   = notify.ServiceName
	notifyPath   = notify.ServicePath
	busName      = "org.freedesktop.DBus"
	busPath      = dbus.ObjectPath("/org/freedesktop/DBus")
	sigInvoked   = notifyName + ".ActionInvoked"
	sigClosed    = notifyName + ".NotificationClosed"
	sigOwner     = busName + ".NameOwnerChanged"
	signalBuffer = 64
)

// click is an accepted button press.
type click struct {
	eventID uint64
	action  string
}

// watcher is the applet's own signal loop: it accepts ActionInvoked and
// NotificationClosed only from the unique name owning the notification
// service, only with the spec's body types and only for ids in sent.
type watcher struct {
	conn   *dbus.Conn
	sent   *sentSet
	clicks chan<- click
	log    *slog.Logger
	owner  string // the service's unique name; "" while nobody owns it
}

// matches are the signals the watcher asks the bus for.
func matches() [][]dbus.MatchOption {
	return [][]dbus.MatchOption{
		{dbus.WithMatchObjectPath(notifyPath), dbus.WithMatchInterface(notifyName)},
		{dbus.WithMatchSender(busName), dbus.WithMatchObjectPath(busPath), dbus.WithMatchInterface(busName),
			dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchOption("arg0", notifyName)},
	}
}

// start subscribes to the signals and learns the current owner; the
// returned channel feeds run.
func (w *watcher) start(ctx context.Context) (chan *dbus.Signal, error) {
	ch := make(chan *dbus.Signal, signalBuffer)
	w.conn.Signal(ch)
	for _, m := range matches() {
		if err := w.conn.AddMatchSignalContext(ctx, m...); err != nil {
			w.conn.RemoveSignal(ch)
			if !w.conn.Connected() { // the session ended while the applet started
				return nil, fmt.Errorf("%w (%v)", ErrBusClosed, err)
			}
			return nil, fmt.Errorf("applet: add match: %w", err)
		}
	}
	// After AddMatch, so that no owner change falls between the two.
	var owner string
	err := w.conn.BusObject().CallWithContext(ctx, busName+".GetNameOwner", 0, notifyName).Store(&owner)
	if err != nil {
		w.log.Debug("no notification server yet", "err", err)
	}
	w.owner = owner
	return ch, nil
}

// stop undoes start.
func (w *watcher) stop(ch chan *dbus.Signal) {
	w.conn.RemoveSignal(ch)
	for _, m := range matches() {
		_ = w.conn.RemoveMatchSignal(m...)
	}
}

// run handles signals until ctx ends (nil) or the connection closes.
func (w *watcher) run(ctx context.Context, ch <-chan *dbus.Signal) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case sig, ok := <-ch:
			if !ok {
				return ErrBusClosed
			}
			w.handle(ctx, sig)
		}
	}
}

func (w *watcher) handle(ctx context.Context, sig *dbus.Signal) {
	if sig == nil {
		return
	}
	switch sig.Name {
	case sigOwner:
		w.ownerChanged(sig)
	case sigInvoked:
		if id, key, ok := w.fromServer(sig); ok {
			w.invoked(ctx, id, key)
		}
	case sigClosed:
		if id, _, ok := w.fromServer(sig); ok {
			w.sent.remove(id)
		}
	}
}

// fromServer checks a notification signal's origin, path and body: (u, s)
// for ActionInvoked, (u, u) for NotificationClosed.
func (w *watcher) fromServer(sig *dbus.Signal) (uint32, string, bool) {
	if w.owner == "" || sig.Sender != w.owner || sig.Path != notifyPath {
		w.log.Warn("notification signal refused: not from the notification server",
			"signal", sig.Name, "sender", sig.Sender, "owner", w.owner, "path", sig.Path)
		return 0, "", false
	}
	if len(sig.Body) != 2 {
		w.log.Warn("malformed notification signal refused", "signal", sig.Name, "args", len(sig.Body))
		return 0, "", false
	}
	id, ok := sig.Body[0].(uint32)
	if !ok {
		w.log.Warn("malformed notification signal refused", "signal", sig.Name, "id_type", fmt.Sprintf("%T", sig.Body[0]))
		return 0, "", false
	}
	if sig.Name == sigClosed {
		_, ok = sig.Body[1].(uint32)
		return id, "", ok
	}
	key, ok := sig.Body[1].(string)
	if !ok {
		w.log.Warn("malformed notification signal refused", "signal", sig.Name, "key_type", fmt.Sprintf("%T", sig.Body[1]))
	}
	return id, key, ok
}

// invoked turns a click on one of this applet's bubbles into a choice.
func (w *watcher) invoked(ctx context.Context, id uint32, key string) {
	eventID, ok := w.sent.take(id, key)
	if !ok {
		// Clicks on other programs' bubbles arrive too: not worth a warning.
		w.log.Debug("click ignored: not a button of a bubble of this applet", "id", id, "action", key)
		return
	}
	select {
	case w.clicks <- click{eventID: eventID, action: key}:
	case <-ctx.Done():
	default:
		w.log.Error("click dropped: choices are not being posted", "event_id", eventID, "action", key)
	}
}

// ownerChanged follows the notification service's owner; ids of a former
// owner mean nothing to the next one.
func (w *watcher) ownerChanged(sig *dbus.Signal) {
	if sig.Sender != busName {
		w.log.Warn("forged NameOwnerChanged refused", "sender", sig.Sender)
		return
	}
	if len(sig.Body) != 3 {
		return
	}
	name, ok1 := sig.Body[0].(string)
	_, ok2 := sig.Body[1].(string)
	owner, ok3 := sig.Body[2].(string)
	if !ok1 || !ok2 || !ok3 || name != notifyName {
		return
	}
	if owner != w.owner {
		w.log.Info("notification server changed", "old", w.owner, "new", owner)
		w.sent.reset()
		w.owner = owner
	}
}
