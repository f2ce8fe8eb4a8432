package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/firewall"
	"github.com/ifw/ifw/etc/config"
)

// setupFlags are `ifw setup`'s command line.
type setupFlags struct {
	dryRun, remove bool
	config         string
	logTarget      string
	logPrefix      string
	nflogGroup     uint
	queue          int
	queueBypass    bool
	rejectMark     uint
	backend        string
	family         string
	given          map[string]bool // flags on the command line
}

// newSetupCmd is `ifw setup`.
func newSetupCmd(e env) *cobra.Command {
	f := &setupFlags{}
	cmd := &cobra.Command{Use: "setup", Short: "create ifw's ipsets and install (or --dry-run print, --remove) its firewall rules",
		Long: "Create ifw's ipset sets and install the firewall rules ifw needs (idempotent); --dry-run prints\n" +
			"the commands instead, --remove takes the rules away. Needs root, except --dry-run.",
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions}
	fs := cmd.Flags()
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the commands instead of running them")
	fs.BoolVar(&f.remove, "remove", false, "remove ifw's rules (and its IFW-LOG chain)")
	fs.StringVar(&f.config, "config", config.DefaultPath, "configuration file (set names)")
	fs.StringVar(&f.logTarget, "log", "log", "how dropped packets reach ifw: log (LOG to the kernel log), nflog, none")
	fs.StringVar(&f.logPrefix, "log-prefix", "", "log prefix (default \"ifw \")")
	fs.UintVar(&f.nflogGroup, "nflog-group", 0, "NFLOG group, with --log nflog")
	fs.IntVar(&f.queue, "queue", -1, "add the outbound module's NFQUEUE rule on this queue number (default: [verdict] queue when enabled)")
	fs.BoolVar(&f.queueBypass, "queue-bypass", false, "with --queue: let packets through when no daemon listens (fail open)")
	fs.UintVar(&f.rejectMark, "queue-reject-mark", uint(firewall.DefaultRejectMark),
		"with --queue: reject packets the outbound module marks with this mark, before the NFQUEUE rule (0: no reject rules)")
	fs.StringVar(&f.backend, "backend", "", "iptables backend: nft or legacy (default: what iptables is)")
	fs.StringVar(&f.family, "family", "both", "4, 6 or both")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		f.given = map[string]bool{}
		for _, name := range []string{"queue", "queue-bypass", "queue-reject-mark"} {
			f.given[name] = cmd.Flags().Changed(name)
		}
		if e.euid != 0 && !f.dryRun {
			fmt.Fprintln(e.stderr, "ifw setup: needs root: it changes the firewall and the ipsets (run it with sudo, or try --dry-run)")
			return exitCode(exitFail)
		}
		return exitWith(runSetup(e, f))
	}
	return cmd
}

// firewallConfig turns the flags and the configured set names into the
// firewall package's Config.
func (f *setupFlags) firewallConfig(sets block.SetsConfig) (firewall.Config, error) {
	b4, b6, k4, k6 := sets.Block4, sets.Block6, sets.Bulk4, sets.Bulk6
	cfg := firewall.Config{Backend: firewall.Backend(f.backend),
		Sets4: nonEmpty(b4, block.DefaultBlock4, k4, block.DefaultBulk4),
		Sets6: nonEmpty(b6, block.DefaultBlock6, k6, block.DefaultBulk6),
		Log:   firewall.LogConfig{Target: firewall.LogTarget(f.logTarget), Prefix: f.logPrefix, Group: uint16(f.nflogGroup)}}
	switch f.family {
	case "4":
		cfg.Families = firewall.IPv4
	case "6":
		cfg.Families = firewall.IPv6
	case "both":
	default:
		return cfg, fmt.Errorf("--family %q: want 4, 6 or both", f.family)
	}
	if f.rejectMark > math.MaxUint32 {
		return cfg, fmt.Errorf("--queue-reject-mark %#x: want a 32-bit mark", f.rejectMark)
	}
	if f.queue >= 0 {
		cfg.Queue = &firewall.QueueConfig{Num: uint16(f.queue), Bypass: f.queueBypass, RejectMark: uint32(f.rejectMark)}
	}
	return cfg, cfg.Validate()
}

// queueFrom takes what the command line leaves open from an enabled
// [verdict]: its queue, fail mode (open: --queue-bypass) and reject mark,
// so that the rules match what the daemon reads and marks.
func (f *setupFlags) queueFrom(v config.Verdict) {
	if !v.Enabled || f.given["queue"] {
		return
	}
	f.queue = int(v.Module.Queue)
	if !f.given["queue-bypass"] {
		f.queueBypass = v.Module.FailOpen
	}
	if !f.given["queue-reject-mark"] {
		f.rejectMark = uint(v.Module.RejectMark)
	}
}

// nonEmpty pairs configured names with their defaults.
func nonEmpty(set, def, bulk, bulkDef string) []string {
	if set == "" {
		set = def
	}
	if bulk == "" {
		bulk = bulkDef
	}
	return []string{set, bulk}
}

// runSetup is `ifw setup`: it creates ifw's ipset sets and installs, or
// prints, or removes, the firewall rules ifw needs; idempotent.
func runSetup(e env, f *setupFlags) int {
	cfg, err := config.Load(f.config, false)
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw setup:", err)
		return exitUsage
	}
	f.queueFrom(cfg.Verdict)
	fw, err := f.firewallConfig(cfg.Block.Sets)
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw setup:", err)
		return exitUsage
	}
	if f.dryRun {
		for _, line := range firewall.Script(fw, f.remove) {
			fmt.Fprintln(e.stdout, line)
		}
		return exitOK
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	report, err := applySetup(ctx, f, fw, cfg.Block.Sets, slog.New(slog.NewTextHandler(e.stderr, nil)))
	writeSetupReport(e, report)
	if err != nil {
		fmt.Fprintln(e.stderr, "ifw setup:", err)
		return exitFail
	}
	return exitOK
}

func applySetup(ctx context.Context, f *setupFlags, fw firewall.Config, sc block.SetsConfig, log *slog.Logger) (firewall.Report, error) {
	if f.remove {
		return firewall.Remove(ctx, fw, firewall.Exec)
	}
	sets, err := block.OpenSets(sc, log)
	if err != nil {
		return firewall.Report{}, err
	}
	defer sets.Close()
	if err := sets.Ensure(ctx); err != nil {
		return firewall.Report{}, err
	}
	return firewall.Apply(ctx, fw, firewall.Exec)
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
