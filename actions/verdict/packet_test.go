package verdict

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

// Headers written out by hand, as the kernel queues them.
const (
	syn4 = "45000028000040004006" + "0000" + "c6336401" + "cb007102" + // IPv4 198.51.100.1 → 203.0.113.2
		"a0f40050" + "00000000000000005002ffff00000000" // TCP 41204 → 80
	udp4  = "4500001c000040004011" + "0000" + "c6336401cb007102" + "d43100350008" + "0000"   // UDP 54321 → 53
	frag4 = "450000280000" + "0010" + "4006" + "0000" + "c6336401" + "cb007102" + "a0f40050" // offset 16: no ports
	syn6  = "6000000000140640" + "20010db8000000000000000000000001" + "20010db8000000000000000000000002" +
		"a0f401bb" + "00000000000000005002ffff00000000" // TCP 41204 → 443
	frag6 = "6000000000102c40" + "20010db8000000000000000000000001" + "20010db8000000000000000000000002" +
		"1100000100000001" + // fragment header: next UDP, offset 0, more fragments
		"d43100350008" + "0000"
	hop6 = "6000000000100040" + "20010db8000000000000000000000001" + "20010db8000000000000000000000002" +
		"1100000000000000" + // hop-by-hop, next UDP, 8 bytes
		"d43100350008" + "0000"
	icmp4 = "4500001c000040004001" + "0000" + "c6336401" + "cb007102" + "0800f7ff00000000"
)

func mustHex(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	cases := []struct {
		name, hex, want string
	}{
		{"ipv4 tcp", syn4, "6 198.51.100.1:41204 203.0.113.2:80"},
		{"ipv4 udp", udp4, "17 198.51.100.1:54321 203.0.113.2:53"},
		{"ipv4 later fragment", frag4, "6 198.51.100.1:0 203.0.113.2:0"},
		{"ipv4 icmp", icmp4, "1 198.51.100.1:0 203.0.113.2:0"},
		{"ipv6 tcp", syn6, "6 [2001:db8::1]:41204 [2001:db8::2]:443"},
		{"ipv6 first fragment udp", frag6, "17 [2001:db8::1]:54321 [2001:db8::2]:53"},
		{"ipv6 hop-by-hop udp", hop6, "17 [2001:db8::1]:54321 [2001:db8::2]:53"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tu, err := Decode(mustHex(t, c.hex))
			if err != nil {
				t.Fatal(err)
			}
			if got := tupleString(tu.Proto, tu.Src.String(), tu.Dst.String()); got != c.want {
				t.Errorf("%s, want %s", got, c.want)
			}
		})
	}
}

func tupleString(p uint8, src, dst string) string {
	return strings.Join([]string{itoa(int(p)), src, dst}, " ")
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestDecodeRefuses(t *testing.T) {
	for _, h := range []string{"", "45", "4f00", "50000000", "6000", strings.Repeat("00", 40),
		"6000000000000000" + strings.Repeat("00", 32) + strings.Repeat("00", 8)} {
		_, err := Decode(mustHex(t, h))
		if !errors.Is(err, ErrPacket) {
			t.Errorf("%q: %v, want ErrPacket", h, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{syn4, udp4, frag4, syn6, hop6, icmp4, frag6} {
		f.Add(mustHex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tu, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrPacket) {
				t.Fatalf("error %v does not wrap ErrPacket", err)
			}
			return
		}
		if tu.Src.Addr().Is4() != tu.Dst.Addr().Is4() || !tu.Src.Addr().IsValid() {
			t.Fatalf("bad tuple %+v", tu)
		}
		if (b[0]>>4 == 4) != tu.Src.Addr().Is4() {
			t.Fatalf("family %d, tuple %+v", b[0]>>4, tu)
		}
	})
}
