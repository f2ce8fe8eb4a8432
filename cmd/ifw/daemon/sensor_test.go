package daemon

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// hostScan writes n SYN packets from src to distinct ports (from first)
// of 192.0.2.10, as the syslog daemon of host forwarded them.
func (f *feed) hostScan(host, src string, first, n int) {
	stamp := time.Now().Format(time.Stamp)
	for i := range n {
		f.lines <- fmt.Sprintf("%s %s kernel: [ 100.000000] IN=eth0 OUT= SRC=%s DST=192.0.2.10 LEN=44 TOS=0x00 "+
			"PREC=0x00 TTL=43 ID=%d PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0", stamp, host, src, i+1, first+i)
	}
}

// hostAttackers are the status' attackers from src, by the host that saw
// them.
func hostAttackers(t *testing.T, r *running, src string) map[string]control.AttackerStatus {
	t.Helper()
	st, err := r.client.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]control.AttackerStatus{}
	for _, a := range st.Attackers {
		if a.Src.String() != src {
			continue
		}
		host := ""
		if len(a.Hosts) == 1 {
			host = a.Hosts[0]
		}
		if _, dup := out[host]; dup || (host != "" && a.Scope != control.ScopeHost) {
			t.Fatalf("attacker %s listed twice for %q, or scope %q: %+v", src, host, a.Scope, st.Attackers)
		}
		out[host] = a
	}
	return out
}

// logServerLab is a lab whose feed carries two sensors' syslog lines.
func logServerLab(t *testing.T, daemon string) *lab {
	l := newLab(t)
	l.untrusted = true
	l.daemonExtra = "log_server = yes\n" + daemon
	l.writeConf(t, "")
	return l
}

// TestLogServerSensorsApart: one attacker scanning two sensors, 10 ports
// each, stays at level 1 on each (level 2 needs 15 packets) and each
// alert names its sensor; without log_server, the same lines make one
// attacker of 20 packets at level 2. The sensors' pictures survive a
// restart, a reload applies to every sensor, and ifw alerts --host picks
// one sensor's alerts.
func TestLogServerSensorsApart(t *testing.T) {
	const src = "203.0.113.5"
	ctx := context.Background()
	l := logServerLab(t, "")
	r := l.start(t)
	r.feed.hostScan("sensor-a", src, 1, 10)
	r.feed.hostScan("SENSOR-B", src, 1, 10) // host names are case-insensitive
	var got map[string]control.AttackerStatus
	eventually(t, "both sensors list the attacker", func() bool {
		got = hostAttackers(t, r, src)
		return got["sensor-a"].Packets == 10 && got["sensor-b"].Packets == 10
	})
	if len(got) != 2 || got["sensor-a"].Level != 1 || got["sensor-b"].Level != 1 {
		t.Fatalf("want level 1 on each sensor, nothing else: %+v", got)
	}
	st, err := r.client.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.LogServer == nil || st.LogServer.Sensors != 2 || len(st.Hosts) != 3 || st.Hosts[0].Sensor ||
		st.Hosts[1].Host != "sensor-a" || st.Hosts[1].Packets != 10 || st.Hosts[1].LastSeen.IsZero() || st.Hosts[2].Attackers != 1 {
		t.Errorf("log server %+v, hosts %+v", st.LogServer, st.Hosts)
	}
	if st.Engine.Packets != 20 {
		t.Errorf("engine packets %d, want the sum over the sensors, 20", st.Engine.Packets)
	}
	var list []control.AlertRecord
	eventually(t, "sensor-a's alert stored", func() bool {
		list, err = r.client.Alerts(ctx, control.AlertQuery{Host: "sensor-a"})
		return err == nil && len(list) > 0
	})
	for _, a := range list {
		if a.Host != "sensor-a" || a.Collector != "feed" || a.Src.String() != src {
			t.Errorf("alert of --host sensor-a: host %q collector %q src %s", a.Host, a.Collector, a.Src)
		}
	}

	// ifw status --fleet: the same view, the sensors as the hosts.
	fs, err := r.client.FleetStatus(ctx)
	if err != nil {
		t.Fatalf("fleet status of a log server: %v", err)
	}
	fleetHosts := map[string]bool{}
	for _, h := range fs.Hosts {
		fleetHosts[h.Host] = true
	}
	scoped := 0
	for _, a := range fs.Attackers {
		if a.Src.String() == src && a.Scope == control.ScopeHost && a.HostCount == 1 {
			scoped++
		}
	}
	if !fleetHosts["sensor-a"] || !fleetHosts["sensor-b"] || len(fs.Hosts) != 3 || scoped != 2 {
		t.Errorf("fleet status: hosts %+v, %d of the attacker's entries scope host", fs.Hosts, scoped)
	}

	// Restart: each sensor's engine comes back.
	r.stop(t)
	r = l.start(t)
	if got = hostAttackers(t, r, src); got["sensor-a"].Packets != 10 || got["sensor-b"].Packets != 10 || len(got) != 2 {
		t.Fatalf("after restart: %+v", got)
	}

	// Reload: the new thresholds apply to the sensors' engines (and to
	// those made after).
	l.writeConf(t, "danger_levels = 1 2 3 4 5")
	if err := r.d.reload(ctx); err != nil {
		t.Fatalf("reload: %v", err)
	}
	r.feed.hostScan("sensor-a", "198.51.100.20", 1, 3)
	r.feed.hostScan("sensor-c", "198.51.100.20", 1, 4)
	eventually(t, "198.51.100.20 at level 3 on sensor-a, 4 on sensor-c", func() bool {
		got = hostAttackers(t, r, "198.51.100.20")
		return got["sensor-a"].Level == 3 && got["sensor-c"].Level == 4
	})

	// The same lines on a daemon that is not a log server: one attacker.
	l2 := newLab(t)
	l2.untrusted = true
	r2 := l2.start(t)
	r2.feed.hostScan("sensor-a", src, 1, 10)
	r2.feed.hostScan("sensor-b", src, 1, 10)
	eventually(t, "one attacker of 20 packets", func() bool {
		got = hostAttackers(t, r2, src)
		return got[""].Packets == 20
	})
	if got[""].Level != 2 || len(got) != 1 {
		t.Errorf("not a log server: %+v", got)
	}
}

