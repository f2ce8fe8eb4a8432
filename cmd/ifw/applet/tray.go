package applet

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// The StatusNotifierItem protocol (freedesktop.org's draft, as KDE, the
// GNOME AppIndicator extension, XFCE and waybar implement it).
const (
	watcherName  = "org.kde.StatusNotifierWatcher"
	watcherPath  = dbus.ObjectPath("/StatusNotifierWatcher")
	registerItem = watcherName + ".RegisterStatusNotifierItem"
	itemIface    = "org.kde.StatusNotifierItem"
	itemPath     = dbus.ObjectPath("/StatusNotifierItem")
	menuPath     = dbus.ObjectPath("/MenuBar")
)

// The item's statuses.
const (
	statusActive    = "Active"
	statusAttention = "NeedsAttention"
)

// Icons, from the freedesktop icon naming spec's status icons.
const (
	iconActive    = "security-high"
	iconAttention = "security-low"
)

// Bounds of the tray's calls: registering with the watcher, reading or
// setting the daemon's switch.
const (
	trayCallTimeout = 10 * time.Second
	// PauseBubbles is how long "Pause bubbles" holds back alert bubbles.
	PauseBubbles = time.Hour
)

// tray is the applet's icon: a StatusNotifierItem with a dbusmenu, on the
// applet's session bus connection. Its state changes under mu; D-Bus calls
// (a click in the menu) only queue work for run.
type tray struct {
	conn   *dbus.Conn
	log    *slog.Logger
	daemon *control.Client
	// open opens the management window; quit ends the applet; notice
	// shows a bubble without buttons.
	open   func(ctx context.Context) error
	quit   func()
	notice func(ctx context.Context, summary, body string)
	// why says in words why a call to the daemon failed.
	why  func(error) string
	now  func() time.Time
	name string // the item's bus name

	props *prop.Properties
	menu  *menu
	work  chan trayWork

	mu          sync.Mutex
	attention   bool
	unseen      int
	auto        *control.AutoBlock // nil: not known (the daemon not reached)
	pausedUntil time.Time
	noTraySaid  bool
}

// trayWork is what run does for a D-Bus call: a menu item clicked, or
// the menu about to show (refresh the switch).
type trayWork struct {
	click   int32
	refresh bool
}

// newTray makes the tray of applet a on conn and exports its objects
// (before the stream starts: its events change them); run registers it.
func (a *Applet) newTray(conn *dbus.Conn, quit func()) *tray {
	t := &tray{conn: conn, log: a.log.With("part", "tray"), daemon: a.daemon, open: a.cfg.OpenWindow, quit: quit,
		why: a.notApplied, now: time.Now, name: itemName(conn), work: make(chan trayWork, 16)}
	t.notice = func(ctx context.Context, summary, body string) {
		caps, _ := notify.Capabilities(ctx, conn)
		if _, _, err := notify.Send(conn, notify.Bubble{Summary: summary, Body: body, Urgency: notify.UrgencyNormal}, caps, nil, a.style); err != nil {
			t.log.Error("bubble not shown", "err", err)
		}
	}
	if t.open == nil {
		t.open = execWindow(os.Executable, a.cfg.Socket, t.log)
	}
	t.menu = &menu{t: t}
	if err := t.export(); err != nil {
		t.log.Error("no tray icon: the item could not be exported", "err", err)
		t.unexport()
		t.props = nil
	}
	return t
}

