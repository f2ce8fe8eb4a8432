package main

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

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
		Attackers: []signatures.Attacker{{Src: netip.MustParseAddr("198.51.100.7"), Level: 3, Packets: 200}},
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
	st.Attackers = append(st.Attackers, signatures.Attacker{Src: netip.MustParseAddr("192.168.1.1"), Level: 2, Packets: 20})
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
