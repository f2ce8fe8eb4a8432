package main

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/block"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

func sampleStatus() *control.Status {
	return &control.Status{
		Host: "fw", Config: "/etc/ifw/ifw.conf", Started: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC), UptimeSec: 3725,
		Collectors: []control.CollectorStatus{{Name: "kmsg", Type: "kmsg",
			Stats:   sources.StatsSnapshot{Lines: 10, Packets: 8, Skipped: 2, Dropped: 1, LastError: "boom"},
			Latency: &control.LatencySummary{Samples: 3, P50ms: 1.5, P99ms: 4}}},
		Engine:    signatures.Stats{Sources: 2},
		Pipeline:  control.PipelineStatus{Observed: 8, Detections: 3, Stored: 3},
		Attackers: []control.AttackerStatus{{Attacker: signatures.Attacker{Src: netip.MustParseAddr("198.51.100.7"), Level: 3, Packets: 200}}},
	}
}

func TestWriteStatus(t *testing.T) {
	var b bytes.Buffer
	writeStatus(&b, sampleStatus())
	for _, want := range []string{"ifw daemon on fw, up 1h2m5s", "kmsg       kmsg     lines 10  packets 8  skipped 2  malformed 0  dropped 1",
		"p50 1.5 ms p99 4.0 ms", "last error: boom", "3 alerts stored", "198.51.100.7  danger level 3  200 packets"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, b.String())
		}
	}
}

