package main

import (
	"github.com/ifw/ifw/cmd/ifw/control"

	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os/signal"
	"syscall"

	"github.com/ifw/ifw/actions/notify"
)

// runApplet is `ifw applet`: started in the desktop session (etc's XDG
// autostart file), it shows the daemon's alerts as bubbles and sends the
// user's Block / Whitelist / Ignore back.
func runApplet(e env, args []string) int {
	fs := flag.NewFlagSet("applet", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	socket := fs.String("socket", control.DefaultSocket, "the daemon's control socket")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	a, err := notify.NewApplet(notify.AppletConfig{Socket: *socket}, log)
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw applet:", err)
		return exitFail
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := a.Run(ctx); err != nil && !errors.Is(err, notify.ErrBusClosed) {
		fmt.Fprintln(e.stderr, "ifw applet:", err)
		return exitFail
	}
	return exitOK
}

// runNotifyOnce is `ifw notify-once`: the one-shot bubble the daemon runs
// as the logged-in user when no applet is running.
func runNotifyOnce(e env, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := notify.RunNotifyOnce(ctx, args, e.stderr); err != nil {
		fmt.Fprintln(e.stderr, "ifw notify-once:", err)
		return exitFail
	}
	return exitOK
}
