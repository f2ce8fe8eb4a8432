package daemon

import (
	"context"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdictlog"
)

// logDecision queues d's line in the verdict log, with the name the
// destination is known by from the DNS answers, if any.
func (o *outbound) logDecision(d verdict.Decision) {
	if o.vlog == nil {
		return
	}
	e := verdictlog.FromDecision(d)
	if o.dns != nil {
		if names := o.dns.learner.Names(e.Dst, d.UID, d.At); len(names) > 0 {
			e.Name = names[0]
		}
	}
	o.vlog.Add(e)
}

// runLog writes the verdict log until ctx ends. A log that cannot be
// opened is an error in the daemon's log, not the module's end: its lines
// are dropped and counted.
func (o *outbound) runLog(ctx context.Context) error {
	if o.vlog == nil {
		return nil
	}
	if err := o.vlog.Run(ctx); err != nil {
		o.log.Error("verdict log not written", "err", err)
	}
	return nil
}

// logStats are the verdict log's counters, nil without one.
func (o *outbound) logStats() *verdictlog.Stats {
	if o.vlog == nil {
		return nil
	}
	st := o.vlog.Stats()
	return &st
}
