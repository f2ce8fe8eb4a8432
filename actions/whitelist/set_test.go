package whitelist

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

// TestPrefixSetMatchesBruteForce compares the indexed lookup with a scan
// of every item, on random prefixes clustered so that overlaps happen.
func TestPrefixSetMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var items []Protected
	for range 300 {
		items = append(items, Protected{Prefix: randPrefix(r), Why: ReasonWhitelist})
	}
	var l protectedList
	l.add(items...)
	s := newPrefixSet(l.items)
	for range 20000 {
		p := canonical(randPrefix(r))
		want := -1
		for i, it := range l.items {
			if it.Prefix.Overlaps(p) {
				want = i
				break
			}
		}
		if got := s.overlap(p); got != want {
			t.Fatalf("overlap(%v) = %d, want %d", p, got, want)
		}
	}
}

func randPrefix(r *rand.Rand) netip.Prefix {
	if r.IntN(2) == 0 {
		a := netip.AddrFrom4([4]byte{10, byte(r.IntN(4)), byte(r.IntN(4)), byte(r.IntN(256))})
		return netip.PrefixFrom(a, 8+r.IntN(25)).Masked()
	}
	var b [16]byte
	b[0], b[1], b[2] = 0x20, 0x01, byte(r.IntN(4))
	b[15] = byte(r.IntN(256))
	return netip.PrefixFrom(netip.AddrFrom16(b), 8+r.IntN(121)).Masked()
}

func TestLastAddr(t *testing.T) {
	tests := []struct{ p, want string }{
		{"10.0.0.0/8", "10.255.255.255"},
		{"10.0.0.1/32", "10.0.0.1"},
		{"0.0.0.0/0", "255.255.255.255"},
		{"2001:db8::/33", "2001:db8:7fff:ffff:ffff:ffff:ffff:ffff"},
		{"::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
	}
	for _, tt := range tests {
		if got := lastAddr(netip.MustParsePrefix(tt.p)); got != netip.MustParseAddr(tt.want) {
			t.Errorf("lastAddr(%s) = %v, want %s", tt.p, got, tt.want)
		}
	}
}
