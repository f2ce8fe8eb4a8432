package main

import (
	"github.com/ifw/ifw/etc/config"
	"github.com/spf13/cobra"
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
