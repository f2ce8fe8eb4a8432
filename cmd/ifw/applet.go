package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/cmd/ifw/applet"
)

// newAppletCmd is `ifw applet` (runApplet).
func newAppletCmd(e env) *cobra.Command {
	cmd := &cobra.Command{Use: "applet", Short: "show the daemon's alerts as desktop bubbles and a tray icon (run in the desktop session)",
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions}
	socket := socketFlag(cmd)
	cmd.RunE = func(*cobra.Command, []string) error { return exitWith(runApplet(e, socket)) }
	return cmd
}

// runApplet is `ifw applet`: started in the desktop session (etc's XDG
// autostart file), it shows the daemon's alerts as bubbles and sends the
// user's Block / Whitelist / Ignore back.
func runApplet(e env, socket *string) int {
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	a, err := applet.New(applet.Config{Socket: *socket}, log)
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw applet:", err)
		return exitFail
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := a.Run(ctx); err != nil && !errors.Is(err, applet.ErrBusClosed) {
		fmt.Fprintln(e.stderr, "ifw applet:", err)
		return exitFail
	}
	return exitOK
}

// newNotifyOnceCmd is `ifw notify-once`: the one-shot bubble the daemon
// runs as the logged-in user when no applet is running.
func newNotifyOnceCmd(e env) *cobra.Command {
	cmd := &cobra.Command{Use: "notify-once --summary TEXT", Short: "show one bubble (the daemon's fallback without an applet)",
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions}
	fs := cmd.Flags()
	summary := fs.String("summary", "", "the bubble's title (required)")
	body := fs.String("body", "", "the bubble's text (plain; escaped when the server reads markup)")
	urgency := fs.String("urgency", notify.UrgencyNormal.String(), "low, normal or critical")
	bus := fs.String("bus", "", "the session bus address (default: $DBUS_SESSION_BUS_ADDRESS)")
	_ = cmd.MarkFlagRequired("summary")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		u, err := notify.ParseUrgency(*urgency)
		if err != nil {
			return err // a usage error
		}
		ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGINT)
		defer stop()
		if err := notify.NotifyOnce(ctx, *bus, *summary, *body, u); err != nil {
			return failed(e, cmd, err)
		}
		return nil
	}
	return cmd
}
