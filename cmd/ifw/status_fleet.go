package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/termsafe"
)

// writeFleetStatus is `ifw status --fleet`: the fleet's hosts, then its
// attackers (the sources several hosts saw, then this daemon's own).
func writeFleetStatus(w io.Writer, st *control.FleetStatus) {
	fmt.Fprintf(w, "Fleet as seen from %s: %d hosts\n", termsafe.Field(st.Host), len(st.Hosts))
	if st.Error != "" {
		fmt.Fprintf(w, "  the fleet's database could not be read: %s\n", termsafe.Field(st.Error))
	}
	for _, h := range st.Hosts {
		state := "ok"
		if h.Degraded {
			state = fmt.Sprintf("DEGRADED (%d writes queued)", h.Queued)
		}
		fmt.Fprintf(w, "  %-24s last seen %s  %s\n", termsafe.Field(h.Host), h.LastSeen.Format(time.DateTime), state)
	}
	s := st.Scan
	fmt.Fprintf(w, "\nFleet-wide scans: levels 1-5 at %v hosts within %s; %d sources tracked, %d packets noted, %d left out (too many sources), %d sightings reported, %d reports failed, %d levels raised here, %d old sightings pruned\n",
		s.Thresholds, time.Duration(s.WindowSeconds*float64(time.Second)), s.Tracked, s.Noted, s.Dropped, s.Reported, s.Unsent, s.Raised, s.Pruned)
	fmt.Fprintf(w, "\nAttackers: %d\n", len(st.Attackers))
	for i := range st.Attackers {
		a := &st.Attackers[i]
		if a.Scope != control.ScopeFleet {
			fmt.Fprintf(w, "  [host %s]\n", termsafe.Field(strings.Join(a.Hosts, ", ")))
			writeAttacker(w, &a.AttackerStatus)
			continue
		}
		fmt.Fprintf(w, "  [fleet] %s  fleet level %d  seen by %d hosts: %s\n", a.Src, a.Level, a.HostCount,
			termsafe.Field(strings.Join(a.Hosts, ", ")))
		fmt.Fprintf(w, "    packets %d  first %s  last %s", a.Packets, a.FirstSeen.Format(time.DateTime), a.LastSeen.Format(time.DateTime))
		if len(a.Ports) > 0 {
			ports := make([]string, len(a.Ports))
			for i, p := range a.Ports {
				ports[i] = fmt.Sprint(p.Port)
			}
			fmt.Fprintf(w, "  ports %s", strings.Join(ports, ","))
		}
		fmt.Fprintln(w)
		writeBlockMark(w, a.Blocked)
	}
}