// run exports the item and its menu, registers it with the watcher now
// and whenever one (re)starts, and does the menu's work until ctx ends.
// Without a watcher the applet runs on with bubbles only, said once.
func (t *tray) run(ctx context.Context) error {
	if t.props == nil {
		return nil // not exported: bubbles only
	}
	defer t.unexport()
	ch := make(chan *dbus.Signal, 16)
	t.conn.Signal(ch)
	defer t.conn.RemoveSignal(ch)
	match := []dbus.MatchOption{dbus.WithMatchSender("org.freedesktop.DBus"), dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchOption("arg0", watcherName)}
	if err := t.conn.AddMatchSignalContext(ctx, match...); err != nil {
		t.log.Error("no tray icon: the watcher cannot be followed", "err", err)
		return nil
	}
	defer func() { _ = t.conn.RemoveMatchSignal(match...) }()
	var has bool
	if err := t.conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&has); err != nil {
		t.log.Warn("cannot ask for a tray", "err", err)
	}
	var r registrar
	if has {
		r.attempt(ctx, t)
	} else {
		t.noTray()
	}
	t.refreshAuto(ctx)
	for {
		select {
		case <-ctx.Done():
			return nil
		case sig, ok := <-ch:
			if !ok {
				return nil
			}
			if owner, ok := watcherOwner(sig); ok {
				if owner == "" {
					t.log.Info("the tray (StatusNotifierWatcher) went away")
					r.retry = nil
					continue
				}
				r = registrar{}
				r.attempt(ctx, t)
			}
		case <-r.retry:
			r.attempt(ctx, t)
		case w := <-t.work:
			t.do(ctx, w)
		}
	}
}

// Registering again after a failure: a watcher may take its name before
// it exports its object (Debian's status-notifier-watcher does).
const (
	registerTries = 6
	registerRetry = 50 * time.Millisecond // doubled at each try
)

// registrar registers the item with the current watcher, retrying.
type registrar struct {
	tries int
	retry <-chan time.Time // the next try, nil when none is due
}

func (r *registrar) attempt(ctx context.Context, t *tray) {
	r.retry = nil
	err := t.register(ctx)
	if err == nil {
		return
	}
	r.tries++
	if r.tries >= registerTries {
		t.log.Warn("tray icon not registered", "err", err, "tries", r.tries)
		return
	}
	t.log.Debug("tray icon not registered yet; trying again", "err", err)
	r.retry = time.After(registerRetry << r.tries)
}

// watcherOwner is the new owner of the watcher's name in a
// NameOwnerChanged signal from the bus.
func watcherOwner(sig *dbus.Signal) (string, bool) {
	if sig == nil || sig.Name != "org.freedesktop.DBus.NameOwnerChanged" || sig.Sender != "org.freedesktop.DBus" || len(sig.Body) != 3 {
		return "", false
	}
	name, ok1 := sig.Body[0].(string)
	owner, ok2 := sig.Body[2].(string)
	return owner, ok1 && ok2 && name == watcherName
}

// noTray says once that there is no tray to show the icon in.
func (t *tray) noTray() {
	t.mu.Lock()
	said := t.noTraySaid
	t.noTraySaid = true
	t.mu.Unlock()
	if !said {
		t.log.Info("no system tray (no StatusNotifierWatcher on the session bus): bubbles only; the icon appears if a tray starts")
	}
}

// register tells the watcher about the item.
func (t *tray) register(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, trayCallTimeout)
	defer cancel()
	if err := t.conn.Object(watcherName, watcherPath).CallWithContext(ctx, registerItem, 0, t.name).Err; err != nil {
		return err
	}
	t.log.Info("tray icon registered", "item", t.name)
	return nil
}

// do is one piece of the menu's work.
func (t *tray) do(ctx context.Context, w trayWork) {
	switch {
	case w.refresh:
		t.refreshAuto(ctx)
	case w.click == itemOpen:
		if err := t.open(ctx); err != nil {
			t.log.Error("management window not opened", "err", err)
			t.notice(ctx, "Firewall: window not opened", err.Error())
		}
	case w.click == itemAuto:
		t.toggleAuto(ctx)
	case w.click == itemPause:
		t.togglePause()
	case w.click == itemQuit:
		t.log.Info("quit from the tray menu")
		t.quit()
	}
}

// refreshAuto reads the daemon's switch into the menu.
func (t *tray) refreshAuto(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, trayCallTimeout)
	defer cancel()
	a, err := t.daemon.AutoBlock(ctx)
	if err != nil {
		t.log.Debug("automatic-blocking switch not read", "err", err)
		t.setAuto(nil)
		return
	}
	t.setAuto(&a)
}

