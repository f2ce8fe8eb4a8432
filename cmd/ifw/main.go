package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and failed
	exitUsage = 2 // the command line is wrong
)

// env is what a command sees of the process: its streams and arguments.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	run     func(e env, args []string) int
	summary string
}

// commands is the explicit table of subcommands.
var commands = map[string]command{
	"analyze":     {runAnalyze, "analyze firewall log files offline (like psad -A)"},
	"daemon":      {runDaemon, "watch the firewall's logs live and store alerts"},
	"status":      {runStatus, "show the daemon's attackers and collectors (like psad -S)"},
	"config":      {runConfig, "check the configuration: ifw config check [--config FILE]"},
	"block":       {runBlock, "block add|del|list|reload: the daemon's timed ipset blocks"},
	"whitelist":   {runWhitelist, "whitelist add|del|list: addresses ifw must never block"},
	"applet":      {runApplet, "show the daemon's alerts as desktop bubbles (run in the desktop session)"},
	"notify-once": {runNotifyOnce, "show one bubble (the daemon's fallback without an applet)"},
	"report":      {runReport, "a report of a period: top attackers, ports, signatures, blocks, charts"},
	"queue":       {runQueue, "queue list|allow N|deny N: outbound connections waiting for an answer"},
	"rules":       {runRules, "rules list|add|del: which programs may open which outbound connections"},
	"setup":       {runSetup, "create ifw's ipsets and install (or --dry-run print, --remove) its firewall rules"},
}

func main() {
	os.Exit(run(newEnv(os.Stdin, os.Stdout, os.Stderr), os.Args[1:]))
}

func run(e env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "ifw: unknown command %q\n", args[0])
		usage(e.stderr)
		return exitUsage
	}
	return cmd.run(e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: ifw COMMAND [flags] [args]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'ifw COMMAND -h' for a command's flags.")
}