// TestWriteStatusUntrusted: an attacker known only from a syslog file (any
// local user can forge one) is marked so in `ifw status`; one the kernel
// reported is not; a degraded store and a corrupt database set aside say so.
func TestWriteStatusUntrusted(t *testing.T) {
	st := sampleStatus()
	st.Attackers = append(st.Attackers, control.AttackerStatus{Attacker: signatures.Attacker{Src: netip.MustParseAddr("192.168.1.1"), Level: 2, Packets: 20}})
	st.Attackers[0].Trusted = true
	st.Store = control.StoreStatus{Degraded: true, Unstored: 4, LastError: "database or disk is full", CorruptMovedTo: "/var/lib/ifw/ifw.db.corrupt-X"}
	var b bytes.Buffer
	writeStatus(&b, st)
	out := b.String()
	if strings.Count(out, "evidence: UNTRUSTED") != 1 || !strings.Contains(out[strings.Index(out, "192.168.1.1"):], "evidence: UNTRUSTED") {
		t.Errorf("want exactly 192.168.1.1 marked untrusted:\n%s", out)
	}
	for _, want := range []string{"Store: DEGRADED: 4 alerts waiting", "kept as /var/lib/ifw/ifw.db.corrupt-X"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteStatusSignatures(t *testing.T) {
	st := sampleStatus()
	st.Signatures = control.SignatureCounts{Rules: 206, SkippedPayload: 3, SkippedBad: 1}
	var b bytes.Buffer
	writeStatus(&b, st)
	if want := "Signatures: 206 signatures; skipped 3 payload rules, 1 bad lines"; !strings.Contains(b.String(), want) {
		t.Errorf("status lacks %q:\n%s", want, b.String())
	}
}

// TestWriteStatusBlocked: `ifw status` marks the attackers an active
// block covers, with until when and which block (golden), counts them,
// and --json carries the mark as "blocked" beside the attacker's fields.
func TestWriteStatusBlocked(t *testing.T) {
	st := sampleStatus()
	until := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	st.Attackers[0].Blocked = &control.BlockMark{Prefix: netip.MustParsePrefix("198.51.100.7/32"), Source: "auto", Until: until}
	st.Attackers = append(st.Attackers,
		control.AttackerStatus{Attacker: signatures.Attacker{Src: netip.MustParseAddr("203.0.113.9"), Level: 2, Packets: 30, Trusted: true},
			Blocked: &control.BlockMark{Prefix: netip.MustParsePrefix("203.0.113.0/24"), Source: "manual", Permanent: true}},
		control.AttackerStatus{Attacker: signatures.Attacker{Src: netip.MustParseAddr("192.0.2.3"), Level: 1, Packets: 3, Trusted: true}})
	st.Blocking = &control.BlockingStatus{Active: 2, ActiveBySource: map[alerts.BlockSource]int{"auto": 1, "manual": 1},
		Made:    map[alerts.BlockSource]uint64{"auto": 4, "manual": 1},
		Refused: map[alerts.BlockSource]map[string]uint64{"auto": {"whitelist": 2, "own address": 1}}, AutoRegexSkipped: 3,
		Auto: control.AutoBlock{On: false, Configured: true, Changed: time.Date(2026, 11, 21, 9, 0, 0, 0, time.Local), By: "uid 1000 (al)"},
		Bulk: &control.BulkStatus{Files: []string{"/etc/ifw/drop.txt"}, Loaded: time.Date(2026, 11, 21, 8, 0, 0, 0, time.Local),
			Stats: block.BulkStats{Entries: 3, Loaded4: 2, Loaded6: 1}, Error: "/etc/ifw/drop.txt:7: \x1b[31mbad"}}
	var b bytes.Buffer
	writeStatus(&b, st)
	golden(t, "status-blocked.txt", b.String())

	raw, err := json.Marshal(st.Attackers)
	if err != nil {
		t.Fatal(err)
	}
	var back []map[string]any
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if back[0]["src"] != "198.51.100.7" || back[0]["danger_level"] != 3.0 {
		t.Errorf("attacker fields not at the top level: %s", raw)
	}
	if m, _ := back[0]["blocked"].(map[string]any); m["until"] != "2026-11-21T10:00:00Z" || m["source"] != "auto" || m["permanent"] != false {
		t.Errorf("blocked mark: %s", raw)
	}
	if m, _ := back[1]["blocked"].(map[string]any); m["permanent"] != true || m["until"] != nil || m["prefix"] != "203.0.113.0/24" {
		t.Errorf("permanent mark: %s", raw)
	}
	if _, ok := back[2]["blocked"]; ok {
		t.Errorf("an unblocked attacker has a mark: %s", raw)
	}
}

// TestWriteStatusLogServer: a log server's status lists its hosts, then
// each sensor's attackers under that sensor, one attacker seen by two
// sensors under each.
func TestWriteStatusLogServer(t *testing.T) {
	st := sampleStatus()
	seen := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	st.LogServer = &control.LogServerStatus{MaxSensors: 256, Sensors: 2, Refused: 3, Invalid: 1}
	st.Hosts = []control.HostStatus{{Host: "fw", Packets: 5},
		{Host: "sensor-a", Sensor: true, LastSeen: seen, Packets: 40, Sources: 1, Attackers: 1},
		{Host: "sensor-b", Sensor: true, LastSeen: seen, Packets: 30, Sources: 1, Attackers: 1}}
	at := func(host string, level int) control.AttackerStatus {
		return control.AttackerStatus{Attacker: signatures.Attacker{Src: netip.MustParseAddr("203.0.113.9"), Level: level, Packets: 30},
			Hosts: []string{host}, Scope: control.ScopeHost}
	}
	st.Attackers = []control.AttackerStatus{at("sensor-a", 2), at("sensor-b", 1)}
	var b bytes.Buffer
	writeStatus(&b, st)
	out := b.String()
	for _, want := range []string{"Log server: 2 sensors (at most 256)", "3 of a host past the bound, 1 with no host name",
		"sensor-a                 sensor    packets 40", "fw                       this host", "no packet since the start",
		"Attackers seen by sensor-a at danger level 1 or above: 1 (0 blocked)", "Attackers seen by sensor-b at danger level 1 or above: 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	a, bb := strings.Index(out, "seen by sensor-a"), strings.Index(out, "seen by sensor-b")
	if a < 0 || bb < a || !strings.Contains(out[a:bb], "danger level 2") || !strings.Contains(out[bb:], "danger level 1") {
		t.Errorf("each sensor's attacker not under it:\n%s", out)
	}
	js, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"hosts":[{"host":"fw","degraded":false,"sensor":false`, `"hosts":["sensor-a"],"scope":"host"`, `"log_server":{"max_sensors":256`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s: %s", want, js)
		}
	}
}
