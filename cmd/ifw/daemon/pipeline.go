package daemon

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// pipeline owns the engine: one goroutine observes every packet and runs
// every other use of the engine (status, reload, state saving) in turn, so
// the engine needs no lock. Detections go to the store goroutine, which
// writes each alert before anything else sees it.
type pipeline struct {
	engine *signatures.Engine // the daemon's own host's
	// sensors are a log server's other hosts, each with its engine
	// (sensor.go); nil: every packet is the daemon's own host's.
	sensors *sensors
	in      chan *sources.Packet
	calls   chan func()
	pending chan pendingAlert
	log     *slog.Logger
	host    string
	seen    time.Time // when a packet of the daemon's own host was last judged
	counts  pipelineCounts
	// prefixes follows which sources' log prefixes matched [block]
	// auto_regex; nil without one.
	prefixes *prefixMatches
	// scan notes every counted packet of the daemon's own host for
	// fleet-wide scans (fleetscan.go); nil outside a fleet.
	scan *fleetScan
}

// pendingAlert is a detection on its way to the store, with when the
// packet that caused it was received.
type pendingAlert struct {
	alert    alerts.Alert
	received time.Time
	barrier  chan struct{} // set: not an alert; closed when reached
	// prefixMatched: a log prefix of the source matched auto_regex
	// since its previous alert.
	prefixMatched bool
}

type pipelineCounts struct {
	observed, detections, throttled atomic.Uint64
}

// Queue sizes: packets from all collectors, alerts waiting for the store.
const (
	packetQueue = 4096
	alertQueue  = 1024
)

func newPipeline(e *signatures.Engine, host string, log *slog.Logger) *pipeline {
	return &pipeline{engine: e, host: host, log: log,
		in:      make(chan *sources.Packet, packetQueue),
		calls:   make(chan func()),
		pending: make(chan pendingAlert, alertQueue)}
}

// run is the engine goroutine.
func (p *pipeline) run(ctx context.Context) error {
	for {
		select {
		case pkt := <-p.in:
			p.observe(ctx, pkt)
		case f := <-p.calls:
			p.drain(ctx)
			f()
		case <-ctx.Done():
			p.drain(context.Background())
			close(p.pending)
			return nil
		}
	}
}

// drain observes every packet already queued, so that a call sees (and a
// saved state holds) everything collectors have handed on so far.
func (p *pipeline) drain(ctx context.Context) {
	for {
		select {
		case pkt := <-p.in:
			p.observe(ctx, pkt)
		default:
			return
		}
	}
}

func (p *pipeline) observe(ctx context.Context, pkt *sources.Packet) {
	pa, ok := p.alertFor(pkt)
	if !ok {
		return
	}
	select {
	case p.pending <- pa:
	case <-ctx.Done():
	}
}

// alertFor observes pkt and returns the alert it causes, if any: a new
// level, scan class or signature (one more host of a sweep alone is not
// stored: the level tells). A packet the engine counted (did not ignore)
// has its log prefix matched against auto_regex first.
func (p *pipeline) alertFor(pkt *sources.Packet) (pendingAlert, bool) {
	p.counts.observed.Add(1)
	now := time.Now()
	e, host := p.engine, p.host
	if sn := p.sensors.of(pkt, now); sn != nil {
		e, host = sn.engine, sn.host
	} else {
		p.seen = now
	}
	e.SetNow(now) // live sources: no packet may run ahead of the host
	counted := e.Counted()
	d, ok := e.Observe(pkt)
	if p.prefixes != nil && e.Counted() != counted {
		p.prefixes.note(pkt)
	}
	if p.scan != nil && e == p.engine && e.Counted() != counted { // a sensor's packets are not this host's sightings
		p.scan.note(pkt, now)
	}
	if !ok {
		return pendingAlert{}, false
	}
	p.counts.detections.Add(1)
	if d.Reasons&^signatures.ReasonDestination == 0 {
		p.counts.throttled.Add(1)
		return pendingAlert{}, false
	}
	a := alerts.FromDetection(d, host, pkt.Source)
	return pendingAlert{alert: a, received: time.Now(), prefixMatched: p.prefixes.take(a.Src)}, true
}

// do runs f on the daemon's own engine, on the engine goroutine, and
// waits for it.
func (p *pipeline) do(ctx context.Context, f func(*signatures.Engine)) error {
	return p.call(ctx, func() { f(p.engine) })
}

// hostEngine is one host's engine: the daemon's own, or a sensor's.
type hostEngine struct {
	host     string
	engine   *signatures.Engine
	sensor   bool      // a log server's sensor, not the daemon's own host
	lastSeen time.Time // a sensor's latest packet
}

// doAll runs f with every engine, the daemon's own first, then the
// sensors by name, on the engine goroutine, and waits for it.
func (p *pipeline) doAll(ctx context.Context, f func([]hostEngine)) error {
	return p.call(ctx, func() { f(p.engines()) })
}

// engines lists every engine; on the engine goroutine only.
func (p *pipeline) engines() []hostEngine {
	out := []hostEngine{{host: p.host, engine: p.engine, lastSeen: p.seen}}
	for _, sn := range p.sensors.list() {
		out = append(out, hostEngine{host: sn.host, engine: sn.engine, sensor: true, lastSeen: sn.lastSeen})
	}
	return out
}

// call runs f on the engine goroutine and waits for it.
func (p *pipeline) call(ctx context.Context, f func()) error {
	done := make(chan struct{})
	select {
	case p.calls <- func() { f(); close(done) }:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// observeSync observes a packet and writes its alert at once, for the
// packets left over after the pipeline stopped.
func (p *pipeline) observeSync(pkt *sources.Packet, w *alertWriter) {
	if pa, ok := p.alertFor(pkt); ok {
		w.write(pa)
	}
}

// barrier returns once every alert queued so far has been written. The
// marker is queued by the engine goroutine, the only one that sends on
// pending and the one that closes it: a barrier asked for while the
// pipeline stops can never send on a closed channel.
func (p *pipeline) barrier(ctx context.Context) error {
	done := make(chan struct{})
	if err := p.do(ctx, func(*signatures.Engine) { p.pending <- pendingAlert{barrier: done} }); err != nil {
		return err
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
