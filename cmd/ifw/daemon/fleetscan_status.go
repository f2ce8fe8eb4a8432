package daemon

import (
	"context"
	"net/netip"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/fleet"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/signatures"
)

// startFleetScan sets fleet-wide scan detection up beside the pipeline
// when the daemon is in a fleet.
func (d *Daemon) startFleetScan() {
	if d.fleet == nil {
		return
	}
	d.pipe.scan = newFleetScan(d.fleet, d.cfg.Fleet.ScanConfig, d.raiseFleet, d.log)
}

// raiseFleet hands a fleet alert to the writer the way the engine's
// detections go, from the engine goroutine (the only sender on pending).
func (d *Daemon) raiseFleet(ctx context.Context, a alerts.Alert) error {
	return d.pipe.do(ctx, func(*signatures.Engine) {
		select {
		case d.pipe.pending <- pendingAlert{alert: a, received: time.Now()}:
		case <-ctx.Done():
		}
	})
}

// fleetStale: a host not heard from for three heartbeats is degraded.
const fleetStale = 3 * heartbeat

// FleetStatus is the fleet's status (control.FleetBackend); nil when the
// daemon is not in a fleet. A database that cannot be read leaves the
// fleet's part out and says why; this daemon's own attackers are there.
func (d *Daemon) FleetStatus(ctx context.Context) (*control.FleetStatus, error) {
	s := d.pipe.scan
	if d.fleet == nil && d.pipe.sensors != nil {
		return d.logServerFleet(ctx) // a log server's sensors are its fleet
	}
	if d.fleet == nil || s == nil {
		return nil, nil
	}
	st, err := d.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := &control.FleetStatus{Host: d.cfg.Daemon.Host, Scan: s.status(), Hosts: []fleet.Host{},
		Attackers: make([]control.FleetAttacker, 0, len(st.Attackers))}
	fctx, cancel := context.WithTimeout(ctx, sightTimeout)
	defer cancel()
	hosts, err := d.fleet.Hosts(fctx, fleetStale)
	var spreads []fleet.Spread
	if err == nil {
		spreads, err = d.fleet.Spreads(fctx, s.cfg.Window, 2, control.StatusLimit)
	}
	if err != nil {
		out.Error = err.Error()
	}
	if hosts != nil {
		out.Hosts = hosts
	}
	for _, sp := range spreads {
		a := d.spreadAttacker(ctx, sp)
		a.Hosts, a.Scope = sp.Hosts, control.ScopeFleet
		out.Attackers = append(out.Attackers, control.FleetAttacker{AttackerStatus: a, HostCount: sp.HostCount})
	}
	for _, a := range st.Attackers { // a log server's name their sensor already
		if a.Scope == "" {
			a.Hosts, a.Scope = []string{d.cfg.Daemon.Host}, control.ScopeHost
		}
		out.Attackers = append(out.Attackers, control.FleetAttacker{AttackerStatus: a, HostCount: len(a.Hosts)})
	}
	return out, nil
}

// spreadAttacker is a source the fleet saw as the status shows an
// attacker: its fleet level, the fleet's packets and ports, the hosts as
// its destinations' count, and this host's block covering it, if any.
func (d *Daemon) spreadAttacker(ctx context.Context, sp fleet.Spread) control.AttackerStatus {
	a := fleetAlert(sp, sp.Level, 0, d.cfg.Daemon.Host, false)
	att := signatures.Attacker{Src: sp.Src, Level: sp.Level, Packets: int(sp.Packets), FirstSeen: sp.FirstSeen,
		LastSeen: sp.LastSeen, DestinationCount: sp.HostCount, Destinations: []netip.Addr{}, Targets: []signatures.Target{},
		Scans: a.Scans, Ports: a.Ports, Signatures: []signatures.SigHit{}}
	return d.markBlocked(ctx, []signatures.Attacker{att}, time.Now())[0]
}

// status is fleet scan detection's counters.
func (s *fleetScan) status() control.FleetScanStatus {
	s.mu.Lock()
	tracked := len(s.seen)
	s.mu.Unlock()
	return control.FleetScanStatus{Thresholds: s.cfg.Hosts, WindowSeconds: s.cfg.Window.Seconds(), Tracked: tracked,
		Noted: s.counts.noted.Load(), Dropped: s.counts.dropped.Load(), Reported: s.counts.reported.Load(),
		Unsent: s.counts.unsent.Load(), Raised: s.counts.raised.Load(), Pruned: s.counts.pruned.Load()}
}
