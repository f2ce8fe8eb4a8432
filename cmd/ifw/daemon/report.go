package daemon

import (
	"context"

	"github.com/ifw/ifw/alerts/report"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// Report is the report of opts' period from the store, with what the
// daemon knows besides: its host name, the collectors' health and
// whether the outbound module runs (GET /v1/report).
func (d *Daemon) Report(ctx context.Context, opts report.Options) (*report.Report, error) {
	opts.Host = d.cfg.Daemon.Host
	if d.cfg.Store.URL != "" && !d.cfg.Daemon.LogServer {
		// A fleet's shared store holds every host's alerts: this daemon
		// reports its own, as it does its blocks. (A log server's alerts
		// carry its sensors' names: all of them are its own.)
		opts.OnlyHost = d.cfg.Daemon.Host
	}
	opts.Outbound = d.cfg.Verdict.Enabled
	opts.Rules = d.ruleHits()
	if st, err := d.Status(ctx); err == nil {
		opts.Collectors = control.Health(st.Collectors)
	}
	return report.Build(ctx, d.store, opts)
}

// ruleHits are the outbound rules with their hits, nil without the
// outbound module.
func (d *Daemon) ruleHits() []report.RuleHit {
	if d.outbound == nil {
		return nil
	}
	return control.EntryHits(d.outbound.set.Entries())
}
