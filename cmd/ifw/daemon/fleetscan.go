package daemon

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/fleet"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// Fleet-wide scans: every packet the engine counts is also noted here, per
// source (bounded); every second the sources that changed go to the
// fleet's table in one statement, whose answer says how many hosts saw
// each in the scan window. A count past a threshold raises a fleet level
// (exactly one daemon raises each) and an alert with collector and reason
// "fleet" goes the way of every alert (store, auto-block, actions).
//
// The engine stays single-host: this sits beside the pipeline. Nothing
// here waits on the database while a packet is observed: note only
// updates the map; a database that is down leaves the sightings in the
// map (still bounded) for the next report.

// Names a fleet alert carries: its collector, and its reason.
const (
	fleetCollector = "fleet"
	fleetReason    = "fleet"
)

// How often sightings are reported, how long a report may take, how
// often old sightings are pruned and how many rows a host keeps at most.
const (
	sightEvery   = time.Second
	sightTimeout = 5 * time.Second
	pruneEvery   = time.Minute
	maxFleetRows = 1 << 18
	// rechecks: a source is reported this many more times after its last
	// packet, with nothing new: daemons reporting at the same instant do
	// not see each other's rows (their snapshots predate both), the next
	// report does.
	rechecks = 2
)

// fleetScan is one daemon's part of fleet-wide scan detection.
type fleetScan struct {
	f     *fleet.Fleet
	cfg   fleet.ScanConfig
	log   *slog.Logger
	every time.Duration
	// raise hands a fleet alert to the daemon's alert path.
	raise func(context.Context, alerts.Alert) error

	mu   sync.Mutex
	seen map[netip.Addr]*sighting

	counts fleetScanCounts
}

// fleetScanCounts say what fleet scan detection did since the start.
type fleetScanCounts struct {
	noted    atomic.Uint64 // packets noted
	dropped  atomic.Uint64 // packets of new sources left out: the map was full
	reported atomic.Uint64 // sightings the database took
	unsent   atomic.Uint64 // reports that failed (their sightings wait)
	raised   atomic.Uint64 // fleet levels this daemon raised
	pruned   atomic.Uint64 // sightings pruned
}

// sighting is one source as this host saw it since its last report.
type sighting struct {
	first, last time.Time
	packets     int64
	ports       []uint16 // distinct, at most fleet.MaxPorts
	dirty       bool     // packets since the last report
	recheck     int      // reports left with nothing new
	untrusted   bool     // a packet came over a transport anyone may write
	level       int      // the fleet level this daemon last knew of
}

func newFleetScan(f *fleet.Fleet, cfg fleet.ScanConfig, raise func(context.Context, alerts.Alert) error, log *slog.Logger) *fleetScan {
	return &fleetScan{f: f, cfg: cfg, log: log, every: sightEvery, raise: raise, seen: map[netip.Addr]*sighting{}}
}

// note counts pkt, one the engine counted, for its source. It never
// waits on the database.
func (s *fleetScan) note(pkt *sources.Packet, now time.Time) {
	if s == nil || !pkt.Src.IsValid() {
		return
	}
	s.counts.noted.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	sg := s.seen[pkt.Src]
	if sg == nil {
		if len(s.seen) >= s.cfg.Sources {
			s.counts.dropped.Add(1)
			return
		}
		sg = &sighting{}
		s.seen[pkt.Src] = sg
	}
	if !sg.dirty {
		sg.first, sg.dirty = now, true
	}
	sg.last = now
	sg.packets++
	sg.untrusted = sg.untrusted || !pkt.Trusted
	if pkt.DstPort != 0 && len(sg.ports) < fleet.MaxPorts && !slices.Contains(sg.ports, pkt.DstPort) {
		sg.ports = append(sg.ports, pkt.DstPort)
	}
}

// run reports every s.every and prunes every pruneEvery until ctx ends.
func (s *fleetScan) run(ctx context.Context) error {
	tick := time.NewTicker(s.every)
	defer tick.Stop()
	prune := time.NewTicker(pruneEvery)
	defer prune.Stop()
	down := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			down = s.report(ctx, down)
		case <-prune.C:
			s.prune(ctx)
		}
	}
}

// report sends what changed, and raises the fleet levels its answer
// reaches. It returns whether the database is down (logged once per
// outage).
func (s *fleetScan) report(ctx context.Context, down bool) bool {
	batch := s.take()
	if len(batch) == 0 {
		return down
	}
	rctx, cancel := context.WithTimeout(ctx, sightTimeout)
	defer cancel()
	spreads, err := s.f.Sight(rctx, s.cfg.Window, batch)
	if err != nil {
		s.giveBack(batch)
		s.counts.unsent.Add(1)
		if !down && ctx.Err() == nil {
			s.log.Warn("fleet sightings not reported; kept for the next report", "sources", len(batch), "err", err)
		}
		return errors.Is(err, alerts.ErrUnavailable) || down
	}
	if down {
		s.log.Info("fleet sightings reported again")
	}
	s.counts.reported.Add(uint64(len(batch)))
	for _, sp := range spreads {
		s.raiseLevel(rctx, sp)
	}
	return false
}

