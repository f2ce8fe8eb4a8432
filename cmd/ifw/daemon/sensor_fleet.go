package daemon

import (
	"context"

	"github.com/ifw/ifw/alerts/fleet"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// logServerFleet is `ifw status --fleet` of a log server without a fleet
// database: the same view, where the hosts are the sensors (and the
// central host itself) and the attackers each sensor's, scope host.
func (d *Daemon) logServerFleet(ctx context.Context) (*control.FleetStatus, error) {
	st, err := d.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := &control.FleetStatus{Host: d.cfg.Daemon.Host, Hosts: make([]fleet.Host, 0, len(st.Hosts)),
		Attackers: make([]control.FleetAttacker, 0, len(st.Attackers))}
	for _, h := range st.Hosts {
		out.Hosts = append(out.Hosts, fleet.Host{Host: h.Host, LastSeen: h.LastSeen, Degraded: h.Degraded})
	}
	for _, a := range st.Attackers {
		out.Attackers = append(out.Attackers, control.FleetAttacker{AttackerStatus: a, HostCount: len(a.Hosts)})
	}
	return out, nil
}
