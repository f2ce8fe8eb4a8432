package applet

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/notify/notifytest"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/test/testenv"
)

// choiceRecord is one POST /v1/choices the fake daemon received.
type choiceRecord struct {
	Req    control.ChoiceRequest
	UID    uint32
	Choice control.Choice
	Err    error
}

// fakeDaemon is the daemon's control socket reduced to the applet's two
// routes (as control's route table has them), over a real Hub, on a unix
// socket, with the peer's uid read as the daemon reads it.
type fakeDaemon struct {
	hub     *notify.Hub
	socket  string
	srv     *httptest.Server
	choices chan choiceRecord
	// inject: events the hub would not publish (of a future kind…),
	// streamed before the hub's next one.
	inject chan control.Event
}

// injector writes the events waiting in inject before each line
// ServeEvents writes.
type injector struct {
	http.ResponseWriter
	inject <-chan control.Event
}

func (w injector) Write(p []byte) (int, error) {
	for {
		select {
		case ev := <-w.inject:
			line, err := json.Marshal(ev)
			if err != nil {
				return 0, err
			}
			if _, err := w.ResponseWriter.Write(append(line, '\n')); err != nil {
				return 0, err
			}
		default:
			return w.ResponseWriter.Write(p)
		}
	}
}

// Unwrap lets ServeEvents flush and set deadlines.
func (w injector) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type peerUIDKey struct{}

func startDaemon(t testing.TB, hub *notify.Hub, socket string) *fakeDaemon {
	t.Helper()
	d := &fakeDaemon{hub: hub, socket: socket, choices: make(chan choiceRecord, 64), inject: make(chan control.Event, 8)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/events", func(w http.ResponseWriter, r *http.Request) {
		notify.ServeEvents(injector{w, d.inject}, r, hub, r.Context().Value(peerUIDKey{}).(uint32))
	})
	mux.HandleFunc("POST /v1/choices", d.serveChoice)
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
	var req control.ChoiceRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	uid := r.Context().Value(peerUIDKey{}).(uint32)
	c, err := d.hub.Choice(uid, req.EventID, req.Choice)
	d.choices <- choiceRecord{Req: req, UID: uid, Choice: c, Err: err}
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(notify.HTTPStatus(err))
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
	a, err := New(Config{Socket: socket, Bus: conn, BackoffMin: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond}, notifytest.Logger(t))
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

// appletEnv is a private bus with a fake notification server, a fake
// daemon over a real hub, and an applet between them.
type appletEnv struct {
	addr   string
	server *notifytest.FakeServer
	hub    *notify.Hub
	daemon *fakeDaemon
	conn   *dbus.Conn // the applet's bus connection
	applet *Applet
}

func newAppletEnv(t testing.TB, caps ...string) *appletEnv {
	t.Helper()
	addr := privateBus(t)
	return newAppletEnvOn(t, addr, notifytest.StartFakeServer(t, addr, caps...))
}

// newAppletEnvOn sets up the daemon and the applet on the bus at addr,
// whose notification server is server (nil: a real one).
func newAppletEnvOn(t testing.TB, addr string, server *notifytest.FakeServer) *appletEnv {
	t.Helper()
	return newAppletEnvWith(t, addr, server, notify.Config{})
}

// newAppletEnvWith is newAppletEnvOn with a hub of cfg.
func newAppletEnvWith(t testing.TB, addr string, server *notifytest.FakeServer, cfg notify.Config) *appletEnv {
	t.Helper()
	e := &appletEnv{addr: addr, server: server}
	e.hub = newHub(t, cfg)
	e.daemon = startDaemon(t, e.hub, filepath.Join(t.TempDir(), "ifw.sock"))
	e.conn = notifytest.Connect(t, e.addr)
	e.applet = startApplet(t, e.daemon.socket, e.conn)
	notifytest.WaitFor(t, "the applet's subscription", func() bool { return e.hub.Subscribers() == 1 })
	return e
}

// newHub is a hub closed with the test.
func newHub(t testing.TB, cfg notify.Config) *notify.Hub {
	t.Helper()
	hub, err := notify.NewHub(cfg, notifytest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	return hub
}

// privateBus starts a session bus of the test's own.
func privateBus(t testing.TB) string {
	t.Helper()
	testenv.Tool(t, "dbus-daemon")
	return notifytest.StartBus(t, "", false, nil)
}
