package alerts

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/ifw/ifw/signatures"
)

func TestSummary(t *testing.T) {
	dst := netip.MustParseAddr("203.0.113.5")
	scan := func(typ, proto string, lo, hi uint16) signatures.Scan {
		return signatures.Scan{Type: typ, Proto: proto, Dst: dst, MinPort: lo, MaxPort: hi, DistinctPorts: int(hi-lo) + 1}
	}
	sweep := signatures.Scan{Type: "sweep", Proto: "tcp", MinPort: 22, MaxPort: 22, DistinctPorts: 1, Hosts: 40}
	for _, tc := range []struct {
		name                        string
		a                           Alert
		summary, ports, dst, protos string
	}{
		{"bare", Alert{Src: src4(7), Level: 1}, "danger level 1 from 198.51.100.7", "", "", ""},
		{"one scan", Alert{Src: src4(7), Level: 4, Destinations: []netip.Addr{dst},
			Scans: []signatures.Scan{scan("syn", "tcp", 1, 1024)}},
			"danger level 4 from 198.51.100.7 (syn scan tcp/1-1024 to 203.0.113.5)", "1-1024", "203.0.113.5", "tcp"},
		{"ports merged, icmp types left out", Alert{Src: src4(7), Level: 3, Scans: []signatures.Scan{
			scan("syn", "tcp", 1000, 2000), scan("udp", "udp", 53, 53), sweep, scan("fin", "tcp", 2001, 2001), scan("icmp", "icmp", 8, 8)}},
			"danger level 3 from 198.51.100.7 (syn scan tcp/1000-2000 to 203.0.113.5; udp scan udp/53 to 203.0.113.5; sweep tcp/22 to 40 hosts and 2 more)",
			"22,53,1000-2001", "", "tcp,udp,icmp"},
		{"signatures, control characters", Alert{Src: src4(7), Level: 2, Signatures: []signatures.SigHit{
			{ID: 1, Name: "SCAN FIN"}, {ID: 2, Name: "evil\nname"}}},
			"danger level 2 from 198.51.100.7 (signatures: SCAN FIN, evil name)", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.Summary(); got != tc.summary {
				t.Errorf("Summary\n got %q\nwant %q", got, tc.summary)
			}
			if got := tc.a.PortList(); got != tc.ports {
				t.Errorf("PortList %q, want %q", got, tc.ports)
			}
			if got := tc.a.FirstDestination(); got != tc.dst {
				t.Errorf("FirstDestination %q, want %q", got, tc.dst)
			}
			if got := strings.Join(tc.a.Protocols(), ","); got != tc.protos {
				t.Errorf("Protocols %q, want %q", got, tc.protos)
			}
		})
	}
}

func TestSourceLRU(t *testing.T) {
	l := NewSourceLRU[int](3)
	for i := range 5 {
		l.Put(src4(i), i)
		if i == 3 {
			l.Get(src4(1)) // 1 becomes the most recent: 2 goes next
		}
	}
	var kept []int
	for i := range 5 {
		if v, ok := l.Get(src4(i)); ok {
			kept = append(kept, v)
		}
	}
	if !slices.Equal(kept, []int{1, 3, 4}) || l.Len() != 3 {
		t.Fatalf("kept %v (len %d), want [1 3 4]", kept, l.Len())
	}
	l.Put(src4(3), 33)
	l.Delete(src4(4))
	if v, _ := l.Get(src4(3)); v != 33 || l.Len() != 2 {
		t.Fatalf("after Put and Delete: %d, len %d", v, l.Len())
	}
}
