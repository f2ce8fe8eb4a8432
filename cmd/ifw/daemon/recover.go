package daemon

import (
	"cmp"
	"context"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// stateAlertID is the key of the id of the last alert stored before the
// engine state was taken: alerts after it are what the state lacks.
const stateAlertID = "engine_alert_id"

// maxRecovered bounds the alerts read back at start.
const maxRecovered = 10000

// recovered are the attackers whose alerts are stored but whose picture
// the saved engine state lacks: the daemon was killed (kill -9, power
// loss) between an alert and the next save. `ifw status` lists them, from
// their latest alert, until the engine sees them again or their scan
// window ends. Read-only after the start.
type recovered struct {
	list    []recoveredAttacker
	timeout time.Duration // the engine's ScanTimeout
}

// recoveredAttacker is an attacker recovered with the host that saw it:
// the daemon's own, or on a log server the sensor its alert names.
type recoveredAttacker struct {
	host string
	signatures.Attacker
}

// hostSrc is an attacker as one host sees it.
type hostSrc struct {
	host string
	src  netip.Addr
}

// recoverAttackers reads the alerts stored after the saved state (all of
// them when no state was restored), within the scan window, of sources the
// engine does not know.
func (d *Daemon) recoverAttackers(ctx context.Context, restored bool) *recovered {
	r := &recovered{timeout: d.pipe.engine.Config().ScanTimeout}
	after := int64(0)
	if b, ok, err := d.store.State(ctx, stateAlertID); restored && err == nil && ok {
		after, _ = strconv.ParseInt(string(b), 10, 64)
	}
	q := alerts.Query{Since: time.Now().Add(-r.timeout), Limit: maxRecovered}
	if d.pipe.sensors == nil {
		q.Host = d.pipe.host // a shared store holds other hosts' alerts; a log server's sensors are its own
	}
	list, err := d.store.Alerts(ctx, q)
	if err != nil {
		d.log.Warn("alerts after the saved state not read", "err", err)
		return r
	}
	known := make(map[hostSrc]bool)
	for _, he := range d.pipe.engines() { // before Run: no engine goroutine yet
		for _, a := range he.engine.Attackers(0) {
			known[hostSrc{he.host, a.Src}] = true
		}
	}
	for _, a := range list { // newest first: each source's latest alert
		k := hostSrc{d.pipe.hostOf(a.Host), a.Src}
		if a.ID <= after || known[k] || a.Collector == fleetCollector { // a fleet level is not this host's
			continue
		}
		known[k] = true
		r.list = append(r.list, recoveredAttacker{host: k.host, Attacker: attackerOf(a)})
	}
	if len(r.list) > 0 {
		d.log.Info("attackers recovered from alerts stored after the saved state", "attackers", len(r.list), "after_alert", after)
	}
	return r
}

// attackerOf is the picture an alert gives of its source.
func attackerOf(a alerts.Alert) signatures.Attacker {
	return signatures.Attacker{Src: a.Src, Level: a.Level, Packets: a.Packets, FirstSeen: a.FirstSeen, LastSeen: a.LastSeen,
		DestinationCount: a.DestinationCount, Destinations: a.Destinations, Scans: a.Scans, Signatures: a.Signatures,
		OS: a.OS, Tool: a.Tool, Trusted: a.Trusted}
}

// merge adds to host's engine's attackers (at level min or more) the
// recovered ones of host it does not list and whose window is still open
// at now, in the engine's order.
func (r *recovered) merge(host string, list []signatures.Attacker, min int, now time.Time) []signatures.Attacker {
	if r == nil || len(r.list) == 0 {
		return list
	}
	have := make(map[netip.Addr]bool, len(list))
	for _, a := range list {
		have[a.Src] = true
	}
	added := false
	for _, a := range r.list {
		if a.host == host && !have[a.Src] && a.Level >= min && now.Sub(a.LastSeen) <= r.timeout {
			list = append(list, a.Attacker)
			added = true
		}
	}
	if added {
		slices.SortFunc(list, func(a, b signatures.Attacker) int {
			return cmp.Or(cmp.Compare(b.Level, a.Level), cmp.Compare(b.Packets, a.Packets), a.Src.Compare(b.Src))
		})
	}
	return list
}
