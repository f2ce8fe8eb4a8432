package report

import (
	"reflect"
	"testing"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// TestTopPorts: what each kind of scan record credits to which port.
func TestTopPorts(t *testing.T) {
	type attacker []signatures.Scan
	cases := []struct {
		name string
		in   []attacker
		want []PortCount
	}{
		{"one port", []attacker{{scan("sweep", "tcp", "", 22, 22, 1, 300)}},
			[]PortCount{{"tcp", 22, 300, 1}}},
		{"dense range: every port, an even share", []attacker{{scan("syn", "tcp", "203.0.113.1", 20, 23, 4, 8)}},
			[]PortCount{{"tcp", 20, 2, 1}, {"tcp", 21, 2, 1}, {"tcp", 22, 2, 1}, {"tcp", 23, 2, 1}}},
		{"sparse range: only both ends", []attacker{{scan("udp", "udp", "203.0.113.1", 53, 161, 3, 9)}},
			[]PortCount{{"udp", 53, 3, 1}, {"udp", 161, 3, 1}}},
		{"a port hit gets at least one packet", []attacker{{scan("syn", "tcp", "203.0.113.1", 1, 4, 4, 1)}},
			[]PortCount{{"tcp", 1, 1, 1}, {"tcp", 2, 1, 1}, {"tcp", 3, 1, 1}, {"tcp", 4, 1, 1}}},
		{"one attacker over two destinations counts once", []attacker{{
			scan("syn", "tcp", "203.0.113.1", 80, 80, 1, 5), scan("syn", "tcp", "203.0.113.2", 79, 80, 2, 4)}},
			[]PortCount{{"tcp", 80, 7, 1}, {"tcp", 79, 2, 1}}},
		{"two attackers; equal packets: more attackers first", []attacker{
			{scan("syn", "tcp", "203.0.113.1", 443, 443, 1, 5)}, {scan("syn", "tcp", "203.0.113.1", 443, 443, 1, 5)},
			{scan("syn", "tcp", "203.0.113.1", 22, 22, 1, 10)}},
			[]PortCount{{"tcp", 443, 10, 2}, {"tcp", 22, 10, 1}}},
		{"icmp types and protocol numbers are not ports", []attacker{{
			scan("icmp", "icmp", "203.0.113.1", 8, 8, 1, 5), scan("proto", "ip", "203.0.113.1", 1, 132, 9, 50)}},
			[]PortCount{}},
		{"the whole range", []attacker{{scan("syn", "tcp", "203.0.113.1", 0, 65535, 65536, 65536)}},
			nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var as []alerts.Alert
			for i, scans := range c.in {
				as = append(as, alert(addrN(i), at(1, 0), 1, 1, scans))
			}
			got := topPorts(tallies(as, nil, true), 10)
			if c.want == nil { // the whole range
				if len(got) != 10 || got[0] != (PortCount{"tcp", 0, 1, 1}) || got[9].Port != 9 {
					t.Errorf("got %+v", got)
				}
				return
			}
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
