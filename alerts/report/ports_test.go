package report

import (
	"reflect"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// TestTopPorts: the ports the engine counted, per attacker and window,
// added up over the attackers.
func TestTopPorts(t *testing.T) {
	hit := func(proto string, port uint16, n int, atLeast bool) signatures.PortHit {
		return signatures.PortHit{Proto: proto, Port: port, Packets: n, AtLeast: atLeast}
	}
	withPorts := func(a alerts.Alert, first time.Time, hs ...signatures.PortHit) alerts.Alert {
		a.FirstSeen, a.Ports = first, hs
		return a
	}
	as := []alerts.Alert{
		// one window, two alerts: the largest count of each port (a later
		// list may have dropped a port)
		withPorts(alert("198.51.100.1", at(1, 0), 2, 30, nil), at(0, 50), hit("tcp", 22, 20, false), hit("tcp", 80, 9, false)),
		withPorts(alert("198.51.100.1", at(1, 5), 3, 90, nil), at(0, 50), hit("tcp", 22, 80, false), hit("udp", 53, 1, false)),
		// a later window of the same attacker adds up
		withPorts(alert("198.51.100.1", at(5, 0), 1, 10, nil), at(4, 59), hit("tcp", 22, 10, false)),
		// another attacker, a wide scan: lower bounds
		withPorts(alert("198.51.100.2", at(2, 0), 3, 500, nil), at(1, 59), hit("tcp", 80, 4, true), hit("tcp", 22, 1, true)),
	}
	got := topPorts(tallies(as, nil, true), 10)
	want := []PortCount{{"tcp", 22, 91, true, 2}, {"tcp", 80, 13, true, 2}, {"udp", 53, 1, false, 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// TestTopPortsOldAlerts: alerts stored before ports were counted have no
// port list: only the ports of dense scan records (every port of the
// range hit) count, an even share each, never the ends of a sparse range.
func TestTopPortsOldAlerts(t *testing.T) {
	type attacker []signatures.Scan
	cases := []struct {
		name string
		in   []attacker
		want []PortCount
	}{
		{"one port", []attacker{{scan("sweep", "tcp", "", 22, 22, 1, 300)}},
			[]PortCount{{"tcp", 22, 300, true, 1}}},
		{"dense range: every port, an even share", []attacker{{scan("syn", "tcp", "203.0.113.1", 20, 23, 4, 8)}},
			[]PortCount{{"tcp", 20, 2, true, 1}, {"tcp", 21, 2, true, 1}, {"tcp", 22, 2, true, 1}, {"tcp", 23, 2, true, 1}}},
		{"sparse range: nothing (which ports were hit is not known)", []attacker{{scan("udp", "udp", "203.0.113.1", 53, 161, 3, 9)}},
			[]PortCount{}},
		{"a port hit gets at least one packet", []attacker{{scan("syn", "tcp", "203.0.113.1", 1, 4, 4, 1)}},
			[]PortCount{{"tcp", 1, 1, true, 1}, {"tcp", 2, 1, true, 1}, {"tcp", 3, 1, true, 1}, {"tcp", 4, 1, true, 1}}},
		{"two attackers; equal packets: more attackers first", []attacker{
			{scan("syn", "tcp", "203.0.113.1", 443, 443, 1, 5)}, {scan("syn", "tcp", "203.0.113.1", 443, 443, 1, 5)},
			{scan("syn", "tcp", "203.0.113.1", 22, 22, 1, 10)}},
			[]PortCount{{"tcp", 443, 10, true, 2}, {"tcp", 22, 10, true, 1}}},
		{"icmp types and protocol numbers are not ports", []attacker{{
			scan("icmp", "icmp", "203.0.113.1", 8, 8, 1, 5), scan("proto", "ip", "203.0.113.1", 1, 132, 9, 50)}},
			[]PortCount{}},
		{"the whole range: too wide to list", []attacker{{scan("syn", "tcp", "203.0.113.1", 0, 65535, 65536, 65536)}},
			[]PortCount{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var as []alerts.Alert
			for i, scans := range c.in {
				as = append(as, alert(addrN(i), at(1, 0), 1, 1, scans))
			}
			got := topPorts(tallies(as, nil, true), 10)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func addrN(i int) string { return "198.51.100." + num(i+1) }

func TestPortRanges(t *testing.T) {
	cases := []struct {
		in   []signatures.Scan
		want string
	}{
		{nil, ""},
		{[]signatures.Scan{scan("icmp", "icmp", "", 8, 8, 1, 1)}, ""},
		{[]signatures.Scan{scan("syn", "tcp", "", 22, 22, 1, 1)}, "tcp/22"},
		{[]signatures.Scan{scan("syn", "tcp", "", 1000, 2000, 5, 1), scan("fin", "tcp", "", 80, 80, 1, 1),
			scan("syn", "tcp", "", 81, 90, 2, 1), scan("udp", "udp", "", 53, 53, 1, 1), scan("udp", "udp", "", 161, 162, 2, 1)},
			"tcp/80-90,1000-2000 udp/53,161-162"},
		{[]signatures.Scan{scan("syn", "tcp", "", 1, 10, 10, 1), scan("syn", "tcp", "", 5, 20, 2, 1)}, "tcp/1-20"},
	}
	for _, c := range cases {
		if got := portRanges(c.in); got != c.want {
			t.Errorf("portRanges(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
