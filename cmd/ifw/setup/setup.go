package setup

import (
	"context"
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
	if f.Queue >= 0 {
		cfg.Queue = &firewall.QueueConfig{Num: uint16(f.Queue), Bypass: f.QueueBypass, RejectMark: uint32(f.RejectMark)}
	}
	return cfg, cfg.Validate()
}

// QueueFrom takes what the command line leaves open from an enabled
// [verdict]: its queue, fail mode (open: --queue-bypass) and reject mark,
// so that the rules match what the daemon reads and marks.
func (f *Options) QueueFrom(v config.Verdict) {
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
// the rules (f.Remove); idempotent.
func Apply(ctx context.Context, f *Options, fw firewall.Config, sc block.SetsConfig, log *slog.Logger) (firewall.Report, error) {
	if f.Remove {
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
