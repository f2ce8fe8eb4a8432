package firewall

import (
	"context"
	"slices"
)

// QueueGaps lists, per family, the NFQUEUE rules of Plan(cfg) that the
// firewall lacks while it holds the first one (new connections, on
// cfg.Queue's number): what an `ifw setup` of an earlier version left, the
// rule for TCP SYNs conntrack does not call NEW missing. A family without
// that first rule (ifw setup not run, or run with other options) has no
// gaps. It changes nothing: iptables -C only.
func QueueGaps(ctx context.Context, cfg Config, run Runner) ([]Rule, error) {
	if cfg.Queue == nil {
		return nil, nil
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	var rep Report
	if err := detect(ctx, cfg, run, &rep); err != nil {
		return nil, err
	}
	plan := Plan(cfg)
	var gaps []Rule
	for _, fam := range families(cfg) {
		s := &session{ctx: ctx, run: run, tool: toolName(cfg.Backend, fam), fam: fam, rep: &rep}
		queue := slices.DeleteFunc(rulesFor(plan, fam), func(r Rule) bool {
			return r.Kind != KindRule || r.Chain != "OUTPUT" || !slices.Contains(r.Spec, "NFQUEUE")
		})
		if len(queue) == 0 {
			continue
		}
		first, err := s.exists(queue[0])
		if err != nil {
			return gaps, err
		}
		if !first {
			continue
		}
		for _, r := range queue[1:] {
			ok, err := s.exists(r)
			if err != nil {
				return gaps, err
			}
			if !ok {
				gaps = append(gaps, r)
			}
		}
	}
	return gaps, nil
}
