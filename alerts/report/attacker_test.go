package report

import (
	"reflect"
	"testing"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// TestAttackerTally: an attacker's level is its highest, its packets its
// latest alert's, its lists the union of its alerts', in any order.
func TestAttackerTally(t *testing.T) {
	syn := func(hi uint16, n int) []signatures.Scan {
		return []signatures.Scan{scan("syn", "tcp", "203.0.113.5", 1, hi, int(hi), n)}
	}
	sig := signatures.SigHit{ID: 7, Name: "SCAN <odd>", Level: 3, Packets: 2}
	withOS := func(a alerts.Alert, os, tool string) alerts.Alert { a.OS, a.Tool = os, tool; return a }
	cases := []struct {
		name string
		in   []alerts.Alert
		want Attacker
	}{
		{"one alert", []alerts.Alert{alert("198.51.100.1", at(1, 0), 2, 20, syn(20, 20))},
			Attacker{Level: 2, Packets: 20, Alerts: 1, Destinations: 1, Scans: []string{"syn"}, Ports: "tcp/1-20",
				Signatures: []string{}, FirstSeen: at(0, 59), LastSeen: at(1, 0)}},
		{"level falls, packets are the latest", []alerts.Alert{
			alert("198.51.100.1", at(3, 0), 2, 5, syn(5, 5)), // a new scan window
			alert("198.51.100.1", at(1, 0), 4, 900, syn(900, 900), sig),
		}, Attacker{Level: 4, Packets: 5, Alerts: 2, Destinations: 1, Scans: []string{"syn"}, Ports: "tcp/1-900",
			Signatures: []string{"SCAN <odd>"}, FirstSeen: at(0, 59), LastSeen: at(3, 0)}},
		{"os and tool from the latest alert that has them", []alerts.Alert{
			withOS(alert("198.51.100.1", at(1, 0), 1, 5, nil), "Linux", "nmap"),
			withOS(alert("198.51.100.1", at(2, 0), 1, 6, nil), "Windows", ""),
			alert("198.51.100.1", at(3, 0), 1, 7, []signatures.Scan{scan("udp", "udp", "203.0.113.5", 53, 53, 1, 7)}),
		}, Attacker{Level: 1, Packets: 7, Alerts: 3, Destinations: 1, Scans: []string{"udp"}, Ports: "udp/53",
			Signatures: []string{}, FirstSeen: at(0, 59), LastSeen: at(3, 0), OS: "Windows", Tool: "nmap"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, order := range [][]alerts.Alert{c.in, reversed(c.in)} {
				ts := tallies(order, true)
				if len(ts) != 1 {
					t.Fatalf("%d tallies", len(ts))
				}
				got := ts[0].finish()
				c.want.Src = got.Src
				if !reflect.DeepEqual(got, c.want) {
					t.Errorf("got  %+v\nwant %+v", got, c.want)
				}
			}
		})
	}
}

func reversed(as []alerts.Alert) []alerts.Alert {
	out := make([]alerts.Alert, len(as))
	for i, a := range as {
		out[len(as)-1-i] = a
	}
	return out
}

// TestTopAttackersOrder: level, then packets, then address.
func TestTopAttackersOrder(t *testing.T) {
	as := []alerts.Alert{
		alert("198.51.100.9", at(1, 0), 3, 10, nil),
		alert("198.51.100.2", at(1, 0), 3, 10, nil),
		alert("198.51.100.1", at(1, 0), 2, 5000, nil),
		alert("2001:db8::1", at(1, 0), 3, 11, nil),
	}
	var got []string
	for _, a := range topAttackers(tallies(as, true), 10) {
		got = append(got, a.Src.String())
	}
	want := []string{"2001:db8::1", "198.51.100.2", "198.51.100.9", "198.51.100.1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// TestSignatureAndClassCounts: an attacker counts once per signature and
// class however many alerts repeat them; packets are the largest seen.
func TestSignatureAndClassCounts(t *testing.T) {
	a := signatures.SigHit{ID: 1, Name: "A", Level: 2, Packets: 1}
	a3 := signatures.SigHit{ID: 1, Name: "A", Level: 2, Packets: 3}
	b := signatures.SigHit{ID: 2, Name: "B", Level: 5, Packets: 1}
	syn := func(dst string, n int) signatures.Scan { return scan("syn", "tcp", dst, 22, 22, 1, n) }
	as := []alerts.Alert{
		alert("198.51.100.1", at(1, 0), 2, 1, []signatures.Scan{syn("203.0.113.1", 1)}, a),
		alert("198.51.100.1", at(1, 1), 2, 3, []signatures.Scan{syn("203.0.113.1", 3), syn("203.0.113.2", 4)}, a3),
		alert("198.51.100.2", at(1, 0), 5, 1, []signatures.Scan{scan("udp", "udp", "203.0.113.1", 53, 53, 1, 1)}, b, a),
	}
	ts := tallies(as, true)
	sigs := topSignatures(ts, 10)
	wantSigs := []SignatureCount{{ID: 1, Name: "A", Level: 2, Attackers: 2, Packets: 4}, {ID: 2, Name: "B", Level: 5, Attackers: 1, Packets: 1}}
	if !reflect.DeepEqual(sigs, wantSigs) {
		t.Errorf("signatures %+v", sigs)
	}
	classes := topScanClasses(ts, 10)
	wantClasses := []ScanClassCount{{Type: "syn", Attackers: 1, Packets: 7}, {Type: "udp", Attackers: 1, Packets: 1}}
	if !reflect.DeepEqual(classes, wantClasses) {
		t.Errorf("classes %+v", classes)
	}
}
