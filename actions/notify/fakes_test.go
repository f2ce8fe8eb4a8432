package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// notifyCall is one Notify call the fake server received.
type notifyCall struct {
	Sender        string
	SenderUID     uint32
	AppName       string
	ReplacesID    uint32
	Icon          string
	Summary, Body string
	Actions       []string
	Hints         map[string]dbus.Variant
	Timeout       int32
	ID            uint32
	At            time.Time
}

// fakeServer is a notification server on a private bus: it records the
// Notify calls and emits the signals a real one would.
type fakeServer struct {
	conn   *dbus.Conn
	caps   []string
	calls  chan notifyCall
	closes chan uint32 // CloseNotification calls

	mu     sync.Mutex
	nextID uint32
}

// notifyIface holds only the exported D-Bus methods.
type notifyIface struct{ f *fakeServer }

func (n notifyIface) GetCapabilities() ([]string, *dbus.Error) { return n.f.caps, nil }

func (n notifyIface) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "fake", "ifw tests", "1.0", "1.2", nil
}

func (n notifyIface) Notify(sender dbus.Sender, app string, replaces uint32, icon, summary, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	f := n.f
	f.mu.Lock()
	f.nextID++
	id := f.nextID
	f.mu.Unlock()
	var uid uint32
	_ = f.conn.BusObject().Call(busName+".GetConnectionUnixUser", 0, string(sender)).Store(&uid)
	f.calls <- notifyCall{
		Sender: string(sender), SenderUID: uid, AppName: app, ReplacesID: replaces, Icon: icon,
		Summary: summary, Body: body, Actions: actions, Hints: hints, Timeout: timeout, ID: id, At: time.Now(),
	}
	return id, nil
}

func (n notifyIface) CloseNotification(id uint32) *dbus.Error {
	select {
	case n.f.closes <- id:
	default:
	}
	_ = n.f.emit("NotificationClosed", id, uint32(3))
	return nil
}

// startFakeServer connects to the bus at addr and takes the notification
// service's name.
func startFakeServer(t testing.TB, addr string, caps ...string) *fakeServer {
	t.Helper()
	conn := connect(t, addr)
	f := &fakeServer{conn: conn, caps: caps, calls: make(chan notifyCall, 64), closes: make(chan uint32, 64)}
	if err := conn.Export(notifyIface{f}, notifyPath, notifyName); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(notifyName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request name: %v (reply %d)", err, reply)
	}
	return f
}

// emit sends a notification signal from the server.
func (f *fakeServer) emit(member string, args ...any) error {
	return f.conn.Emit(notifyPath, notifyName+"."+member, args...)
}

// next waits for the next Notify call.
func (f *fakeServer) next(t testing.TB) notifyCall {
	t.Helper()
	select {
	case c := <-f.calls:
		return c
	case <-time.After(time.Minute):
		t.Fatal("no Notify call")
	}
	return notifyCall{}
}

// nextClose waits for the next CloseNotification call.
func (f *fakeServer) nextClose(t testing.TB) uint32 {
	t.Helper()
	select {
	case id := <-f.closes:
		return id
	case <-time.After(time.Minute):
		t.Fatal("no CloseNotification call")
	}
	return 0
}

// connect opens a private connection to the bus, closed with the test.
func connect(t testing.TB, addr string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// choiceRecord is one POST /v1/choices the fake daemon received.
type choiceRecord struct {
	Req    ChoiceRequest
	UID    uint32
	Choice Choice
	Err    error
}

// fakeDaemon is the daemon's control socket reduced to the applet's two
// endpoints, over a real Hub, on a unix socket.
type fakeDaemon struct {
	hub     *Hub
	socket  string
	srv     *httptest.Server
	choices chan choiceRecord
}

type peerUIDKey struct{}

func startDaemon(t testing.TB, hub *Hub, socket string) *fakeDaemon {
	t.Helper()
	d := &fakeDaemon{hub: hub, socket: socket, choices: make(chan choiceRecord, 64)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+EventsPath, func(w http.ResponseWriter, r *http.Request) {
		ServeEvents(w, r, hub, r.Context().Value(peerUIDKey{}).(uint32))
	})
	mux.HandleFunc("POST "+ChoicesPath, d.serveChoice)
	_ = os.Remove(socket)
	l, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	d.srv = httptest.NewUnstartedServer(mux)
	d.srv.Listener = l
	d.srv.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		return context.WithValue(ctx, peerUIDKey{}, peerUID(c))
	}
	d.srv.Start()
	t.Cleanup(d.stop)
	return d
}

// stop closes the server and every stream, as a daemon exiting does.
func (d *fakeDaemon) stop() {
	d.srv.CloseClientConnections()
	d.srv.Close()
}

func (d *fakeDaemon) serveChoice(w http.ResponseWriter, r *http.Request) {
	var req ChoiceRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	uid := r.Context().Value(peerUIDKey{}).(uint32)
	c, err := d.hub.Choice(uid, req.EventID, req.Choice)
	d.choices <- choiceRecord{Req: req, UID: uid, Choice: c, Err: err}
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(HTTPStatus(err))
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	_ = json.NewEncoder(w).Encode(c)
}

// peerUID is the uid of the process at the other end (SO_PEERCRED), as
// the daemon's control socket reads it.
func peerUID(c net.Conn) uint32 {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return ^uint32(0)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return ^uint32(0)
	}
	uid := ^uint32(0)
	_ = raw.Control(func(fd uintptr) {
		if cred, err := syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED); err == nil {
			uid = cred.Uid
		}
	})
	return uid
}

// nextChoice waits for the next posted choice.
func (d *fakeDaemon) nextChoice(t testing.TB) choiceRecord {
	t.Helper()
	select {
	case c := <-d.choices:
		return c
	case <-time.After(time.Minute):
		t.Fatal("no choice posted")
	}
	return choiceRecord{}
}

// startApplet runs an applet on conn against the socket until the test
// ends; Run must then return nil.
func startApplet(t testing.TB, socket string, conn *dbus.Conn) *Applet {
	t.Helper()
	a, err := NewApplet(AppletConfig{Socket: socket, Bus: conn, BackoffMin: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, ErrBusClosed) {
				t.Errorf("applet Run: %v", err)
			}
		case <-time.After(time.Minute):
			t.Error("applet did not stop")
		}
	})
	return a
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// appletEnv is a private bus with a fake notification server, a fake
// daemon over a real hub, and an applet between them.
type appletEnv struct {
	addr   string
	server *fakeServer
	hub    *Hub
	daemon *fakeDaemon
	conn   *dbus.Conn // the applet's bus connection
	applet *Applet
}

func newAppletEnv(t testing.TB, caps ...string) *appletEnv {
	t.Helper()
	addr := startBus(t, "", false, nil)
	return newAppletEnvOn(t, addr, startFakeServer(t, addr, caps...))
}

// newAppletEnvOn sets up the daemon and the applet on the bus at addr,
// whose notification server is server (nil: a real one).
func newAppletEnvOn(t testing.TB, addr string, server *fakeServer) *appletEnv {
	t.Helper()
	e := &appletEnv{addr: addr, server: server}
	hub, err := NewHub(Config{}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	e.hub = hub
	e.daemon = startDaemon(t, hub, filepath.Join(t.TempDir(), "ifw.sock"))
	e.conn = connect(t, e.addr)
	e.applet = startApplet(t, e.daemon.socket, e.conn)
	waitFor(t, "the applet's subscription", func() bool { return hub.Subscribers() == 1 })
	return e
}
