package notifytest

import (
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/actions/notify"
)

// AllCaps are the capabilities of a full server: buttons, body, markup.
var AllCaps = []string{"actions", "body", "body-markup"}

// Call is one Notify call the fake server received.
type Call struct {
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

// FakeServer is a notification server on a private bus: it records the
// Notify and CloseNotification calls and emits the signals a real one
// would.
type FakeServer struct {
	Conn   *dbus.Conn
	Calls  chan Call
	Closes chan uint32 // CloseNotification calls
	caps   []string

	mu     sync.Mutex
	lastID uint32
}

// notifyIface holds only the exported D-Bus methods.
type notifyIface struct{ f *FakeServer }

func (n notifyIface) GetCapabilities() ([]string, *dbus.Error) { return n.f.caps, nil }

func (n notifyIface) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "fake", "ifw tests", "1.0", "1.2", nil
}

func (n notifyIface) Notify(sender dbus.Sender, app string, replaces uint32, icon, summary, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	f := n.f
	f.mu.Lock()
	f.lastID++
	id := f.lastID
	f.mu.Unlock()
	if replaces != 0 { // the spec: the bubble replaced keeps its id
		id = replaces
	}
	var uid uint32
	_ = f.Conn.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixUser", 0, string(sender)).Store(&uid)
	f.Calls <- Call{
		Sender: string(sender), SenderUID: uid, AppName: app, ReplacesID: replaces, Icon: icon,
		Summary: summary, Body: body, Actions: actions, Hints: hints, Timeout: timeout, ID: id, At: time.Now(),
	}
	return id, nil
}

func (n notifyIface) CloseNotification(id uint32) *dbus.Error {
	select {
	case n.f.Closes <- id:
	default:
	}
	_ = n.f.Emit("NotificationClosed", id, uint32(3))
	return nil
}

// StartFakeServer connects to the bus at addr and takes the notification
// service's name.
func StartFakeServer(t testing.TB, addr string, caps ...string) *FakeServer {
	t.Helper()
	conn := Connect(t, addr)
	f := &FakeServer{Conn: conn, caps: caps, Calls: make(chan Call, 64), Closes: make(chan uint32, 64)}
	if err := conn.Export(notifyIface{f}, notify.ServicePath, notify.ServiceName); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(notify.ServiceName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request name: %v (reply %d)", err, reply)
	}
	return f
}

// SetLastID makes the next Notify call answer id+1.
func (f *FakeServer) SetLastID(id uint32) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastID = id
}

// Emit sends a notification signal from the server.
func (f *FakeServer) Emit(member string, args ...any) error {
	return f.Conn.Emit(notify.ServicePath, notify.ServiceName+"."+member, args...)
}

// Next waits for the next Notify call.
func (f *FakeServer) Next(t testing.TB) Call {
	t.Helper()
	select {
	case c := <-f.Calls:
		return c
	case <-time.After(time.Minute):
		t.Fatal("no Notify call")
	}
	return Call{}
}

// NextClose waits for the next CloseNotification call.
func (f *FakeServer) NextClose(t testing.TB) uint32 {
	t.Helper()
	select {
	case id := <-f.Closes:
		return id
	case <-time.After(time.Minute):
		t.Fatal("no CloseNotification call")
	}
	return 0
}

// CheckHints checks the hints every ifw bubble carries, with urgency.
func CheckHints(t testing.TB, c Call, urgency byte) {
	t.Helper()
	if u, ok := c.Hints["urgency"].Value().(byte); !ok || u != urgency {
		t.Errorf("urgency hint %v, want byte %d", c.Hints["urgency"], urgency)
	}
	if cat, _ := c.Hints["category"].Value().(string); cat != "network.error" {
		t.Errorf("category hint %v", c.Hints["category"])
	}
	if de, _ := c.Hints["desktop-entry"].Value().(string); de != "ifw-applet" {
		t.Errorf("desktop-entry hint %v", c.Hints["desktop-entry"])
	}
}