// TestLogServerBounded: past log_server_sensors, a new host's packets
// are counted and judged as the central host's; a host field that is
// no host name, and the central host's own name (in any case), are the
// central host's too; kernel-trusted packets never key a sensor.
func TestLogServerBounded(t *testing.T) {
	ctx := context.Background()
	l := logServerLab(t, "log_server_sensors = 2\nhost = Central\n")
	r := l.start(t)
	for i := range 5 {
		r.feed.hostScan(fmt.Sprintf("forged-%d", i), "203.0.113.7", 1, 6)
	}
	r.feed.hostScan("bad$host", "203.0.113.8", 1, 6)
	r.feed.hostScan("CENTRAL", "203.0.113.9", 1, 6)
	var st *control.Status
	eventually(t, "every packet judged", func() bool { // by the engines: in the same picture as the counts
		var err error
		if st, err = r.client.Status(ctx); err != nil {
			return false
		}
		judged := uint64(0)
		for _, h := range st.Hosts {
			judged += h.Packets
		}
		return judged == 42
	})
	ls := st.LogServer
	if ls == nil || ls.Sensors != 2 || ls.MaxSensors != 2 || ls.Refused != 18 || ls.Invalid != 6 {
		t.Fatalf("log server status %+v", ls)
	}
	if st.Hosts[0].Host != "Central" || st.Hosts[0].Packets != 6+6+18 {
		t.Errorf("central host %+v: want the 18 refused, 6 invalid and 6 of its own packets", st.Hosts[0])
	}
	central := hostAttackers(t, r, "203.0.113.7")
	if central["Central"].Packets != 18 || central["forged-0"].Packets != 6 || central["forged-1"].Packets != 6 || len(central) != 3 {
		t.Errorf("203.0.113.7 by host: %+v", central)
	}
	for _, src := range []string{"203.0.113.8", "203.0.113.9"} {
		if got := hostAttackers(t, r, src); got["Central"].Packets != 6 || len(got) != 1 {
			t.Errorf("%s by host: %+v", src, got)
		}
	}
}

