package applet

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/notify/notifytest"
	"github.com/ifw/ifw/cmd/ifw/control"
)

func TestAppletBubble(t *testing.T) {
	buttons := []string{"block", "Block for 1 h", "whitelist", "Whitelist", "ignore", "Ignore"}
	tests := []struct {
		name        string
		caps        []string
		level       int
		urgency     byte
		wantButtons []string
		wantBody    string // a line of the body
	}{
		{"level 5, full server", notifytest.AllCaps, 5, 2, buttons, `signature: &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;`},
		{"level 4, full server", notifytest.AllCaps, 4, 2, buttons, "syn scan of 198.51.100.2, tcp ports 22-443 (120 packets)"},
		{"level 3, no markup", []string{"actions", "body"}, 3, 1, buttons, `signature: <b>bold</b> & "quoted"`},
		{"level 2, no actions", []string{"body", "body-markup"}, 2, 0, nil, "Intrusion detected from 203.0.113.7"},
		{"level 1, bare server", nil, 1, 0, nil, `signature: <b>bold</b> & "quoted"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAppletEnv(t, tt.caps...)
			start := time.Now()
			if err := e.hub.Run(context.Background(), notifytest.HostileAlert(tt.level)); err != nil {
				t.Fatal(err)
			}
			c := e.server.Next(t)
			t.Logf("bubble latency, Hub.Run to Notify on the server: %s", c.At.Sub(start))
			if want := "Firewall alert: danger level " + string(rune('0'+tt.level)); c.Summary != want {
				t.Errorf("summary %q, want %q", c.Summary, want)
			}
			if !strings.HasPrefix(c.Body, "Intrusion detected from 203.0.113.7\n") || !slices.Contains(strings.Split(c.Body, "\n"), tt.wantBody) {
				t.Errorf("body %q lacks the line %q", c.Body, tt.wantBody)
			}
			if !slices.Equal(c.Actions, tt.wantButtons) {
				t.Errorf("actions %q, want %q", c.Actions, tt.wantButtons)
			}
			notifytest.CheckHints(t, c, tt.urgency)
			timeout := int32(-1) // the server's
			if tt.wantButtons != nil {
				timeout = 0 // never: buttons stay until answered
			}
			if c.AppName != "ifw" || c.Icon != notify.DefaultIcon || c.Timeout != timeout || c.ReplacesID != 0 {
				t.Errorf("app %q icon %q timeout %d replaces %d", c.AppName, c.Icon, c.Timeout, c.ReplacesID)
			}
		})
	}
}

// clickCase does something to bubble 1 (shown with id1 for event ev1);
// then the server clicks "ignore" on bubble 2: the posted choices must be
// want (plus that one).
type clickCase struct {
	name string
	act  func(t *testing.T, e *appletEnv, id1 uint32)
	want []string // choices posted for bubble 1
}

func TestAppletClicks(t *testing.T) {
	server := func(member string, args ...any) func(*testing.T, *appletEnv, uint32) {
		return func(t *testing.T, e *appletEnv, _ uint32) {
			if err := e.server.Emit(member, args...); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []clickCase{
		{"genuine click posts the choice", func(t *testing.T, e *appletEnv, id1 uint32) {
			mustEmit(t, e.server.Emit("ActionInvoked", id1, "block"))
		}, []string{"block"}},
		{"click on an id the applet did not send", func(t *testing.T, e *appletEnv, id1 uint32) {
			mustEmit(t, e.server.Emit("ActionInvoked", id1+1000, "block"))
		}, nil},
		{"action the bubble did not offer", func(t *testing.T, e *appletEnv, id1 uint32) {
			mustEmit(t, e.server.Emit("ActionInvoked", id1, "default"))
		}, nil},
		{"click after the bubble closed", func(t *testing.T, e *appletEnv, id1 uint32) {
			mustEmit(t, e.server.Emit("NotificationClosed", id1, uint32(2)))
			mustEmit(t, e.server.Emit("ActionInvoked", id1, "block"))
		}, nil},
		{"forged broadcast from another client", func(t *testing.T, e *appletEnv, id1 uint32) {
			forger := notifytest.Connect(t, e.addr)
			mustEmit(t, forger.Emit(notifyPath, sigInvoked, id1, "block"))
			roundTrip(t, forger)
		}, nil},
		{"forged unicast to the applet", func(t *testing.T, e *appletEnv, id1 uint32) {
			forger := notifytest.Connect(t, e.addr)
			sendSignal(t, forger, e.conn.Names()[0], notifyPath, sigInvoked, id1, "block")
			roundTrip(t, forger)
		}, nil},
		{"forged owner change, then a forged click", func(t *testing.T, e *appletEnv, id1 uint32) {
			forger := notifytest.Connect(t, e.addr)
			me := forger.Names()[0]
			sendSignal(t, forger, e.conn.Names()[0], busPath, sigOwner, notifyName, e.server.Conn.Names()[0], me)
			sendSignal(t, forger, e.conn.Names()[0], notifyPath, sigInvoked, id1, "block")
			roundTrip(t, forger)
		}, nil},
		{"malformed: string id", server("ActionInvoked", "1", "block"), nil},
		{"malformed: int32 id", func(t *testing.T, e *appletEnv, id1 uint32) {
			mustEmit(t, e.server.Emit("ActionInvoked", int32(id1), "block"))
		}, nil},
		{"malformed: numeric action", func(t *testing.T, e *appletEnv, id1 uint32) {
			mustEmit(t, e.server.Emit("ActionInvoked", id1, uint32(1)))
		}, nil},
		{"malformed: one argument", func(t *testing.T, e *appletEnv, id1 uint32) {
			mustEmit(t, e.server.Emit("ActionInvoked", id1))
		}, nil},
		{"malformed: no argument", server("ActionInvoked"), nil},
		{"malformed: three arguments", func(t *testing.T, e *appletEnv, id1 uint32) {
			mustEmit(t, e.server.Emit("ActionInvoked", id1, "block", "extra"))
		}, nil},
		{"malformed: variant body", func(t *testing.T, e *appletEnv, id1 uint32) {
			mustEmit(t, e.server.Emit("ActionInvoked", dbus.MakeVariant(id1), dbus.MakeVariant("block")))
		}, nil},
		{"malformed closed signal", server("NotificationClosed", "x", []string{"y"}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runClickCase(t, tt) })
	}
}

func runClickCase(t *testing.T, tt clickCase) {
	e := newAppletEnv(t, notifytest.AllCaps...)
	var ids []uint32
	var events []uint64
	for _, src := range []string{"203.0.113.7", "203.0.113.8"} { // two attackers: two bubbles
		if err := e.hub.Run(context.Background(), notifytest.Alert(src, 4)); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.server.Next(t).ID)
	}
	notifytest.WaitFor(t, "both bubbles tracked", func() bool { return e.applet.sent.len() == 2 })
	e.applet.sent.mu.Lock()
	for _, b := range e.applet.sent.m {
		events = append(events, b.eventID)
	}
	e.applet.sent.mu.Unlock()
	sort.Slice(events, func(i, j int) bool { return events[i] < events[j] })
	tt.act(t, e, ids[0])
	mustEmit(t, e.server.Emit("ActionInvoked", ids[1], "ignore"))
	var got []choiceRecord
	for {
		c := e.daemon.nextChoice(t)
		got = append(got, c)
		if c.Req.EventID == events[1] {
			break
		}
	}
	var want []choiceRecord
	for _, w := range tt.want {
		want = append(want, choiceRecord{Req: control.ChoiceRequest{EventID: events[0], Choice: w}})
	}
	want = append(want, choiceRecord{Req: control.ChoiceRequest{EventID: events[1], Choice: "ignore"}})
	if len(got) != len(want) {
		t.Fatalf("choices posted: %+v, want %+v", got, want)
	}
	for i := range got {
		if got[i].Req != want[i].Req || got[i].Err != nil || got[i].UID != uint32(os.Getuid()) || got[i].Choice.Action != want[i].Req.Choice {
			t.Errorf("choice %d: %+v, want %+v accepted from uid %d", i, got[i], want[i].Req, os.Getuid())
		}
	}
}

func mustEmit(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// roundTrip returns once the bus has routed everything conn sent before.
func roundTrip(t *testing.T, conn *dbus.Conn) {
	t.Helper()
	var id string
	if err := conn.BusObject().Call(busName+".GetId", 0).Store(&id); err != nil {
		t.Fatal(err)
	}
}

// sendSignal sends a signal to one destination (a unicast signal reaches
// it whatever its match rules).
func sendSignal(t *testing.T, conn *dbus.Conn, dest string, path dbus.ObjectPath, name string, args ...any) {
	t.Helper()
	i := strings.LastIndex(name, ".")
	msg := &dbus.Message{Type: dbus.TypeSignal, Headers: map[dbus.HeaderField]dbus.Variant{
		dbus.FieldDestination: dbus.MakeVariant(dest),
		dbus.FieldPath:        dbus.MakeVariant(path),
		dbus.FieldInterface:   dbus.MakeVariant(name[:i]),
		dbus.FieldMember:      dbus.MakeVariant(name[i+1:]),
		dbus.FieldSignature:   dbus.MakeVariant(dbus.SignatureOf(args...)),
	}, Body: args}
	if call := conn.Send(msg, nil); call.Err != nil {
		t.Fatal(call.Err)
	}
}

func TestAppletFollowsServerChange(t *testing.T) {
	e := newAppletEnv(t, notifytest.AllCaps...)
	if err := e.hub.Run(context.Background(), notifytest.Alert("203.0.113.7", 4)); err != nil {
		t.Fatal(err)
	}
	old := e.server.Next(t)
	// The server goes; another takes the name. Its ids are not ours.
	if _, err := e.server.Conn.ReleaseName(notifyName); err != nil {
		t.Fatal(err)
	}
	second := notifytest.StartFakeServer(t, e.addr, notifytest.AllCaps...)
	second.SetLastID(100) // its ids and the old server's differ
	notifytest.WaitFor(t, "the old ids forgotten", func() bool { return e.applet.sent.len() == 0 })
	mustEmit(t, second.Emit("ActionInvoked", old.ID, "block"))   // not ours
	mustEmit(t, e.server.Emit("ActionInvoked", old.ID, "block")) // not the owner
	if err := e.hub.Run(context.Background(), notifytest.Alert("203.0.113.8", 5)); err != nil {
		t.Fatal(err)
	}
	c := second.Next(t)
	mustEmit(t, second.Emit("ActionInvoked", c.ID, "whitelist"))
	got := e.daemon.nextChoice(t)
	if got.Err != nil || got.Choice.Action != "whitelist" || got.Choice.Alert.Src.String() != "203.0.113.8" {
		t.Fatalf("choice %+v, want whitelist of 203.0.113.8", got)
	}
	select {
	case extra := <-e.daemon.choices:
		t.Fatalf("unexpected choice %+v", extra)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestAppletReconnects(t *testing.T) {
	e := newAppletEnv(t, notifytest.AllCaps...)
	e.daemon.stop() // the daemon exits...
	notifytest.WaitFor(t, "the stream to end", func() bool { return e.hub.Subscribers() == 0 })
	hub := newHub(t, notify.Config{})
	start := time.Now()
	d := startDaemon(t, hub, e.daemon.socket) // ...and a new one starts
	notifytest.WaitFor(t, "the applet to resubscribe", func() bool { return hub.Subscribers() == 1 })
	t.Logf("resubscribed %s after the daemon restarted", time.Since(start))
	if err := hub.Run(context.Background(), notifytest.Alert("203.0.113.9", 4)); err != nil {
		t.Fatal(err)
	}
	c := e.server.Next(t)
	mustEmit(t, e.server.Emit("ActionInvoked", c.ID, "block"))
	if got := d.nextChoice(t); got.Err != nil || got.Choice.Alert.Src.String() != "203.0.113.9" {
		t.Fatalf("choice after restart: %+v", got)
	}
}

func TestAppletStopsWithTheBus(t *testing.T) {
	addr := privateBus(t)
	notifytest.StartFakeServer(t, addr, notifytest.AllCaps...)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{Socket: "/nonexistent/ifw.sock", Bus: conn}, notifytest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(context.Background()) }()
	conn.Close() // the session ends, whether the applet is still starting or running
	select {
	case err := <-done:
		if !errors.Is(err, ErrBusClosed) {
			t.Fatalf("Run: %v, want ErrBusClosed", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("applet outlived its session bus")
	}
}

// TestBubbleLatency: 200 alerts each reach the server as a bubble, through
// the event stream and the applet; the Hub.Run to Notify latency is logged
// as a figure, not asserted.
func TestBubbleLatency(t *testing.T) {
	e := newAppletEnv(t, notifytest.AllCaps...)
	var lat []time.Duration
	for i := range 200 {
		start := time.Now()
		if err := e.hub.Run(context.Background(), notifytest.Alert("203.0.113.7", 1+i%5)); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, e.server.Next(t).At.Sub(start))
	}
	slices.Sort(lat)
	t.Logf("bubble latency over %d alerts: p50 %s, p95 %s, max %s", len(lat), lat[len(lat)/2], lat[len(lat)*95/100], lat[len(lat)-1])
}

// TestAppletReportsRefusedChoice: when the daemon refuses a click (here:
// the alert was answered already), a bubble tells the user.
func TestAppletReportsRefusedChoice(t *testing.T) {
	e := newAppletEnv(t, notifytest.AllCaps...)
	if err := e.hub.Run(context.Background(), notifytest.Alert("203.0.113.7", 4)); err != nil {
		t.Fatal(err)
	}
	c := e.server.Next(t)
	e.applet.sent.mu.Lock()
	ev := e.applet.sent.m[c.ID].eventID
	e.applet.sent.mu.Unlock()
	if _, err := e.hub.Choice(uint32(os.Getuid()), ev, notify.ActionIgnore); err != nil {
		t.Fatal(err)
	}
	mustEmit(t, e.server.Emit("ActionInvoked", c.ID, "block"))
	if got := e.daemon.nextChoice(t); got.Err == nil {
		t.Fatalf("second answer accepted: %+v", got)
	}
	n := e.server.Next(t)
	if n.Summary != "Firewall: choice not applied" || !strings.Contains(n.Body, "already answered") || len(n.Actions) != 0 {
		t.Errorf("report bubble %q / %q / %q", n.Summary, n.Body, n.Actions)
	}
}

// TestAppletReportsDaemonAway: a click while the daemon is down is not
// lost in silence: a bubble says the daemon is not running.
func TestAppletReportsDaemonAway(t *testing.T) {
	e := newAppletEnv(t, notifytest.AllCaps...)
	if err := e.hub.Run(context.Background(), notifytest.Alert("203.0.113.7", 4)); err != nil {
		t.Fatal(err)
	}
	c := e.server.Next(t)
	e.daemon.stop()
	mustEmit(t, e.server.Emit("ActionInvoked", c.ID, "block"))
	n := e.server.Next(t)
	if n.Summary != "Firewall: choice not applied" || !strings.HasPrefix(n.Body, "Block for 1 h: the ifw daemon is not running") || len(n.Actions) != 0 {
		t.Errorf("report bubble %q / %q / %q", n.Summary, n.Body, n.Actions)
	}
}

// TestAppletRetriesRefusedStream: a daemon that refuses the stream (this
// uid's share of the streams is full: 429; all are: 503) is asked again
// with backoff, as one that is away; the applet subscribes once there is
// room.
func TestAppletRetriesRefusedStream(t *testing.T) {
	tests := []struct {
		name string
		cfg  notify.Config
	}{
		{"this uid's share full", notify.Config{MaxSubscribersPerUID: 1}},
		{"every stream taken", notify.Config{MaxSubscribers: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := privateBus(t)
			server := notifytest.StartFakeServer(t, addr, notifytest.AllCaps...)
			hub := newHub(t, tt.cfg)
			_, leave := hub.Subscribe(uint32(os.Getuid())) // another applet of this user
			d := startDaemon(t, hub, filepath.Join(t.TempDir(), "ifw.sock"))
			startApplet(t, d.socket, notifytest.Connect(t, addr))
			notifytest.WaitFor(t, "the applet refused twice", func() bool { return hub.Stats().Refused >= 2 })
			leave()
			notifytest.WaitFor(t, "the applet's subscription", func() bool { return hub.Subscribers() == 1 })
			if err := hub.Run(context.Background(), notifytest.Alert("203.0.113.9", 4)); err != nil {
				t.Fatal(err)
			}
			if c := server.Next(t); !strings.Contains(c.Body, "203.0.113.9") {
				t.Errorf("bubble %q, want the alert of 203.0.113.9", c.Body)
			}
		})
	}
}
