package signatures

import (
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/test/testenv"
)

func loadAutoDL(t *testing.T) *AutoDL {
	t.Helper()
	f, err := os.Open("testdata/auto_dl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := ParseAutoDL(f, "auto_dl")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestParseAutoDL(t *testing.T) {
	a := loadAutoDL(t)
	if a.Len() != 9 {
		t.Fatalf("%d entries", a.Len())
	}
	got := a.Entries()[4]
	want := AutoDLEntry{Prefix: netip.MustParsePrefix("198.51.100.10/32"), Level: 3, Proto: sources.ProtoTCP, PortLo: 1, PortHi: 1024, Line: 6}
	if got != want {
		t.Errorf("entry %+v, want %+v", got, want)
	}
	if p := a.Entries()[7].Prefix; p != netip.MustParsePrefix("10.0.0.0/8") {
		t.Errorf("dotted mask: %v", p)
	}
}

func TestParseAutoDLErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"198.51.100.7\n", "f:1: want ADDR LEVEL"},
		{"\n# c\n198.51.100.300 5;\n", "f:3: bad address"},
		{"198.51.100.7 6;", "f:1: danger level \"6\""},
		{"198.51.100.7 x;", "f:1: danger level"},
		{"198.51.100.0/33 1;", "f:1: bad prefix length"},
		{"198.51.100.0/255.0.255.0 1;", "f:1: netmask"},
		{"198.51.100.7 1 bogus;", "f:1: unknown protocol"},
		{"198.51.100.7 1 icmp/8;", "f:1: protocol icmp has no ports"},
		{"198.51.100.7 1 tcp/99999;", "f:1: bad port"},
		{"198.51.100.7 1 tcp/30-20;", "f:1: port range \"30-20\" is reversed"},
		{"198.51.100.7 1 tcp/22 23;", "f:1: want ADDR LEVEL"},
		{"198.51.100.7 1 tcp 22 x y;", "f:1: want ADDR LEVEL"},
	} {
		_, err := ParseAutoDL(strings.NewReader(tc.text), "f")
		var pe *ParseError
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.As(err, &pe) {
			t.Errorf("%q: %v, want %q…", tc.text, err, tc.want)
		}
	}
}

func TestAutoDLMatch(t *testing.T) {
	a := loadAutoDL(t)
	for _, tc := range []struct {
		addr    string
		proto   uint8
		port    uint16
		level   int
		matched bool
	}{
		{"198.51.100.7", sources.ProtoUDP, 53, 5, true},
		{"203.0.113.5", sources.ProtoTCP, 80, 0, true},
		{"203.0.113.66", sources.ProtoTCP, 80, 4, true}, // longest prefix
		{"198.51.100.9", sources.ProtoTCP, 22, 3, true},
		{"198.51.100.9", sources.ProtoTCP, 23, 0, false},
		{"198.51.100.10", sources.ProtoTCP, 1024, 3, true},
		{"198.51.100.10", sources.ProtoUDP, 1024, 0, false},
		{"198.51.100.11", sources.ProtoUDP, 138, 0, true},
		{"198.51.100.12", sources.ProtoICMP, 0, 2, true},
		{"10.200.1.1", sources.ProtoTCP, 1, 1, true},
		{"::ffff:10.200.1.1", sources.ProtoTCP, 1, 1, true},
		{"2001:db8:bad:1::1", sources.ProtoTCP, 1, 5, true},
		{"192.0.2.1", sources.ProtoTCP, 1, 0, false},
	} {
		e, ok := a.Match(netip.MustParseAddr(tc.addr), tc.proto, tc.port, true)
		if ok != tc.matched || e.Level != tc.level {
			t.Errorf("%s %d/%d: %+v %v, want level %d %v", tc.addr, tc.proto, tc.port, e, ok, tc.level, tc.matched)
		}
	}
	var nilDL *AutoDL
	if _, ok := nilDL.Match(netip.MustParseAddr("10.0.0.1"), 6, 1, true); ok || nilDL.Len() != 0 {
		t.Error("nil AutoDL matches")
	}
}

func TestAutoDLEngine(t *testing.T) {
	e := newEngine(t, func(c *Config) { c.AutoDL = loadAutoDL(t) })
	ds := feed(e, []*sources.Packet{syn("198.51.100.7", victim, 80)})
	if len(ds) != 1 || ds[0].Attacker.Level != 5 || ds[0].Attacker.AutoDL != 5 {
		t.Errorf("address: %+v", ds)
	}
	// Pinned: a big scan does not change it (psad overrides).
	feed(e, synScan("10.1.1.1", victim, 1, 2000))
	if got := level(e, "10.1.1.1"); got != 1 {
		t.Errorf("pinned network: level %d", got)
	}
	// 0 ignores the network, but the longest prefix wins.
	feed(e, synScan("203.0.113.5", victim, 1, 50))
	feed(e, []*sources.Packet{syn("203.0.113.66", victim, 80)})
	if _, ok := find(e, "203.0.113.5"); ok || level(e, "203.0.113.66") != 4 {
		t.Errorf("network 0 / host 4: %+v", e.Attackers(0))
	}
	if got := e.Stats().Ignored["auto_dl"]; got != 50 {
		t.Errorf("ignored by auto_dl: %d", got)
	}
	// Protocol/port qualifiers: level 3 only for tcp/22; 0 only for udp/137-139.
	feed(e, []*sources.Packet{syn("198.51.100.9", victim, 80)})
	if got := level(e, "198.51.100.9"); got != 0 {
		t.Errorf("tcp/80 from tcp/22 host: level %d", got)
	}
	feed(e, []*sources.Packet{syn("198.51.100.9", victim, 22)})
	if got := level(e, "198.51.100.9"); got != 3 {
		t.Errorf("tcp/22: level %d", got)
	}
	feed(e, cat(repeat(udp("198.51.100.11", victim, 137), 10), synScan("198.51.100.11", victim, 1, 5)))
	if a, _ := find(e, "198.51.100.11"); a.Level != 1 || a.Packets != 5 {
		t.Errorf("udp/137 ignored, tcp counted: %+v", a)
	}
}

// TestParseAutoDLDebianFile: psad's own auto_dl (Debian package psad)
// loads as it is.
func TestParseAutoDLDebianFile(t *testing.T) {
	const path = "/etc/psad/auto_dl"
	f, err := os.Open(path)
	if err != nil {
		testenv.Missing(t, "psad is not installed (make deps): %v", err)
	}
	defer f.Close()
	if _, err := ParseAutoDL(f, path); err != nil {
		t.Error(err)
	}
}
