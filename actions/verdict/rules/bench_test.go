package rules

import (
	"fmt"
	"testing"
	"time"
)

// benchSet is 100 mixed rules: per-application allows and denies with
// destinations, ports, hosts and users, some session rules, a few
// catch-alls.
func benchSet(tb testing.TB) *Set {
	dns := newFakeDNS(nil)
	s := testSet(tb, dns)
	for i := range 100 {
		var line string
		switch i % 10 {
		case 0:
			line = fmt.Sprintf("allow exe=/usr/bin/app%d", i)
		case 1:
			line = fmt.Sprintf("allow exe=/usr/bin/app%d dst=203.0.113.%d port=443 proto=tcp", i, i)
		case 2:
			line = fmt.Sprintf("deny exe=/usr/bin/app%d dst=198.51.100.0/24", i)
		case 3:
			dns.set(fmt.Sprintf("h%d.example", i), fmt.Sprintf("192.0.2.%d", i), "2001:db8::1")
			line = fmt.Sprintf("allow exe=/usr/lib/app%d host=h%d.example port=80-443", i, i)
		case 4:
			line = fmt.Sprintf("allow exe=/opt/app%d/bin/app sha256=%064x", i, i)
		case 5:
			line = fmt.Sprintf("allow exe=/usr/bin/app%d lifetime=session", i)
		case 6:
			line = fmt.Sprintf("reject exe=any dst=2001:db8:%x::/48", i)
		case 7:
			line = fmt.Sprintf("allow exe=/usr/bin/app%d user=alice port=%d proto=udp", i, 1000+i)
		case 8:
			line = fmt.Sprintf("allow exe=any port=%d proto=tcp", 8000+i)
		case 9:
			line = fmt.Sprintf("deny exe=/usr/sbin/daemon%d until=2030-01-01T00:00:00Z", i)
		}
		mustAdd(tb, s, line)
	}
	mustAdd(tb, s, "deny exe=unknown")
	return s
}

func BenchmarkMatch(b *testing.B) {
	s := benchSet(b)
	cases := []struct {
		name string
		c    Conn
	}{
		{"app-hit", conn("/usr/bin/app41", "203.0.113.41", 443, ProtoTCP)},
		{"host-hit", conn("/usr/lib/app53", "192.0.2.53", 443, ProtoTCP)},
		{"no-match", conn("/usr/bin/unlisted", "203.0.113.1", 443, ProtoTCP)},
		{"unknown", conn("", "203.0.113.1", 443, ProtoTCP)},
		{"mapped-v6", conn("/usr/bin/app12", "::ffff:198.51.100.9", 53, ProtoUDP)},
	}
	now := t0.Add(time.Second)
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.Match(bc.c, now)
			}
		})
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	s := benchSet(t)
	c := conn("/usr/bin/app41", "203.0.113.41", 443, ProtoTCP)
	if n := testing.AllocsPerRun(100, func() { s.Match(c, t0) }); n != 0 {
		t.Errorf("Match allocates %v times", n)
	}
}
