package main

import (
	"net/http"
	"time"

	"github.com/ifw/ifw/signatures"
)

// routes registers the control API.
func (d *ifwd) routes() {
	d.control.handle("GET /v1/status", func(r *http.Request) (any, error) { return d.status(r) })
	d.blockRoutes()
}

// status gathers the daemon's picture; the engine part runs on the
// engine goroutine.
func (d *ifwd) status(r *http.Request) (*statusReport, error) {
	st := &statusReport{Host: d.cfg.daemon.host, Config: d.cfg.path, Started: d.started,
		UptimeSec: time.Since(d.started).Seconds()}
	err := d.pipe.do(r.Context(), func(e *signatures.Engine) {
		st.Engine = e.Stats()
		st.Signatures = countSignatures(e.Signatures())
		st.Attackers = e.Attackers(1)
	})
	st.Attackers = d.recovered.merge(st.Attackers, 1, time.Now())
	if err != nil {
		return nil, err
	}
	if len(st.Attackers) > statusLimit {
		st.Attackers = st.Attackers[:statusLimit]
	}
	lat := d.writer.latency.summary()
	for _, c := range d.collectors {
		cs := collectorStatus{Name: c.src.Name(), Type: c.kind, Stats: c.src.Stats().Snapshot()}
		if l, ok := lat[c.src.Name()]; ok {
			cs.Latency = &l
		}
		st.Collectors = append(st.Collectors, cs)
	}
	st.Actions = d.dispatcher.Stats()
	if o := d.outbound; o != nil {
		st.Outbound = &outboundStatus{Stats: o.mod.Stats(), Attribution: o.finder.Stats()}
		if l, ok := o.lat.summary()["rule"]; ok {
			st.Outbound.RuleLatency = &l
		}
	}
	if m := d.block; m != nil {
		st.Blocking = m.status(r.Context())
	}
	c := &d.pipe.counts
	st.Pipeline = pipelineStatus{Observed: c.observed.Load(), Detections: c.detections.Load(),
		Throttled: c.throttled.Load(), Stored: d.writer.stored.Load(), StoreFailed: d.writer.failed.Load(),
		Queued: len(d.pipe.in)}
	st.Control = controlStatus{Connections: d.control.connStats()}
	if hub := d.actions.hub; hub != nil {
		st.Control.Applets = new(hub.Stats())
	}
	st.Store = d.writer.status()
	st.Store.Path, st.Store.CorruptMovedTo = d.cfg.daemon.database, d.store.Recovered()
	return st, nil
}
