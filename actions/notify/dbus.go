package notify

import (
	"context"
	"fmt"

	fdn "github.com/esiqveland/notify"
	"github.com/godbus/dbus/v5"
)

// The notification service of the freedesktop.org spec, on the session
// bus.
const (
	ServiceName = "org.freedesktop.Notifications"
	ServicePath = dbus.ObjectPath("/org/freedesktop/Notifications")
)

// The calls to the notification server, as the applet (cmd/ifw/applet)
// and `ifw notify-once` make them. Both run as the desktop's user, on its
// session bus; the daemon never does.

// Capabilities asks the server on conn what it supports.
func Capabilities(ctx context.Context, conn *dbus.Conn) ([]string, error) {
	var caps []string
	err := conn.Object(ServiceName, ServicePath).CallWithContext(ctx, ServiceName+".GetCapabilities", 0).Store(&caps)
	if err != nil {
		return nil, fmt.Errorf("notify: capabilities: %w", err)
	}
	return caps, nil
}

// Send shows b with st on conn, for a server with caps (see
// notification): buttons for actions only when it has "actions". It
// returns the notification's id and the buttons offered.
func Send(conn *dbus.Conn, b Bubble, caps, actions []string, st Style) (id uint32, offered []string, err error) {
	n, offered := notification(b, caps, actions, st)
	id, err = fdn.SendNotification(conn, n)
	if err != nil {
		return 0, nil, fmt.Errorf("notify: %w", err)
	}
	return id, offered, nil
}

// Close takes notification id off the screen.
func Close(ctx context.Context, conn *dbus.Conn, id uint32) error {
	err := conn.Object(ServiceName, ServicePath).CallWithContext(ctx, ServiceName+".CloseNotification", 0, id).Err
	if err != nil {
		return fmt.Errorf("notify: close %d: %w", id, err)
	}
	return nil
}
