package test

import (
	"context"
	"fmt"
	"net/netip"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

// outage is how long PostgreSQL stays down while the fleet is scanned.
const outage = 30 * time.Second

// TestFleetOutage: three daemons on one PostgreSQL with shared blocks;
// PostgreSQL is stopped for 30 s while the hosts are scanned, one
// attacker address after another. Meanwhile every host blocks its own
// attackers and says its store is degraded with writes queued; once
// PostgreSQL is started again every host delivers its spool: every alert
// each daemon made is stored once, in the order made, and every block
// decided during the outage is applied on every host.
func TestFleetOutage(t *testing.T) {
	fl := newFleetLab(t, []string{"a", "b", "c"}, func(string) string {
		return "auto = yes\nmin_level = 2\ndurations = 1h 1h 1h 1h 1h\nshare = fleet\n"
	}, nil)
	fl.hosts[0].lab.scan("-sS", "-p", "1-100") // before the outage: written directly
	waitFor(t, "the first scanner blocked on every host", time.Minute, func() bool {
		return !slices.ContainsFunc(fl.hosts, func(h *fleetHost) bool { return !h.inSet(attackerIP) })
	})

	fl.pg.Stop(t)
	stopped := time.Now()
	own := map[*fleetHost][]string{}
	var all []string
	for k := 0; k == 0 || time.Since(stopped) < outage; k++ {
		h := fl.hosts[k%len(fl.hosts)]
		ip := fmt.Sprintf("198.51.100.%d", 40+k)
		exec.Command("ip", "-n", h.lab.attacker, "addr", "add", ip+"/24", "dev", h.lab.ifA).Run()
		h.lab.in(h.lab.attacker, "nmap", "-n", "-Pn", "-T5", "--max-retries", "0", "-S", ip, "-e", h.lab.ifA,
			"-sS", "-p", "1-30", victimIP)
		own[h] = append(own[h], ip)
		all = append(all, ip)
	}
	waitFor(t, "every host blocked its own attackers with the database down", time.Minute, func() bool {
		for h, ips := range own {
			if slices.ContainsFunc(ips, func(ip string) bool { return !h.inSet(ip) }) {
				return false
			}
		}
		return true
	})
	for _, h := range fl.hosts {
		st := storeOf(t, h)
		if st["kind"] != "postgresql" || st["degraded"] != true || st["queued"].(float64) == 0 {
			t.Fatalf("%s's store during the outage: %v", h.name, st)
		}
		t.Logf("%s during the outage: %s", h.name, storeLine(h))
	}
	t.Logf("PostgreSQL down for %s, %d attackers", time.Since(stopped).Round(time.Second), len(all))

	fl.pg.Start(t)
	started := time.Now()
	fl.waitAll("every spool delivered", 2*time.Minute, func(h *fleetHost) bool {
		st := storeOf(t, h)
		return st["degraded"] == false && st["queued"].(float64) == 0
	})
	t.Logf("every spool delivered %s after PostgreSQL started", time.Since(started).Round(100*time.Millisecond))
	fl.waitAll("every block of the outage applied on every host", time.Minute, func(h *fleetHost) bool {
		return !slices.ContainsFunc(all, func(ip string) bool { return !h.inSet(ip) })
	})

	made := map[string]int{}
	for _, h := range fl.hosts {
		st, err := h.d.status()
		if err != nil {
			t.Fatal(err)
		}
		made[h.name] = int(st["pipeline"].(map[string]any)["alerts_stored"].(float64))
		sp := st["store"].(map[string]any)["spool"].(map[string]any)
		if sp["dropped"].(float64)+sp["lost"].(float64)+sp["rejected"].(float64)+sp["damaged"].(float64) != 0 || sp["delivered"].(float64) == 0 {
			t.Errorf("%s's spool: %v", h.name, sp)
		}
	}
	checkStored(t, fl.url, made)
}

// storeOf is h's status "store" object.
func storeOf(t *testing.T, h *fleetHost) map[string]any {
	t.Helper()
	st, err := h.d.status()
	if err != nil {
		t.Fatal(err)
	}
	return st["store"].(map[string]any)
}

// storeLine is the store line of h's `ifw status`.
func storeLine(h *fleetHost) string {
	out, _ := exec.Command(ifwBin, "status", "--socket", h.d.socket).Output()
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "Store:") {
			return l
		}
	}
	return ""
}

// checkStored reads every alert of the database: each host has as many
// as its daemon made (made), none twice (uid), and each source's alerts
// on each host follow each other (every alert's previous level is the
// level of the one before it).
func checkStored(t *testing.T, url string, made map[string]int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := alerts.Open(ctx, alerts.Config{URL: url, Host: "observer", ReadOnly: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.Alerts(ctx, alerts.Query{Host: alerts.AllHosts})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(list) // oldest first
	type key struct {
		host string
		src  netip.Addr
	}
	per := map[string]int{}
	uids := map[string]bool{}
	level := map[key]int{}
	for _, a := range list {
		per[a.Host]++
		if uids[a.UID] {
			t.Errorf("alert %s (%s, %s) stored twice", a.UID, a.Host, a.Src)
		}
		uids[a.UID] = true
		k := key{a.Host, a.Src}
		if a.PrevLevel != level[k] {
			t.Errorf("%s: alert %d of %s (level %d after %d) out of order: the one before was at level %d",
				a.Host, a.ID, a.Src, a.Level, a.PrevLevel, level[k])
		}
		level[k] = a.Level
	}
	for h, n := range made {
		if per[h] != n {
			t.Errorf("%s made %d alerts, %d are stored", h, n, per[h])
		}
	}
	t.Logf("stored after the outage: %v alerts per host (%d in all, none twice)", per, len(list))
}
