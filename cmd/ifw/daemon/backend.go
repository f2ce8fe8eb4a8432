package daemon

import (
	"context"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// The daemon is the control API's backend (control.Backend).

// Status is the daemon's picture; the engine part runs on the engine
// goroutine.
func (d *Daemon) Status(ctx context.Context) (*control.Status, error) {
	st := &control.Status{Host: d.cfg.Daemon.Host, Config: d.cfg.Path, Started: d.started,
		UptimeSec: time.Since(d.started).Seconds()}
	if err := d.engineStatus(ctx, st); err != nil {
		return nil, err
	}
	lat := d.writer.latency.summary()
	for _, c := range d.collectors {
		cs := control.CollectorStatus{Name: c.src.Name(), Type: c.kind, Stats: c.src.Stats().Snapshot()}
		if l, ok := lat[c.src.Name()]; ok {
			cs.Latency = &l
		}
		st.Collectors = append(st.Collectors, cs)
	}
	st.Actions = d.dispatcher.Stats()
	if o := d.outbound; o != nil {
		st.Outbound = &control.OutboundStatus{Stats: o.mod.Stats(), Attribution: o.finder.Stats(), Log: o.logStats()}
		if o.dns != nil {
			dns := o.dns.learner.Snapshot()
			st.Outbound.DNS = &dns
		}
		if l, ok := o.lat.summary()["rule"]; ok {
			st.Outbound.RuleLatency = &l
		}
	}
	if m := d.block; m != nil {
		st.Blocking = m.status(ctx)
	}
	c := &d.pipe.counts
	st.Pipeline = control.PipelineStatus{Observed: c.observed.Load(), Detections: c.detections.Load(),
		Throttled: c.throttled.Load(), Stored: d.writer.stored.Load(), StoreFailed: d.writer.failed.Load(),
		Queued: len(d.pipe.in)}
	st.Store = d.writer.status()
	st.Store.Path, st.Store.CorruptMovedTo = d.cfg.Daemon.Database, d.store.Recovered()
	st.Store.Kind = d.storeKind()
	if d.spool != nil {
		d.spool.status(&st.Store)
	}
	return st, nil
}

// Blocking is the blocking module, nil while it is off (an interface
// holding a nil pointer would not be nil).
func (d *Daemon) Blocking() control.Blocking {
	if d.block == nil {
		return nil
	}
	return d.block
}

// Outbound is the outbound module, nil while it is off.
func (d *Daemon) Outbound() control.Outbound {
	if d.outbound == nil {
		return nil
	}
	return d.outbound
}

// Hub is the desktop's notify hub, nil without a notify action.
func (d *Daemon) Hub() *notify.Hub { return d.actions.hub }

// The outbound module as the API drives it.

func (o *outbound) Questions() []verdict.Question { return o.mod.Questions() }
func (o *outbound) Rules() []rules.Entry          { return o.set.Entries() }
func (o *outbound) Verdicts() []verdict.Given     { return o.mod.Verdicts() }
func (o *outbound) Answer(id uint64, a verdict.Answer) (verdict.Question, *rules.Rule, error) {
	return o.mod.Answer(id, a)
}
func (o *outbound) AddRule(r rules.Rule) (rules.Rule, error) { return o.mod.AddRule(r) }
func (o *outbound) DeleteRule(id uint64) (rules.Rule, error) { return o.mod.DeleteRule(id) }
