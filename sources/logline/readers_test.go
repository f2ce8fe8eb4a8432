package logline

import (
	"bytes"
	"fmt"
	"net/netip"
	"testing"
	"time"
)

// The fast path's readers, each held to the reader it stands in for.

// FuzzNum holds num to decimal over the value up to a space.
func FuzzNum(f *testing.F) {
	for _, s := range []string{"0 ", "65535", "65536 ", "00000000000000000001 ", "000000000000000000001 ", "18446744073709551615 ",
		"18446744073709551616 ", "99999999999999999999 ", "12a ", " ", "", "4294967295 x", "1  "} {
		f.Add([]byte(s), uint64(65535))
		f.Add([]byte(s), uint64(0xffffffff))
	}
	f.Fuzz(func(t *testing.T, b []byte, max uint64) {
		max &= 1<<40 - 1 // the fast path's maxima are 32-bit
		n, i := num(b, 0, max)
		v := b
		if sp := bytes.IndexByte(b, ' '); sp >= 0 {
			v = b[:sp]
		}
		want, ok := decimal(v, max)
		if (i >= 0) != ok || (ok && (n != want || i != min(len(v)+1, len(b)))) {
			t.Fatalf("%q max %d: %d %d, decimal %d %v", b, max, n, i, want, ok)
		}
	})
}

// FuzzAddrAt holds the fast path's address reader to netip.
func FuzzAddrAt(f *testing.F) {
	for _, s := range []string{"198.51.100.7 ", "0.0.0.0", "01.2.3.4 ", "1.2.3.256 ", "1.2.3.4.5 ", "1..2.3 ",
		"2001:0db8:0001:0000:0000:0000:0000:003a ", "2001:0DB8:0001:0000:0000:0000:0000:003A", "2001:db8::1 ",
		"0000:0000:0000:0000:0000:ffff:c000:0201 ", "::ffff:192.0.2.1 ", "fe80::1%eth0 ", "2001:0db8:0001:0000:0000:0000:0000:003a:"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, i := addrAt(b, 0)
		text := b
		if sp := bytes.IndexByte(b, ' '); sp >= 0 {
			text = b[:sp]
		}
		want, err := netip.ParseAddr(string(text))
		if err == nil && want.Zone() != "" {
			err = fmt.Errorf("zone")
		}
		if (i >= 0) != (err == nil) || (err == nil && got != want) {
			t.Fatalf("%q: %v %d, netip %v %v", b, got, i, want, err)
		}
		if i >= 0 && i != min(len(text)+1, len(b)) {
			t.Fatalf("%q: read to %d", b, i)
		}
	})
}

// FuzzUptimeStamp holds the one-pass uptime reader to the reading it
// replaced (uptimeRef).
func FuzzUptimeStamp(f *testing.F) {
	for _, s := range []string{"[  463.251762] x", "[0.5]", "[.5]", "[5.]", "[ 12.1234567891234]", "[8589934592.0]", "[8589934593.0]",
		"[ 1 .5]", "[1.5 ]", "[]1.5]", "[12345678901234567890.1]", "[00000000000000000000001.1]", "[1,5]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d1, n1, ok1 := uptimeStamp(b)
		d2, n2, ok2 := uptimeRef(b)
		if d1 != d2 || n1 != n2 || ok1 != ok2 {
			t.Fatalf("%q: %v %d %v, before %v %d %v", b, d1, n1, ok1, d2, n2, ok2)
		}
	})
}

// uptimeRef is uptimeStamp as it was before its one-pass form.
func uptimeRef(b []byte) (time.Duration, int, bool) {
	if len(b) < 4 || b[0] != '[' {
		return 0, 0, false
	}
	end := bytes.IndexByte(b, ']')
	if end < 0 {
		return 0, 0, false
	}
	in := bytes.TrimLeft(b[1:end], " ")
	dot := bytes.IndexByte(in, '.')
	if dot <= 0 {
		return 0, 0, false
	}
	sec, ok1 := decimal(in[:dot], 1<<33)
	ns, used := fraction(in[dot:])
	if !ok1 || used != len(in)-dot {
		return 0, 0, false
	}
	return time.Duration(sec)*time.Second + time.Duration(ns), end + 1, true
}
