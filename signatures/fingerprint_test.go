package signatures

import (
	"testing"

	"github.com/ifw/ifw/sources"
)

func withTCP(window uint16, ttl uint8, id uint16, opts []byte, seq *uint32) func(*sources.Packet) {
	return func(p *sources.Packet) {
		p.Window, p.TTL, p.ID = window, ttl, id
		p.TCPOptions.Set(opts)
		if seq != nil {
			p.Fields |= sources.HasSeq
			p.Seq = *seq
		}
	}
}

func u32(v uint32) *uint32 { return &v }

func TestGuessTool(t *testing.T) {
	// victim is 203.0.113.10 = 0xcb00710a.
	const dst = 0xcb00710a
	mss := []byte{2, 4, 5, 0xb4}
	linux := []byte{2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}
	for _, tc := range []struct {
		name  string
		port  uint16
		flags sources.TCPFlags
		mod   func(*sources.Packet)
		want  string
	}{
		{"nmap 1024", 80, sources.SYN, withTCP(1024, 44, 999, mss, nil), ToolNmap},
		{"nmap 4096", 80, sources.SYN, withTCP(4096, 44, 999, mss, nil), ToolNmap},
		{"nmap window, two options", 80, sources.SYN, withTCP(1024, 44, 999, append(mss, 1, 1, 1, 1), nil), ""},
		{"nmap window, no options", 80, sources.SYN, withTCP(2048, 44, 999, nil, nil), ""},
		{"masscan", 443, sources.SYN, withTCP(1024, 250, uint16((dst^443^0x12345678)&0xffff), nil, u32(0x12345678)), ToolMasscan},
		{"masscan wrong id", 443, sources.SYN, withTCP(1024, 250, 1, nil, u32(0x12345678)), ""},
		{"masscan without seq", 443, sources.SYN, withTCP(1024, 250, uint16((dst^443^0x12345678)&0xffff), nil, nil), ""},
		{"zmap", 22, sources.SYN, withTCP(65535, 250, 54321, nil, nil), ToolZmap},
		{"zmap id, other window", 22, sources.SYN, withTCP(29200, 250, 54321, nil, nil), ""},
		{"mirai", 23, sources.SYN, withTCP(14600, 50, 7, nil, u32(dst)), ToolMirai},
		{"mirai 2323", 2323, sources.SYN, withTCP(14600, 50, 7, nil, u32(dst)), ToolMirai},
		{"linux", 22, sources.SYN, withTCP(64240, 50, 7, linux, u32(1)), ""},
		{"not a SYN", 80, sources.SYN | sources.ACK, withTCP(1024, 44, 999, mss, nil), ""},
	} {
		p := tcp(attacker, victim, tc.port, tc.flags, tc.mod)
		if got := guessTool(p, canon(p.Dst)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestGuessOS(t *testing.T) {
	ts := []byte{8, 10, 0, 0, 0, 1, 0, 0, 0, 0}
	join := func(parts ...[]byte) (out []byte) {
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	mss, sack, nop, ws, eol := []byte{2, 4, 5, 0xb4}, []byte{4, 2}, []byte{1}, []byte{3, 3, 7}, []byte{0}
	for _, tc := range []struct {
		name string
		ttl  uint8
		opts []byte
		want string
	}{
		{"linux", 52, join(mss, sack, ts, nop, ws), "Linux"},
		{"linux without timestamps", 64, join(mss, nop, nop, sack, nop, ws), "Linux"},
		{"windows 10", 116, join(mss, nop, ws, nop, nop, sack), "Windows"},
		{"windows xp", 128, join(mss, nop, nop, sack), "Windows"},
		{"macos", 60, join(mss, nop, ws, nop, nop, ts, sack, eol, eol), "macOS"},
		{"freebsd", 63, join(mss, nop, ws, sack, ts), "FreeBSD"},
		{"openbsd", 64, join(mss, nop, nop, sack, nop, ws, nop, nop, ts), "OpenBSD"},
		{"router", 254, join(mss), "Solaris/network device"},
		{"linux layout, windows ttl", 120, join(mss, sack, ts, nop, ws), ""},
		{"nmap", 44, join(mss), ""},
		{"no options", 64, nil, ""},
		{"malformed", 64, []byte{2, 4, 5, 0xb4, 8}, ""},
		{"zero length option", 64, []byte{2, 0, 1, 1}, ""},
	} {
		p := tcp(attacker, victim, 22, sources.SYN, withTCP(64240, tc.ttl, 1, tc.opts, nil))
		if got := guessOS(p); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestToolAndOSInAttacker(t *testing.T) {
	e := newEngine(t)
	pkts := synScan(attacker, victim, 1, 5)
	for _, p := range pkts {
		nmapSYN(p)
	}
	linux := []byte{2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}
	pkts = append(pkts, tcp(attacker2, victim, 22, sources.SYN, withTCP(64240, 50, 7, linux, nil)))
	feed(e, pkts)
	a, _ := find(e, attacker)
	b, _ := find(e, attacker2)
	if a.Tool != ToolNmap || a.OS != "" || b.OS != "Linux" || b.Tool != "" {
		t.Errorf("nmap: %q/%q, linux: %q/%q", a.Tool, a.OS, b.Tool, b.OS)
	}
}
