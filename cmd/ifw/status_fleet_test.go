package main

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts/fleet"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/signatures"
)

func sampleFleetStatus() *control.FleetStatus {
	at := time.Date(2026, 12, 5, 22, 0, 0, 0, time.UTC)
	return &control.FleetStatus{Host: "a",
		Hosts: []fleet.Host{{Host: "a", LastSeen: at}, {Host: "b", LastSeen: at, Degraded: true, Queued: 7}},
		Scan:  control.FleetScanStatus{Thresholds: [5]int{3, 5, 10, 20, 50}, WindowSeconds: 3600, Raised: 1},
		Attackers: []control.FleetAttacker{
			{AttackerStatus: control.AttackerStatus{Attacker: signatures.Attacker{Src: netip.MustParseAddr("203.0.113.9"), Level: 1, Packets: 6,
				Ports: []signatures.PortHit{{Port: 22}, {Port: 80}}}, Hosts: []string{"a", "b", "c"}, Scope: control.ScopeFleet}, HostCount: 3},
			{AttackerStatus: control.AttackerStatus{Attacker: signatures.Attacker{Src: netip.MustParseAddr("198.51.100.7"), Level: 3, Packets: 200, Trusted: true},
				Hosts: []string{"a"}, Scope: control.ScopeHost}, HostCount: 1},
		}}
}

// TestWriteFleetStatus: ifw status --fleet names the hosts (a degraded one
// so), each attacker's scope and the hosts that saw it; its JSON has the
// issue's shape (hosts[].host/last_seen/degraded, attackers[].hosts/scope).
func TestWriteFleetStatus(t *testing.T) {
	var b bytes.Buffer
	writeFleetStatus(&b, sampleFleetStatus())
	for _, want := range []string{"Fleet as seen from a: 2 hosts", "DEGRADED (7 writes queued)", "levels 1-5 at [3 5 10 20 50] hosts within 1h0m0s",
		"[fleet] 203.0.113.9  fleet level 1  seen by 3 hosts: a, b, c", "ports 22,80", "[host a]", "198.51.100.7  danger level 3"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("fleet status lacks %q:\n%s", want, b.String())
		}
	}
	raw, err := json.Marshal(sampleFleetStatus())
	if err != nil {
		t.Fatal(err)
	}
	var shape struct {
		Hosts []struct {
			Host     string    `json:"host"`
			LastSeen time.Time `json:"last_seen"`
			Degraded *bool     `json:"degraded"`
		} `json:"hosts"`
		Attackers []struct {
			Src   string   `json:"src"`
			Level int      `json:"danger_level"`
			Hosts []string `json:"hosts"`
			Scope string   `json:"scope"`
		} `json:"attackers"`
	}
	if err := json.Unmarshal(raw, &shape); err != nil {
		t.Fatal(err)
	}
	if len(shape.Hosts) != 2 || shape.Hosts[1].Degraded == nil || !*shape.Hosts[1].Degraded || shape.Hosts[0].LastSeen.IsZero() ||
		len(shape.Attackers) != 2 || shape.Attackers[0].Scope != "fleet" || len(shape.Attackers[0].Hosts) != 3 ||
		shape.Attackers[1].Scope != "host" || shape.Attackers[0].Level != 1 {
		t.Fatalf("JSON shape: %s", raw)
	}
}
