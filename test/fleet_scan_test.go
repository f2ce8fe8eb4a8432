package test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// fleetAlerts are the alerts with collector "fleet" the hosts list, each
// once (a shared store lists every host's alerts on every host).
func (fl *fleetLab) fleetAlerts() []map[string]any {
	fl.t.Helper()
	seen := map[string]bool{}
	var out []map[string]any
	for _, h := range fl.hosts {
		var list []map[string]any
		if err := json.Unmarshal([]byte(h.ifw("alerts", "--json")), &list); err != nil {
			fl.t.Fatalf("%s: ifw alerts: %v", h.name, err)
		}
		for _, a := range list {
			key := fmt.Sprint(a["uid"], a["host"], "/", a["id"])
			if a["collector"] == "fleet" && !seen[key] {
				seen[key] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// fleetScanStatus is `ifw status --fleet --json` as the test reads it.
type fleetScanStatus struct {
	Hosts []struct {
		Host     string `json:"host"`
		Degraded bool   `json:"degraded"`
	} `json:"hosts"`
	Attackers []struct {
		Src   string   `json:"src"`
		Level int      `json:"danger_level"`
		Hosts []string `json:"hosts"`
		Scope string   `json:"scope"`
	} `json:"attackers"`
	Scan struct {
		Tracked  int `json:"tracked"`
		Reported int `json:"reported"`
		Raised   int `json:"raised"`
	} `json:"scan"`
}

func (h *fleetHost) fleetStatus() fleetScanStatus {
	h.lab.t.Helper()
	var st fleetScanStatus
	if err := json.Unmarshal([]byte(h.ifw("status", "--fleet", "--json")), &st); err != nil {
		h.lab.t.Fatalf("%s: ifw status --fleet: %v", h.name, err)
	}
	return st
}

// TestFleetScan: a slow scan spread over three hosts (three daemons in
// three namespaces on one PostgreSQL; the one attacker address, three
// ports of each host): no host sees an attacker at level 1, and exactly
// one fleet alert, at fleet level 1, names all three; `ifw status --fleet`
// lists the source with scope fleet and the three hosts.
func TestFleetScan(t *testing.T) {
	names := []string{"fleet-a", "fleet-b", "fleet-c"}
	fl := newFleetLab(t, names, nil, func(string) string { return "[fleet]\nhosts = 3 5 10 20 50\nwindow = 1h\n" })
	for _, h := range fl.hosts { // slow: a few ports per host, one at a time
		h.lab.in(h.lab.attacker, "nmap", "-n", "-Pn", "-sS", "--max-retries", "0", "--scan-delay", "100ms", "-p", "21-23", victimIP)
	}
	waitFor(t, "a fleet alert", time.Minute, func() bool { return len(fl.fleetAlerts()) > 0 })
	// Every host has reported and rechecked every sighting: a second
	// alert would have been raised by now.
	fl.waitAll("every sighting reported", time.Minute, func(h *fleetHost) bool { return h.fleetStatus().Scan.Tracked == 0 })
	alerts := fl.fleetAlerts()
	if len(alerts) != 1 {
		t.Fatalf("%d fleet alerts, want 1: %v", len(alerts), alerts)
	}
	a := alerts[0]
	name := ""
	if sigs, _ := a["signatures"].([]any); len(sigs) == 1 {
		name, _ = sigs[0].(map[string]any)["name"].(string)
	}
	if a["src"] != attackerIP || a["level"] != 1.0 || a["reasons"] != "fleet" || a["destination_count"] != 3.0 ||
		name != "fleet scan: "+strings.Join(names, ", ") {
		t.Fatalf("fleet alert %v", a)
	}
	t.Logf("fleet alert raised by %v: %s, %v packets", a["host"], name, a["packets"])
	raised := 0
	for _, h := range fl.hosts {
		st, err := h.d.status()
		if err != nil {
			t.Fatal(err)
		}
		if at := findAttacker(st, attackerIP); at != nil { // below every local threshold
			t.Errorf("%s sees the attacker at level %v", h.name, at["danger_level"])
		}
		raised += h.fleetStatus().Scan.Raised
	}
	if raised != 1 {
		t.Errorf("%d levels raised over the fleet, want 1", raised)
	}
	st := fl.hosts[1].fleetStatus()
	var hosts []string
	for _, h := range st.Hosts {
		hosts = append(hosts, h.Host)
	}
	if !slices.Equal(hosts, names) || len(st.Attackers) == 0 || st.Attackers[0].Src != attackerIP ||
		st.Attackers[0].Scope != "fleet" || st.Attackers[0].Level != 1 || !slices.Equal(st.Attackers[0].Hosts, names) {
		t.Fatalf("ifw status --fleet --json: %+v", st)
	}
	want := "[fleet] " + attackerIP + "  fleet level 1  seen by 3 hosts: " + strings.Join(names, ", ")
	if out := fl.hosts[0].ifw("status", "--fleet"); !strings.Contains(out, want) {
		t.Fatalf("ifw status --fleet lacks %q:\n%s", want, out)
	}
	for _, h := range fl.hosts {
		h.d.stop()
	}
}