// TestSensorsOf: which packets key a sensor, and the bound: idle sensors
// (past a scan window) make room, busy ones do not.
func TestSensorsOf(t *testing.T) {
	cfg := signatures.DefaultConfig()
	s := newSensors("central", 2, cfg, nil, slog.New(slog.DiscardHandler))
	t0 := time.Date(2026, 12, 5, 21, 0, 0, 0, time.UTC)
	pkt := func(host string, trusted bool) *sources.Packet {
		return &sources.Packet{Host: host, Trusted: trusted, Src: netip.MustParseAddr("203.0.113.1")}
	}
	for _, tc := range []struct {
		host    string
		trusted bool
	}{{"", false}, {"a", true}, {"Central", false}, {"bad host", false}, {"h\x1b[31m", false},
		{strings.Repeat("a", maxHostLen+1), false}} {
		if sn := s.of(pkt(tc.host, tc.trusted), t0); sn != nil {
			t.Errorf("host %q trusted %v keyed sensor %q", tc.host, tc.trusted, sn.host)
		}
	}
	if s.counts.Invalid != 3 || len(s.byHost) != 0 {
		t.Errorf("counts %+v, %d sensors", s.counts, len(s.byHost))
	}
	a := s.of(pkt("A.example", false), t0)
	b := s.of(pkt("2001:db8::1", false), t0)
	if a == nil || b == nil || a.host != "a.example" || s.of(pkt("a.EXAMPLE", false), t0) != a {
		t.Fatalf("sensors %v %v", a, b)
	}
	if s.of(pkt("c", false), t0.Add(time.Minute)) != nil || s.counts.Refused != 1 {
		t.Fatalf("a third sensor past the bound: %+v", s.counts)
	}
	// b idle for more than the scan window, a not: c takes b's place.
	late := t0.Add(cfg.ScanTimeout + time.Minute)
	s.of(pkt("a.example", false), late)
	if c := s.of(pkt("c", false), late.Add(time.Second)); c == nil || s.byHost["2001:db8::1"] != nil || s.byHost["a.example"] == nil {
		t.Fatalf("idle sensor not replaced: %v, counts %+v", s.byHost, s.counts)
	}
	if s.counts.Expired != 1 {
		t.Errorf("counts %+v", s.counts)
	}
}

// FuzzSensorName: a sensor name is a bounded, lower-case syslog host
// token; nothing else becomes one.
func FuzzSensorName(f *testing.F) {
	for _, s := range []string{"sensor-a", "Host.Example.ORG", "2001:db8::1", "", "bad$host", "\x00", "h\u00e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		name, ok := sensorName(host)
		if !ok {
			return
		}
		if len(name) == 0 || len(name) > maxHostLen || name != strings.ToLower(host) {
			t.Fatalf("%q named %q", host, name)
		}
		for _, c := range []byte(name) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-._:", c) >= 0) {
				t.Fatalf("%q: sensor name %q has %q", host, name, c)
			}
		}
	})
}

// TestSensorsStateRoundTrip: the sensors' states read back as written; a
// damaged value keeps the states before the damage and says where it is.
func TestSensorsStateRoundTrip(t *testing.T) {
	in := []engineState{{host: "sensor-a", blob: []byte("engine a")}, {host: "b", blob: []byte{}}, {host: "2001:db8::1", blob: []byte{0, 1, 2}}}
	b := encodeSensors(in)
	out, err := decodeSensors(b)
	if err != nil || len(out) != 3 || out[0].host != "sensor-a" || string(out[0].blob) != "engine a" || len(out[1].blob) != 0 || out[2].blob[2] != 2 {
		t.Fatalf("%+v, %v", out, err)
	}
	out, err = decodeSensors(b[:len(b)-1])
	if !errors.Is(err, errSensorsState) || len(out) != 2 || !strings.Contains(err.Error(), "engine state of \"2001:db8::1\" at byte") {
		t.Errorf("cut: %+v, %v", out, err)
	}
	if out, err := decodeSensors([]byte("sensor-a\nsensor-b")); !errors.Is(err, errSensorsState) || len(out) != 0 {
		t.Errorf("another format: %+v, %v", out, err)
	}
}

// FuzzDecodeSensors: no saved value panics the reader or makes it read
// past its input; what it reads encodes to a value that reads back the
// same (a length may be written in more bytes than it needs).
func FuzzDecodeSensors(f *testing.F) {
	f.Add(encodeSensors([]engineState{{host: "sensor-a", blob: []byte("x")}}))
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		out, _ := decodeSensors(b) // the states before any damage
		for _, st := range out {
			if len(st.host) > maxHostLen {
				t.Fatalf("host of %d bytes", len(st.host))
			}
		}
		back, berr := decodeSensors(encodeSensors(out))
		if berr != nil || len(back) != len(out) {
			t.Fatalf("%x read as %+v, which reads back as %+v, %v", b, out, back, berr)
		}
		for i := range out {
			if back[i].host != out[i].host || !bytes.Equal(back[i].blob, out[i].blob) {
				t.Fatalf("%x read as %+v, which reads back as %+v", b, out, back)
			}
		}
	})
}