// toggleAuto turns the daemon's switch over; a refusal is shown.
func (t *tray) toggleAuto(ctx context.Context) {
	t.mu.Lock()
	cur := t.auto
	t.mu.Unlock()
	if cur == nil {
		t.refreshAuto(ctx)
		t.mu.Lock()
		cur = t.auto
		t.mu.Unlock()
		if cur == nil {
			t.notice(ctx, "Firewall: automatic blocking not changed", "the ifw daemon is not reachable")
			return
		}
	}
	pctx, cancel := context.WithTimeout(ctx, DefaultPostTimeout) // polkit may ask for a password
	defer cancel()
	a, err := t.daemon.SetAutoBlock(pctx, !cur.On)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		t.log.Error("automatic blocking not changed", "err", err)
		t.notice(ctx, "Firewall: automatic blocking not changed", t.why(err))
		t.refreshAuto(ctx)
		return
	}
	t.log.Info("automatic blocking switched from the tray", "on", a.On)
	if a.Warning != "" {
		t.notice(ctx, "Firewall: automatic blocking", a.Warning)
	}
	t.setAuto(&a)
}

// setAuto records the switch and updates the menu when it changed.
func (t *tray) setAuto(a *control.AutoBlock) {
	t.mu.Lock()
	changed := (a == nil) != (t.auto == nil) || a != nil && a.On != t.auto.On
	t.auto = a
	t.mu.Unlock()
	if changed {
		t.menu.changed(itemAuto)
	}
}

// togglePause pauses alert bubbles for PauseBubbles, or resumes them.
func (t *tray) togglePause() {
	t.mu.Lock()
	if t.now().Before(t.pausedUntil) {
		t.pausedUntil = time.Time{}
	} else {
		t.pausedUntil = t.now().Add(PauseBubbles)
	}
	until := t.pausedUntil
	t.mu.Unlock()
	if until.IsZero() {
		t.log.Info("alert bubbles resumed")
	} else {
		t.log.Info("alert bubbles paused", "until", until)
	}
	t.menu.changed(itemPause)
	t.refreshTip()
}

// paused says whether alert bubbles are held back now.
func (t *tray) paused() (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pausedUntil, t.now().Before(t.pausedUntil)
}

// event follows the daemon's events: an alert makes the icon ask for
// attention, KindSeen (the user opened the window's Log) settles it. It
// says whether ev's bubble is to be shown: not an alert's while bubbles
// are paused (questions still are).
func (t *tray) event(ev control.Event) bool {
	if t == nil {
		return true
	}
	switch ev.Kind {
	case notify.KindAlert:
		t.setAttention(true)
		if _, p := t.paused(); p {
			t.log.Debug("alert bubble held back: bubbles paused", "event_id", ev.ID)
			return false
		}
	case notify.KindSeen:
		t.setAttention(false)
	}
	return true
}

// setAttention sets the item's status, and says so to the tray.
func (t *tray) setAttention(on bool) {
	t.mu.Lock()
	changed := t.attention != on
	t.attention = on
	if on {
		t.unseen++
	} else {
		t.unseen = 0
	}
	t.mu.Unlock()
	t.refreshTip()
	if t.props == nil || !changed {
		return
	}
	status := statusActive
	if on {
		status = statusAttention
	}
	t.props.SetMust(itemIface, "Status", status)
	if err := t.conn.Emit(itemPath, itemIface+".NewStatus", status); err != nil {
		t.log.Warn("tray status not sent", "err", err)
	}
}

// refreshTip sends the tool tip again.
func (t *tray) refreshTip() {
	if t.props == nil {
		return
	}
	t.props.SetMust(itemIface, "ToolTip", t.toolTip())
	_ = t.conn.Emit(itemPath, itemIface+".NewToolTip")
}

// itemName is the item's bus name, org.kde.StatusNotifierItem-PID-ID as
// the protocol has it, ID made of the connection's unique name (one item
// per connection).
func itemName(conn *dbus.Conn) string {
	id := "1"
	if names := conn.Names(); len(names) > 0 {
		id = strings.NewReplacer(":", "", ".", "_").Replace(names[0])
	}
	return fmt.Sprintf("org.kde.StatusNotifierItem-%d-%s", os.Getpid(), id)
}
