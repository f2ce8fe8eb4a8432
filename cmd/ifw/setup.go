package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/actions/firewall"
	"github.com/ifw/ifw/cmd/ifw/setup"
	"github.com/ifw/ifw/etc/config"
)

// newSetupCmd is `ifw setup`.
func newSetupCmd(e env) *cobra.Command {
	f := &setup.Options{}
	cmd := &cobra.Command{Use: "setup", Short: "create ifw's ipsets and install (or --dry-run print, --remove) its firewall rules",
		Long: "Create ifw's ipset sets and install the firewall rules ifw needs (idempotent); --dry-run prints\n" +
			"the commands instead, --remove takes the rules away and then the ipsets (not while a daemon\n" +
			"holds them: stop it first). Needs root, except --dry-run.",
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions}
	fs := cmd.Flags()
	fs.BoolVar(&f.DryRun, "dry-run", false, "print the commands instead of running them")
	fs.BoolVar(&f.Remove, "remove", false, "remove ifw's rules (and its IFW-LOG chain), then its ipsets unless a daemon holds them")
	fs.StringVar(&f.Config, "config", config.DefaultPath, "configuration file (set names)")
	fs.StringVar(&f.LogTarget, "log", "log", "how dropped packets reach ifw: log (LOG to the kernel log), nflog, none")
	fs.StringVar(&f.LogPrefix, "log-prefix", "", "log prefix (default \"ifw \")")
	fs.UintVar(&f.NflogGroup, "nflog-group", 0, "NFLOG group, with --log nflog")
	fs.IntVar(&f.Queue, "queue", -1, "add the outbound module's NFQUEUE rule on this queue number (default: [verdict] queue when enabled)")
	fs.BoolVar(&f.QueueBypass, "queue-bypass", false, "with --queue: let packets through when no daemon listens (fail open)")
	fs.UintVar(&f.RejectMark, "queue-reject-mark", uint(firewall.DefaultRejectMark),
		"with --queue: reject packets the outbound module marks with this mark, before the NFQUEUE rule (0: no reject rules)")
	fs.UintVar(&f.DNSGroup, "dns-group", 0,
		"log DNS queries and answers to this NFLOG group, for names of destinations (default: [verdict] dns_group when enabled; 0: none)")
	fs.StringVar(&f.Backend, "backend", "", "iptables backend: nft or legacy (default: what iptables is)")
	fs.StringVar(&f.Family, "family", "both", "4, 6 or both")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f.Given = map[string]bool{}
		for _, name := range []string{"queue", "queue-bypass", "queue-reject-mark", "dns-group"} {
			f.Given[name] = cmd.Flags().Changed(name)
		}
		if e.euid != 0 && !f.DryRun {
			fmt.Fprintln(e.stderr, "ifw setup: needs root: it changes the firewall and the ipsets (run it with sudo, or try --dry-run)")
			return exitCode(exitFail)
		}
		return exitWith(runSetup(e, f))
	}
	return cmd
}

// runSetup is `ifw setup`: it creates ifw's ipset sets and installs, or
// prints, or removes, the firewall rules ifw needs; idempotent.
func runSetup(e env, f *setup.Options) int {
	cfg, err := config.Load(f.Config, false)
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw setup:", err)
		return exitUsage
	}
	f.QueueFrom(cfg.Verdict)
	fw, err := f.Firewall(cfg.Block.Sets)
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw setup:", err)
		return exitUsage
	}
	if f.DryRun {
		for _, line := range setup.Script(f, fw, cfg.Block.Sets) {
			fmt.Fprintln(e.stdout, line)
		}
		return exitOK
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	report, err := setup.Apply(ctx, f, fw, cfg.Block.Sets, slog.New(slog.NewTextHandler(e.stderr, nil)))
	writeSetupReport(e, report)
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw setup:", err)
		return exitFail
	}
	return exitOK
}

func writeSetupReport(e env, r firewall.Report) {
	for _, s := range r.Steps {
		fmt.Fprintf(e.stdout, "%-8s %-10s %s", s.Change, s.Tool, s.Line)
		if s.Note != "" {
			fmt.Fprintf(e.stdout, "  (%s)", s.Note)
		}
		fmt.Fprintln(e.stdout)
	}
	for _, w := range r.Warnings {
		fmt.Fprintln(e.stderr, "warning:", w)
	}
	if len(r.Steps) > 0 {
		fmt.Fprintf(e.stdout, "%d changes (%s)\n", r.Changed(), r.Backend)
	}
}
