package notify

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/godbus/dbus/v5"
)

// NotifyOnce shows one bubble without buttons on the session bus at
// busAddr ("" means DBUS_SESSION_BUS_ADDRESS) and returns. It is what the
// fallback helper does, run as the desktop's user.
func NotifyOnce(ctx context.Context, busAddr, summary, body string, urgency Urgency) error {
	var conn *dbus.Conn
	var err error
	if busAddr == "" {
		conn, err = dbus.ConnectSessionBus(dbus.WithContext(ctx))
	} else {
		conn, err = dbus.Connect(busAddr, dbus.WithContext(ctx))
	}
	if err != nil {
		return fmt.Errorf("notify: session bus: %w", err)
	}
	defer conn.Close()
	caps, _ := Capabilities(ctx, conn) // without them: a plain bubble
	b := Bubble{Summary: summary, Body: body, Urgency: urgency}
	_, _, err = Send(conn, b, caps, nil, Style{Icon: DefaultIcon})
	return err
}

// RunNotifyOnce is `ifw notify-once`: it reads --summary, --body,
// --urgency (low, normal, critical) and --bus (default: the environment's
// session bus) from args and calls NotifyOnce. Usage errors are written to
// stderr and wrapped in the returned error.
func RunNotifyOnce(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("notify-once", flag.ContinueOnError)
	fs.SetOutput(stderr)
	summary := fs.String("summary", "", "the bubble's title")
	body := fs.String("body", "", "the bubble's text (plain; escaped when the server reads markup)")
	urgency := fs.String("urgency", UrgencyNormal.String(), "low, normal or critical")
	bus := fs.String("bus", "", "the session bus address (default: $DBUS_SESSION_BUS_ADDRESS)")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("notify-once: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("notify-once: unexpected argument %q", fs.Arg(0))
	}
	if *summary == "" {
		return errors.New("notify-once: --summary is required")
	}
	u, err := ParseUrgency(*urgency)
	if err != nil {
		return fmt.Errorf("notify-once: %w", err)
	}
	return NotifyOnce(ctx, *bus, *summary, *body, u)
}
