package main

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/ui"
)

// newUICmd is `ifw ui`: the management window in the browser.
func newUICmd(e env) *cobra.Command {
	cmd := &cobra.Command{Use: "ui", Short: "open the management window in the browser (run it as the desktop user)",
		Long: "Serves the management window (Log, Blacklist, Whitelist, Outbound, Status, Reports) on 127.0.0.1\n" +
			"and opens it in the default browser. The URL, printed as the first line, carries a one-time token.\n" +
			"Every request goes to the daemon's control socket with your own credentials. ifw ui exits when the\n" +
			"last page has been closed for a few seconds, or on Ctrl-C.",
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions}
	socket := socketFlag(cmd)
	noBrowser := cmd.Flags().Bool("no-browser", false, "only print the URL (with its one-time token); open no browser")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cfg := ui.Config{Daemon: control.NewClient(*socket), Out: e.stdout}
		if !*noBrowser {
			cfg.Open = xdgOpen
		}
		ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGINT)
		defer stop()
		return exitWith(runUI(ctx, e, cfg))
	}
	return cmd
}

// runUI serves the window until its last page closed or ctx ends.
func runUI(ctx context.Context, e env, cfg ui.Config) int {
	s, err := ui.New(cfg, slog.New(slog.NewTextHandler(e.stderr, nil)))
	if err == nil {
		err = s.Run(ctx)
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw ui:", err)
		return exitFail
	}
	return exitOK
}

// xdgOpen opens url in the desktop's default browser. Some browsers keep
// xdg-open waiting until they exit: ctx's end stops it (not the browser).
func xdgOpen(ctx context.Context, url string) error {
	return exec.CommandContext(ctx, "xdg-open", url).Run()
}
