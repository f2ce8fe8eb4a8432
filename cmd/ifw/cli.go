package main

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/cmd/ifw/version"
)

// newRootCmd is the whole command line of ifw: an explicit list of
// commands, each made by its file's newXCmd over the process's streams.
// The tree is built anew for each run (no state outlives it).
func newRootCmd(e env) *cobra.Command {
	root := newGroup("ifw", "a Linux attack detector and interactive firewall companion (psad replacement)")
	root.Long = `ifw reads what the kernel's firewall logs (LOG lines from syslog files,
/dev/kmsg or the journal, and NFLOG packets), recognises port scans, sweeps
and attack signatures, scores every attacker with a psad-compatible danger
level 1-5, and acts: desktop bubbles, scripts, syslog and mail alerts, timed
ipset blocking, and questions about outbound connections.`
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SilenceErrors, root.SilenceUsage = true, true
	root.SetUsageTemplate(usageTemplate)
	root.Version = version.Read().String()
	root.SetVersionTemplate("ifw {{.Version}}\n")
	root.DisableAutoGenTag = true // man pages without a generation date line
	root.AddCommand(
		newAnalyzeCmd(e),
		newDaemonCmd(e),
		newStatusCmd(e),
		newAlertsCmd(e),
		newConfigCmd(e),
		newImportCmd(e),
		newBlockCmd(e),
		newWhitelistCmd(e),
		newAppletCmd(e),
		newUICmd(e),
		newNotifyOnceCmd(e),
		newReportCmd(e),
		newQueueCmd(e),
		newRulesCmd(e),
		newSetupCmd(e),
		newVersionCmd(e),
		newGenCompletionCmd(e),
	)
	root.AddCommand(genManCmds(e)...)
	return root
}

// newGroup is a command that only holds others (ifw block, ifw rules…):
// without one of them, or with an unknown one, it is a usage error.
func newGroup(name, short string) *cobra.Command {
	return &cobra.Command{Use: name, Short: short, Args: cobra.ArbitraryArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return errors.New("missing command")
			}
			msg := fmt.Sprintf("unknown command %q", args[0])
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += " (did you mean " + strings.Join(s, " or ") + "?)"
			}
			return errors.New(msg)
		}}
}

// wantArgs accepts from min to max positional arguments (max < 0: no
// bound), and names them as the command's Use line does when it refuses.
func wantArgs(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if n := len(args); n < min || max >= 0 && n > max {
			_, want, _ := strings.Cut(cmd.Use, " ")
			return fmt.Errorf("want %s, got %d argument%s", want, n, plural(n))
		}
		return nil
	}
}

// usageTemplate is cobra's, with a group's usage line as
// "ifw block COMMAND" (a group is runnable only to refuse what is not
// one of its commands).
//
//go:embed usage.tmpl
var usageTemplate string

// exitCode ends a run with a code, the command having said why.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit code %d", int(c)) }

// exitWith is a run function's code as RunE's error.
func exitWith(code int) error {
	if code == exitOK {
		return nil
	}
	return exitCode(code)
}