// take collects the sources to report (at most fleet.MaxBatch; the rest
// wait for the next report), resets what they saw, and forgets the
// sources with nothing left to report.
func (s *fleetScan) take() []fleet.Sighting {
	s.mu.Lock()
	defer s.mu.Unlock()
	var batch []fleet.Sighting
	for src, sg := range s.seen {
		if !sg.dirty && sg.recheck == 0 {
			delete(s.seen, src)
			continue
		}
		if len(batch) == fleet.MaxBatch {
			continue
		}
		batch = append(batch, fleet.Sighting{Src: src, FirstSeen: sg.first, LastSeen: sg.last, Packets: sg.packets, Ports: sg.ports})
		if sg.dirty {
			sg.recheck = rechecks
		} else {
			sg.recheck--
		}
		sg.dirty, sg.packets, sg.ports = false, 0, nil
	}
	return batch
}

// giveBack merges a batch the database did not take into what was seen
// since, so that it goes with the next report.
func (s *fleetScan) giveBack(batch []fleet.Sighting) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range batch {
		sg := s.seen[b.Src]
		if sg == nil {
			continue // cannot happen: only take deletes
		}
		if b.Packets == 0 {
			sg.recheck = max(sg.recheck, 1)
			continue
		}
		if !sg.dirty {
			sg.first, sg.last = b.FirstSeen, b.LastSeen
		}
		sg.first = minTime(sg.first, b.FirstSeen)
		sg.dirty = true
		sg.packets += b.Packets
		for _, p := range b.Ports {
			if len(sg.ports) < fleet.MaxPorts && !slices.Contains(sg.ports, p) {
				sg.ports = append(sg.ports, p)
			}
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// raiseLevel raises sp's fleet level when its host count reaches one this
// daemon does not know to be raised already; the database decides which
// daemon raises it, and that one's alert goes the way of every alert.
func (s *fleetScan) raiseLevel(ctx context.Context, sp fleet.Spread) {
	level := s.cfg.Level(sp.HostCount)
	if level == 0 {
		return
	}
	s.mu.Lock()
	sg := s.seen[sp.Src]
	known, trusted := 0, false
	if sg != nil {
		known, trusted = sg.level, !sg.untrusted
	}
	s.mu.Unlock()
	if level <= known {
		return
	}
	prev, ok, err := s.f.Raise(ctx, sp.Src, level, s.cfg.Window)
	if err != nil {
		s.log.Warn("fleet level not raised", "src", sp.Src, "level", level, "err", err)
		return
	}
	s.mu.Lock()
	if sg := s.seen[sp.Src]; sg != nil {
		sg.level = max(sg.level, level)
	}
	s.mu.Unlock()
	if !ok {
		return
	}
	s.counts.raised.Add(1)
	a := fleetAlert(sp, level, prev, s.f.Host(), trusted)
	s.log.Info("fleet scan", "src", sp.Src, "level", level, "hosts", sp.HostCount, "seen_by", strings.Join(sp.Hosts, ","))
	if err := s.raise(ctx, a); err != nil {
		s.log.Error("fleet alert not handed on", "src", sp.Src, "level", level, "err", err)
	}
}

// fleetAlert is the alert of a fleet level: collector and reason "fleet",
// the hosts that saw the source as its destinations' count and named in
// its one signature hit ("fleet scan: a, b, c"), the fleet's packets and
// ports, and one scan of type "fleet" over them.
func fleetAlert(sp fleet.Spread, level, prev int, host string, trusted bool) alerts.Alert {
	ports := make([]signatures.PortHit, 0, len(sp.Ports))
	for _, p := range sp.Ports {
		ports = append(ports, signatures.PortHit{Port: p})
	}
	scan := signatures.Scan{Type: fleetReason, Packets: int(sp.Packets), Hosts: sp.HostCount, DistinctPorts: len(sp.Ports)}
	if n := len(sp.Ports); n > 0 {
		scan.MinPort, scan.MaxPort = sp.Ports[0], sp.Ports[n-1]
	}
	return alerts.Alert{
		Time: time.Now(), Host: host, Src: sp.Src, Level: level, PrevLevel: prev, Reasons: fleetReason,
		Packets: int(sp.Packets), FirstSeen: sp.FirstSeen, LastSeen: sp.LastSeen,
		DestinationCount: sp.HostCount, Destinations: []netip.Addr{},
		Scans:      []signatures.Scan{scan},
		Signatures: []signatures.SigHit{{Name: FleetScanName(sp.Hosts), Level: level, Packets: int(sp.Packets)}},
		Ports:      ports, Trusted: trusted, Collector: fleetCollector, Outcomes: []alerts.Outcome{},
	}
}

// FleetScanName is the signature hit of a fleet alert: the hosts that saw
// the source, by name.
func FleetScanName(hosts []string) string { return "fleet scan: " + strings.Join(hosts, ", ") }

// prune deletes sightings past the window, and this host's past
// maxFleetRows.
func (s *fleetScan) prune(ctx context.Context) {
	pctx, cancel := context.WithTimeout(ctx, sightTimeout)
	defer cancel()
	n, err := s.f.Prune(pctx, s.cfg.Window, maxFleetRows)
	if err != nil {
		if !errors.Is(err, alerts.ErrUnavailable) && ctx.Err() == nil {
			s.log.Warn("fleet sightings not pruned", "err", err)
		}
		return
	}
	s.counts.pruned.Add(uint64(n))
}
