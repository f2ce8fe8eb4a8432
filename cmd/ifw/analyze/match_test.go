package analyze

import (
	"strings"
	"testing"
)

// FuzzParseMatch: --match never panics; what it accepts filters.
func FuzzParseMatch(f *testing.F) {
	for _, s := range []string{"src=198.51.100.0/24,port=22", "dst=2001:db8::1,proto=udp,sport=1-1024", "prefix=UFW,in=eth0", "port=5-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseMatch(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--match") {
				t.Fatalf("%q: error without context: %v", s, err)
			}
			return
		}
		for _, r := range append(m.ports, m.sports...) {
			if r.Lo > r.Hi {
				t.Fatalf("%q: range %v", s, r)
			}
		}
	})
}
