package main

import (
	"context"
	"fmt"
	"log/slog"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/daemon"
	"github.com/ifw/ifw/cmd/ifw/profile"
	"github.com/ifw/ifw/etc/config"
)

// newDaemonCmd is `ifw daemon`: its flags; runDaemon runs it.
func newDaemonCmd(e env) *cobra.Command {
	cmd := &cobra.Command{Use: "daemon", Short: "watch the firewall's logs live and store alerts",
		Long: "Watch the firewall's logs live (kmsg, the journal, syslog files, NFLOG), store alerts, act on them,\n" +
			"and answer the control socket (ifw status, block, queue, rules…). Run by systemd (etc/ifw.service).",
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions}
	fs := cmd.Flags()
	path := fs.String("config", config.DefaultPath, "configuration file")
	defaults := fs.Bool("defaults", false, "run on the built-in defaults (one kmsg collector, blocking on) when the configuration file does not exist")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile (go tool pprof) to this file until the daemon stops")
	cmd.RunE = func(*cobra.Command, []string) error { return exitWith(runDaemon(e, path, defaults, cpuprofile)) }
	return cmd
}

// runDaemon is `ifw daemon` (daemoncmd.go has its flags).
func runDaemon(e env, path *string, defaults *bool, cpuprofile *string) int {
	cfg, err := config.LoadFile(*path, *defaults)
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw daemon:", err)
		return exitUsage
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: cfg.Daemon.LogLevel}))
	if cfg.Path == config.DefaultsPath {
		log.Warn("no configuration file: running on the built-in defaults (--defaults)", "missing", *path)
	}
	if *cpuprofile != "" {
		stopProfile, err := profile.StartCPU(*cpuprofile)
		if err != nil {
			fmt.Fprintln(e.stderr, "ifw daemon:", err)
			return exitUsage
		}
		defer stopProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	d, err := daemon.New(ctx, cfg, daemon.Options{}, log)
	if err != nil {
		log.Error("cannot start", "err", err)
		return exitFail
	}
	if err := d.Run(ctx); err != nil {
		log.Error("stopped", "err", err)
		return exitFail
	}
	return exitOK
}
