package report

import (
	"reflect"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// TestAttackerTally: an attacker's level is its highest, its packets the
// sum of its scan windows' largest counts, its lists the union of its
// alerts', in any order.
func TestAttackerTally(t *testing.T) {
	syn := func(hi uint16, n int) []signatures.Scan {
		return []signatures.Scan{scan("syn", "tcp", "203.0.113.5", 1, hi, int(hi), n)}
	}
	sig := signatures.SigHit{ID: 7, Name: "SCAN <odd>", Level: 3, Packets: 2}
	withOS := func(a alerts.Alert, os, tool string) alerts.Alert { a.OS, a.Tool = os, tool; return a }
	inWindow := func(a alerts.Alert) alerts.Alert { a.FirstSeen = at(0, 59); return a } // one scan window
	cases := []struct {
		name string
		in   []alerts.Alert
		want Attacker
	}{
		{"one alert", []alerts.Alert{alert("198.51.100.1", at(1, 0), 2, 20, syn(20, 20))},
			Attacker{Level: 2, Packets: 20, Alerts: 1, Destinations: 1, Scans: []string{"syn"}, Ports: "tcp/1-20",
				Signatures: []string{}, FirstSeen: at(0, 59), LastSeen: at(1, 0)}},
		{"one window: its largest count", []alerts.Alert{
			inWindow(alert("198.51.100.1", at(1, 0), 2, 20, syn(20, 20))),
			inWindow(alert("198.51.100.1", at(2, 0), 3, 300, syn(300, 300))),
		}, Attacker{Level: 3, Packets: 300, Alerts: 2, Destinations: 1, Scans: []string{"syn"}, Ports: "tcp/1-300",
			Signatures: []string{}, FirstSeen: at(0, 59), LastSeen: at(2, 0)}},
		{"level falls, the windows' packets add up", []alerts.Alert{
			alert("198.51.100.1", at(3, 0), 2, 5, syn(5, 5)), // a new scan window
			alert("198.51.100.1", at(1, 0), 4, 900, syn(900, 900), sig),
		}, Attacker{Level: 4, Packets: 905, Alerts: 2, Destinations: 1, Scans: []string{"syn"}, Ports: "tcp/1-900",
			Signatures: []string{"SCAN <odd>"}, FirstSeen: at(0, 59), LastSeen: at(3, 0)}},
		{"os and tool from the latest alert that has them", []alerts.Alert{
			inWindow(withOS(alert("198.51.100.1", at(1, 0), 1, 5, nil), "Linux", "nmap")),
			inWindow(withOS(alert("198.51.100.1", at(2, 0), 1, 6, nil), "Windows", "")),
			inWindow(alert("198.51.100.1", at(3, 0), 1, 7, []signatures.Scan{scan("udp", "udp", "203.0.113.5", 53, 53, 1, 7)})),
		}, Attacker{Level: 1, Packets: 7, Alerts: 3, Destinations: 1, Scans: []string{"udp"}, Ports: "udp/53",
			Signatures: []string{}, FirstSeen: at(0, 59), LastSeen: at(3, 0), OS: "Windows", Tool: "nmap"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, order := range [][]alerts.Alert{c.in, reversed(c.in)} {
				ts := tallies(order, nil, true)
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
	for _, a := range topAttackers(tallies(as, nil, true), 10) {
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
	ts := tallies(as, nil, true)
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

// TestAttackerWindows: an attacker's packets are its real totals: a
// stored window counts the packets that came after its latest alert
// (102, where that alert said 15), and each window counts once.
func TestAttackerWindows(t *testing.T) {
	src := "203.0.113.70"
	first := at(1, 0)
	a1, a2 := alert(src, at(1, 1), 1, 5, nil), alert(src, at(1, 2), 3, 15, nil)
	a1.FirstSeen, a2.FirstSeen = first, first
	later := alert(src, at(9, 0), 2, 8, nil) // a second window, no stored count
	win := func(first time.Time, packets int) signatures.Window {
		return signatures.Window{Src: addr(src), FirstSeen: first, LastSeen: first.Add(time.Hour), Packets: packets, Level: 3}
	}
	other := signatures.Window{Src: addr("198.51.100.99"), FirstSeen: first, Packets: 999, Level: 1} // no alert: not an attacker of the period
	ts := tallies([]alerts.Alert{a2, later, a1}, []signatures.Window{win(first, 102), other}, true)
	if len(ts) != 1 || ts[0].Packets != 102+8 {
		t.Fatalf("tallies %+v", ts)
	}
	tot, _ := totals(3, ts)
	if tot.Packets != 110 {
		t.Errorf("totals %+v", tot)
	}
	// an older stored count than the alerts' never lowers them
	if ts := tallies([]alerts.Alert{a2}, []signatures.Window{win(first, 7)}, false); ts[0].Packets != 15 {
		t.Errorf("stale window: %d packets", ts[0].Packets)
	}
}
