package applet

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/notify/notifytest"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/control/controltest"
	"github.com/ifw/ifw/test/testenv"
)

// fakeWatcher is a StatusNotifierWatcher on its own connection: it
// records each item that registers.
type fakeWatcher struct {
	conn *dbus.Conn
	regs chan registration
}

type registration struct{ sender, service string }

// RegisterStatusNotifierItem records the registration.
func (w *fakeWatcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w.regs <- registration{string(sender), service}
	return nil
}

func startFakeWatcher(t *testing.T, addr string) *fakeWatcher {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	w := &fakeWatcher{conn: conn, regs: make(chan registration, 8)}
	if err := conn.Export(w, watcherPath, watcherName); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(watcherName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("watcher name: %v %v", reply, err)
	}
	t.Cleanup(func() { conn.Close() })
	return w
}

func (w *fakeWatcher) next(t *testing.T) registration {
	t.Helper()
	select {
	case r := <-w.regs:
		return r
	case <-time.After(time.Minute):
		t.Fatal("no item registered")
	}
	return registration{}
}

// lockedBuffer is a log both the test and the applet write.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
	t  testing.TB
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.t.Log(strings.TrimSpace(string(p)))
	return l.b.Write(p)
}

func (l *lockedBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

// trayEnv is a private bus with a fake notification server, a daemon (the
// control API over controltest's backend and a real hub) and an applet.
type trayEnv struct {
	addr    string
	socket  string
	server  *notifytest.FakeServer
	hub     *notify.Hub
	backend *controltest.Backend
	conn    *dbus.Conn // the applet's
	applet  *Applet
	log     *lockedBuffer
	opened  chan struct{}
	done    chan error
	ended   bool // Run returned (Quit), read from done
}

func newTrayEnv(t *testing.T) *trayEnv {
	t.Helper()
	e := &trayEnv{addr: privateBus(t), opened: make(chan struct{}, 4), done: make(chan error, 1), log: &lockedBuffer{t: t}}
	e.server = notifytest.StartFakeServer(t, e.addr, notifytest.AllCaps...)
	e.hub = newHub(t, notify.Config{})
	e.backend = controltest.NewBackend()
	e.backend.Events = e.hub
	socket, _ := controltest.Start(t, e.backend)
	e.socket = socket
	e.conn = notifytest.Connect(t, e.addr)
	var err error
	e.applet, err = New(Config{Socket: socket, Bus: e.conn, BackoffMin: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
		OpenWindow: func(context.Context) error { e.opened <- struct{}{}; return nil }},
		slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { e.done <- e.applet.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if e.ended {
			return
		}
		select {
		case err := <-e.done:
			if err != nil {
				t.Errorf("applet Run: %v", err)
			}
		case <-time.After(time.Minute):
			t.Error("applet did not stop")
		}
	})
	notifytest.WaitFor(t, "the applet's subscription", func() bool { return e.hub.Subscribers() == 1 })
	return e
}

// item is the applet's item as a host sees it.
func (e *trayEnv) item(host *dbus.Conn, service string) dbus.BusObject {
	return host.Object(service, itemPath)
}

func itemProp[T any](t *testing.T, o dbus.BusObject, name string) T {
	t.Helper()
	v, err := o.GetProperty(itemIface + "." + name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	x, ok := v.Value().(T)
	if !ok {
		t.Fatalf("%s is %s (%T)", name, v.Signature(), v.Value())
	}
	return x
}

// signals subscribes host to the item's and the menu's signals.
func signals(t *testing.T, host *dbus.Conn) chan *dbus.Signal {
	t.Helper()
	ch := make(chan *dbus.Signal, 64)
	host.Signal(ch)
	for _, m := range [][]dbus.MatchOption{
		{dbus.WithMatchInterface(itemIface), dbus.WithMatchObjectPath(itemPath)},
		{dbus.WithMatchInterface(menuIface), dbus.WithMatchObjectPath(menuPath)},
	} {
		if err := host.AddMatchSignal(m...); err != nil {
			t.Fatal(err)
		}
	}
	return ch
}

// awaitSignal waits for the signal named member whose body passes ok.
func awaitSignal(t *testing.T, ch chan *dbus.Signal, member string, ok func([]any) bool) {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		select {
		case sig := <-ch:
			if strings.HasSuffix(sig.Name, "."+member) && (ok == nil || ok(sig.Body)) {
				return
			}
		case <-deadline:
			t.Fatalf("no %s signal", member)
		}
	}
}

func statusIs(s string) func([]any) bool {
	return func(b []any) bool { return len(b) == 1 && b[0] == s }
}

// layout is the menu's whole tree, by item: its label and properties.
func layout(t *testing.T, menu dbus.BusObject) map[int32]map[string]any {
	t.Helper()
	var rev uint32
	var root menuLayout
	if err := menu.Call(menuIface+".GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root); err != nil {
		t.Fatal(err)
	}
	out := map[int32]map[string]any{}
	props := func(l menuLayout) map[string]any {
		m := map[string]any{}
		for k, v := range l.Props {
			m[k] = v.Value()
		}
		return m
	}
	out[root.ID] = props(root)
	for _, c := range root.Children {
		var l menuLayout
		if err := dbus.Store([]any{c.Value()}, &l); err != nil {
			t.Fatalf("child %v: %v", c, err)
		}
		out[l.ID] = props(l)
	}
	return out
}

func menuClick(t *testing.T, menu dbus.BusObject, id int32) {
	t.Helper()
	if err := menu.Call(menuIface+".Event", 0, id, "clicked", dbus.MakeVariant(int32(0)), uint32(0)).Err; err != nil {
		t.Fatalf("click %d: %v", id, err)
	}
}

// TestTray: without a watcher the applet runs with bubbles and says once
// that there is no tray; a watcher that starts later gets the item
// registered, a restarted one again. The host reads the item's
// properties; an alert turns it NeedsAttention, "seen" Active again. The
// menu's Automatic blocking checkbox switches the daemon's automatic
// blocking and follows it, Pause holds alert bubbles back (not
// questions), Open runs the window, Quit ends the applet.
func TestTray(t *testing.T) {
	e := newTrayEnv(t)
	ctx := context.Background()
	if err := e.hub.Run(ctx, notifytest.Alert("198.51.100.3", 2)); err != nil {
		t.Fatal(err)
	}
	if c := e.server.Next(t); !strings.Contains(c.Summary, "danger level 2") {
		t.Errorf("bubble without a tray: %q", c.Summary)
	}
	if n := e.log.count("no system tray"); n != 1 {
		t.Errorf("said %d times that there is no tray", n)
	}

	w := startFakeWatcher(t, e.addr)
	reg := w.next(t)
	if reg.sender != e.conn.Names()[0] || !strings.HasPrefix(reg.service, fmt.Sprintf("org.kde.StatusNotifierItem-%d-", os.Getpid())) {
		t.Errorf("registration %+v (applet %s)", reg, e.conn.Names()[0])
	}
	sigs := signals(t, w.conn)
	item := e.item(w.conn, reg.service)
	for name, want := range map[string]string{"Category": "SystemServices", "Id": "ifw", "Status": "NeedsAttention",
		"IconName": iconActive, "AttentionIconName": iconAttention} {
		if got := itemProp[string](t, item, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if !itemProp[bool](t, item, "ItemIsMenu") || itemProp[dbus.ObjectPath](t, item, "Menu") != menuPath {
		t.Error("ItemIsMenu or Menu wrong")
	}
	var tip toolTip
	if v, err := item.GetProperty(itemIface + ".ToolTip"); err != nil || dbus.Store([]any{v.Value()}, &tip) != nil || !strings.Contains(tip.Text, "1 new alert") {
		t.Errorf("tool tip %+v (%v)", tip, err)
	}

	// Seen: Active; a new alert: NeedsAttention.
	if err := control.NewClient(e.socket).MarkSeen(ctx, 2); err != nil { // the window's Log tab opened
		t.Fatal(err)
	}
	awaitSignal(t, sigs, "NewStatus", statusIs(statusActive))
	if err := e.hub.Run(ctx, notifytest.Alert("198.51.100.4", 3)); err != nil {
		t.Fatal(err)
	}
	awaitSignal(t, sigs, "NewStatus", statusIs(statusAttention))
	e.server.Next(t)

	// The menu.
	menu := w.conn.Object(reg.service, menuPath)
	if v, err := menu.GetProperty(menuIface + ".Version"); err != nil || v.Value() != uint32(3) {
		t.Errorf("menu version %v, %v", v, err)
	}
	var l map[int32]map[string]any
	notifytest.WaitFor(t, "the switch read from the daemon", func() bool {
		l = layout(t, menu)
		return l[itemAuto]["enabled"] == true
	})
	if l[itemOpen]["label"] != "Open management window" || l[itemAuto]["toggle-type"] != "checkmark" || l[itemAuto]["toggle-state"] != int32(0) ||
		l[itemPause]["label"] != "Pause bubbles for 1 h" || l[itemSeparator]["type"] != "separator" || l[itemQuit]["label"] != "Quit" || len(l) != 6 {
		t.Errorf("layout %v", l)
	}
	menuClick(t, menu, itemAuto)
	awaitSignal(t, sigs, "ItemsPropertiesUpdated", nil)
	if !e.backend.AutoOn() {
		t.Error("Automatic blocking clicked: the daemon's switch is still off")
	}
	if l = layout(t, menu); l[itemAuto]["toggle-state"] != int32(1) {
		t.Errorf("checkbox after the click: %v", l[itemAuto])
	}
	// Switched elsewhere (ifw block auto off): shown when the menu opens.
	if _, err := e.backend.Blocking().SetAutoBlock(false, "root"); err != nil {
		t.Fatal(err)
	}
	var again bool
	if err := menu.Call(menuIface+".AboutToShow", 0, int32(0)).Store(&again); err != nil {
		t.Fatal(err)
	}
	awaitSignal(t, sigs, "ItemsPropertiesUpdated", nil)
	if l = layout(t, menu); l[itemAuto]["toggle-state"] != int32(0) {
		t.Errorf("checkbox after the switch changed elsewhere: %v", l[itemAuto])
	}

	// Pause: the next alert has no bubble, a question still has one.
	menuClick(t, menu, itemPause)
	awaitSignal(t, sigs, "ItemsPropertiesUpdated", nil)
	if l = layout(t, menu); !strings.HasPrefix(l[itemPause]["label"].(string), "Resume bubbles (paused until ") {
		t.Errorf("pause item after the click: %v", l[itemPause])
	}
	if err := e.hub.Run(ctx, notifytest.Alert("198.51.100.5", 4)); err != nil {
		t.Fatal(err)
	}
	e.hub.Ask(myQuestion(time.Now().Add(time.Minute)))
	if c := e.server.Next(t); c.Summary != "Outbound connection" {
		t.Errorf("while paused, a bubble %q", c.Summary)
	}
	menuClick(t, menu, itemPause)
	awaitSignal(t, sigs, "ItemsPropertiesUpdated", nil)
	if err := e.hub.Run(ctx, notifytest.Alert("198.51.100.6", 4)); err != nil {
		t.Fatal(err)
	}
	if c := e.server.Next(t); !strings.Contains(c.Summary, "danger level 4") {
		t.Errorf("after resuming, a bubble %q", c.Summary)
	}

	menuClick(t, menu, itemOpen)
	select {
	case <-e.opened:
	case <-time.After(time.Minute):
		t.Fatal("Open management window did not open it")
	}

	// The watcher restarts: the item registers again.
	w.conn.Close()
	w2 := startFakeWatcher(t, e.addr)
	if r := w2.next(t); r.service != reg.service {
		t.Errorf("registered again as %q, first %q", r.service, reg.service)
	}

	menuClick(t, w2.conn.Object(reg.service, menuPath), itemQuit)
	select {
	case err := <-e.done:
		e.ended = true
		if err != nil {
			t.Errorf("Run after Quit: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Quit did not end the applet")
	}
}

// TestTrayMenuErrors: unknown items are refused, the group calls say
// which ids failed, properties can be asked one by one.
func TestTrayMenuErrors(t *testing.T) {
	e := newTrayEnv(t)
	w := startFakeWatcher(t, e.addr)
	reg := w.next(t)
	menu := w.conn.Object(reg.service, menuPath)
	if err := menu.Call(menuIface+".Event", 0, int32(99), "clicked", dbus.MakeVariant(int32(0)), uint32(0)).Err; err == nil {
		t.Error("a click on item 99 accepted")
	}
	var bad []int32
	events := []menuEvent{{ID: itemPause, EventID: "hovered", Data: dbus.MakeVariant(int32(0))}, {ID: 42, EventID: "clicked", Data: dbus.MakeVariant(int32(0))}}
	if err := menu.Call(menuIface+".EventGroup", 0, events).Store(&bad); err != nil || !slices.Equal(bad, []int32{42}) {
		t.Errorf("EventGroup: %v, %v", bad, err)
	}
	var updates, errs []int32
	if err := menu.Call(menuIface+".AboutToShowGroup", 0, []int32{0, 7}).Store(&updates, &errs); err != nil || !slices.Equal(errs, []int32{7}) {
		t.Errorf("AboutToShowGroup: %v %v, %v", updates, errs, err)
	}
	var group []menuItemProps
	if err := menu.Call(menuIface+".GetGroupProperties", 0, []int32{itemQuit, 99}, []string{"label"}).Store(&group); err != nil ||
		len(group) != 1 || group[0].ID != itemQuit || len(group[0].Props) != 1 || group[0].Props["label"].Value() != "Quit" {
		t.Errorf("GetGroupProperties: %+v, %v", group, err)
	}
	var v dbus.Variant
	if err := menu.Call(menuIface+".GetProperty", 0, itemSeparator, "type").Store(&v); err != nil || v.Value() != "separator" {
		t.Errorf("GetProperty: %v, %v", v, err)
	}
	var xml string
	if err := menu.Call("org.freedesktop.DBus.Introspectable.Introspect", 0).Store(&xml); err != nil ||
		!strings.Contains(xml, `<method name="GetLayout">`) || !strings.Contains(xml, `<signal name="LayoutUpdated">`) {
		t.Errorf("menu introspection: %v\n%s", err, xml)
	}
	if err := w.conn.Object(reg.service, itemPath).Call("org.freedesktop.DBus.Introspectable.Introspect", 0).Store(&xml); err != nil ||
		!strings.Contains(xml, `<signal name="NewStatus">`) || !strings.Contains(xml, `<property name="ToolTip" type="(sa(iiay)ss)"`) {
		t.Errorf("item introspection: %v\n%s", err, xml)
	}
}

// TestTrayRealWatcher: Debian's status-notifier-watcher (package
// haskell-status-notifier-item-utils, no display needed) lists the item
// once the applet registered it.
func TestTrayRealWatcher(t *testing.T) {
	testenv.Tool(t, "status-notifier-watcher")
	e := newTrayEnv(t)
	cmd := exec.Command("status-notifier-watcher")
	cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+e.addr)
	notifytest.StartKilled(t, cmd)
	host := notifytest.Connect(t, e.addr)
	watcher := host.Object(watcherName, watcherPath)
	notifytest.WaitFor(t, "the item in the watcher's list", func() bool {
		v, err := watcher.GetProperty(watcherName + ".RegisteredStatusNotifierItems")
		if err != nil {
			return false
		}
		items, _ := v.Value().([]string)
		return slices.ContainsFunc(items, func(s string) bool {
			return strings.Contains(s, "org.kde.StatusNotifierItem-") || strings.HasPrefix(s, e.conn.Names()[0])
		})
	})
}
