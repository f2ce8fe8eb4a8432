package daemon

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/signatures"
)

// hostAttacker is an attacker as one host's engine sees it.
type hostAttacker struct {
	host string
	signatures.Attacker
}

// engineStatus fills the engine part of st: the engines' counters (the
// sum over every host on a log server), the signatures, and the
// attackers at level 1 or more with those recovered from the store, by
// danger, at most control.StatusLimit. On a log server each host is
// listed, and each attacker names the host that saw it.
func (d *Daemon) engineStatus(ctx context.Context, st *control.Status) error {
	var list []hostAttacker
	now := time.Now()
	err := d.pipe.doAll(ctx, func(engines []hostEngine) {
		st.Signatures = control.CountSignatures(engines[0].engine.Signatures())
		seen := map[string]bool{}
		for i, he := range engines {
			es := he.engine.Stats()
			if i == 0 {
				st.Engine = es
			} else {
				addStats(&st.Engine, es)
			}
			attackers := d.recovered.merge(he.host, he.engine.Attackers(1), 1, now)
			for _, a := range attackers {
				list = append(list, hostAttacker{host: he.host, Attacker: a})
			}
			seen[he.host] = true
			if d.pipe.sensors != nil {
				st.Hosts = append(st.Hosts, control.HostStatus{Host: he.host, LastSeen: he.lastSeen, Sensor: he.sensor,
					Packets: es.Packets, Sources: es.Sources, Attackers: len(attackers)})
			}
		}
		list = append(list, d.recoveredElsewhere(seen, now, st)...)
		if s := d.pipe.sensors; s != nil {
			st.LogServer = &control.LogServerStatus{MaxSensors: s.max, Sensors: len(s.byHost),
				Refused: s.counts.Refused, Invalid: s.counts.Invalid, Expired: s.counts.Expired}
		}
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(list, func(a, b hostAttacker) int {
		return cmp.Or(cmp.Compare(b.Level, a.Level), cmp.Compare(b.Packets, a.Packets), a.Src.Compare(b.Src), cmp.Compare(a.host, b.host))
	})
	list = list[:min(len(list), control.StatusLimit)]
	attackers := make([]signatures.Attacker, len(list))
	for i := range list {
		attackers[i] = list[i].Attacker
	}
	st.Attackers = d.markBlocked(ctx, attackers, now)
	if d.pipe.sensors != nil {
		for i := range st.Attackers {
			st.Attackers[i].Hosts, st.Attackers[i].Scope = []string{list[i].host}, control.ScopeHost
		}
	}
	return nil
}

// recoveredElsewhere are the recovered attackers of sensors that have no
// engine now (a log server restarted before their state was saved), each
// such sensor listed among st's hosts.
func (d *Daemon) recoveredElsewhere(seen map[string]bool, now time.Time, st *control.Status) []hostAttacker {
	if d.recovered == nil || d.pipe.sensors == nil {
		return nil
	}
	var out []hostAttacker
	for _, r := range d.recovered.list {
		if seen[r.host] {
			continue
		}
		seen[r.host] = true
		as := d.recovered.merge(r.host, nil, 1, now)
		for _, a := range as {
			out = append(out, hostAttacker{host: r.host, Attacker: a})
		}
		if len(as) > 0 {
			st.Hosts = append(st.Hosts, control.HostStatus{Host: r.host, Sensor: true, Attackers: len(as)})
		}
	}
	return out
}

// addStats adds s's counters to sum.
func addStats(sum *signatures.Stats, s signatures.Stats) {
	sum.Packets += s.Packets
	sum.Counted += s.Counted
	sum.Sources += s.Sources
	sum.Created += s.Created
	sum.Evicted += s.Evicted
	sum.Expired += s.Expired
	sum.Detections += s.Detections
	sum.Untracked += s.Untracked
	sum.PortBitmaps += s.PortBitmaps
	sum.SaturatedPortSets += s.SaturatedPortSets
	sum.NotRetained += s.NotRetained
	sum.FutureTimes += s.FutureTimes
	if sum.Ignored == nil {
		sum.Ignored = map[string]uint64{}
	}
	for k, n := range s.Ignored {
		sum.Ignored[k] += n
	}
}
