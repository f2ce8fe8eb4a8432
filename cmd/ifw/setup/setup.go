package setup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/firewall"
	"github.com/ifw/ifw/etc/config"
)

// Options are `ifw setup`'s command line.
type Options struct {
	DryRun, Remove bool
	Config         string // ifw.conf: the set names, [verdict]
	LogTarget      string // log, nflog, none
	LogPrefix      string
	NflogGroup     uint
	Queue          int // -1: no queue rule (unless [verdict] gives one)
	QueueBypass    bool
	RejectMark     uint
	DNSGroup       uint // 0: no DNS rules (unless [verdict] dns_group gives one)
	Backend        string
	Family         string          // 4, 6 or both
	Given          map[string]bool // flags given on the command line
}

// Firewall turns the options and the configured set names into the
// firewall package's Config.
func (f *Options) Firewall(sets block.SetsConfig) (firewall.Config, error) {
	b4, b6, k4, k6 := sets.Block4, sets.Block6, sets.Bulk4, sets.Bulk6
	cfg := firewall.Config{Backend: firewall.Backend(f.Backend),
		Sets4: nonEmpty(b4, block.DefaultBlock4, k4, block.DefaultBulk4),
		Sets6: nonEmpty(b6, block.DefaultBlock6, k6, block.DefaultBulk6),
		Log:   firewall.LogConfig{Target: firewall.LogTarget(f.LogTarget), Prefix: f.LogPrefix, Group: uint16(f.NflogGroup)}}
	switch f.Family {
	case "4":
		cfg.Families = firewall.IPv4
	case "6":
		cfg.Families = firewall.IPv6
	case "both":
	default:
		return cfg, fmt.Errorf("--family %q: want 4, 6 or both", f.Family)
	}
	if f.RejectMark > math.MaxUint32 {
		return cfg, fmt.Errorf("--queue-reject-mark %#x: want a 32-bit mark", f.RejectMark)
	}
	if f.DNSGroup > math.MaxUint16 {
		return cfg, fmt.Errorf("--dns-group %d: want 1-65535", f.DNSGroup)
	}
	if f.DNSGroup != 0 {
		cfg.DNS = &firewall.DNSConfig{Group: uint16(f.DNSGroup)}
	}
	if f.Queue >= 0 {
		cfg.Queue = &firewall.QueueConfig{Num: uint16(f.Queue), Bypass: f.QueueBypass, RejectMark: uint32(f.RejectMark)}
	}
	return cfg, cfg.Validate()
}

// QueueFrom takes what the command line leaves open from an enabled
// [verdict]: its queue, fail mode (open: --queue-bypass), reject mark and
// DNS group (dns_group: --dns-group),
// so that the rules match what the daemon reads and marks.
func (f *Options) QueueFrom(v config.Verdict) {
	if v.Enabled && !f.Given["dns-group"] {
		f.DNSGroup = uint(v.DNS.Group)
	}
	if !v.Enabled || f.Given["queue"] {
		return
	}
	f.Queue = int(v.Module.Queue)
	if !f.Given["queue-bypass"] {
		f.QueueBypass = v.Module.FailOpen
	}
	if !f.Given["queue-reject-mark"] {
		f.RejectMark = uint(v.Module.RejectMark)
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

// Apply creates the sets of sc and installs the rules of fw, or removes
// the rules and then the sets (f.Remove); idempotent.
func Apply(ctx context.Context, f *Options, fw firewall.Config, sc block.SetsConfig, log *slog.Logger) (firewall.Report, error) {
	if f.Remove {
		report, err := firewall.Remove(ctx, fw, firewall.Exec)
		if err != nil {
			return report, err
		}
		return report, destroySets(ctx, sc, log, &report)
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

// destroySets takes ifw's ipsets out after their rules (`ifw setup
// --remove`), each a step of report. Sets a running daemon holds stay,
// with a warning: destroying them would drop its blocks from under it.
func destroySets(ctx context.Context, sc block.SetsConfig, log *slog.Logger, report *firewall.Report) error {
	sets, err := block.OpenSets(sc, log)
	if err != nil {
		return err
	}
	defer sets.Close()
	done, err := sets.Destroy(ctx)
	for _, name := range done {
		report.Steps = append(report.Steps, firewall.Step{Line: "ipset destroy " + name, Tool: "ipset", Change: firewall.Deleted})
	}
	if errors.Is(err, block.ErrInUse) {
		report.Warnings = append(report.Warnings, fmt.Sprintf("ipsets kept: %v; stop the daemon (systemctl stop ifw), then run ifw setup --remove again", err))
		return nil
	}
	return err
}

// Script is what `ifw setup --dry-run` prints: the firewall's commands,
// and with --remove the sets' destruction after them.
func Script(f *Options, fw firewall.Config, sc block.SetsConfig) []string {
	lines := firewall.Script(fw, f.Remove)
	if f.Remove {
		b4, b6, k4, k6 := sc.Block4, sc.Block6, sc.Bulk4, sc.Bulk6
		for _, name := range append(nonEmpty(b4, block.DefaultBlock4, k4, block.DefaultBulk4),
			nonEmpty(b6, block.DefaultBlock6, k6, block.DefaultBulk6)...) {
			lines = append(lines, "ipset destroy "+name+"  # if it exists and no daemon holds it")
		}
	}
	return lines
}
