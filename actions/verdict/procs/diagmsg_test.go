package procs

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"
)

// encodeDiag builds a struct inet_diag_msg as the kernel sends it, with
// an INET_DIAG_SKV6ONLY attribute for AF_INET6.
func encodeDiag(m diagMsg) []byte {
	b := make([]byte, sizeofMsg)
	b[0], b[1] = m.Family, m.State
	putSockID(b[4:], m.Family, m.ID)
	binary.NativeEndian.PutUint32(b[64:], m.UID)
	binary.NativeEndian.PutUint32(b[68:], m.Inode)
	if m.Family == unix.AF_INET6 {
		attr := make([]byte, 8) // 5 bytes and padding
		binary.NativeEndian.PutUint16(attr[0:], 5)
		binary.NativeEndian.PutUint16(attr[2:], attrSKV6Only)
		if m.V6Only {
			attr[4] = 1
		}
		b = append(b, attr...)
	}
	return b
}

// marshalReq encodes a request with putReq, over a buffer dirtied
// first: the request buffer of a diagConn is reused, so putReq must
// write every byte.
func marshalReq(family, proto uint8, id sockID) []byte {
	b := bytes.Repeat([]byte{0xaa}, sizeofReq)
	putReq(b, family, proto, id)
	return b
}

func TestDiagRoundTrip(t *testing.T) {
	ap := netip.MustParseAddrPort
	cases := []diagMsg{
		{Family: unix.AF_INET, State: 2, ID: sockID{Src: ap("198.51.100.7:40000"), Dst: ap("203.0.113.9:443"), If: 3, Cookie: 0x1122334455667788}, UID: 1000, Inode: 642274},
		{Family: unix.AF_INET6, State: 7, ID: sockID{Src: ap("[2001:db8::1]:53"), Dst: ap("[::]:0")}, UID: 0, Inode: 1, V6Only: true},
		{Family: unix.AF_INET6, State: 1, ID: sockID{Src: ap("[::ffff:198.51.100.7]:1"), Dst: ap("[::ffff:203.0.113.9]:65535")}, UID: 1<<32 - 1, Inode: 1<<32 - 1},
	}
	for _, want := range cases {
		got, err := parseDiag(encodeDiag(want))
		if err != nil || got != want {
			t.Errorf("parseDiag(encodeDiag(%+v)) = %+v, %v", want, got, err)
		}
	}
}

func TestMarshalReq(t *testing.T) {
	// The layout linux/inet_diag.h gives struct inet_diag_req_v2.
	id := sockID{Src: netip.MustParseAddrPort("198.51.100.7:258"), Dst: netip.MustParseAddrPort("203.0.113.9:772"), If: 5, Cookie: noCookie}
	b := marshalReq(unix.AF_INET, unix.IPPROTO_UDP, id)
	if len(b) != 56 || b[0] != unix.AF_INET || b[1] != unix.IPPROTO_UDP || b[2] != 0 || b[3] != 0 {
		t.Fatalf("header % x", b[:4])
	}
	checks := []struct {
		name string
		off  int
		want []byte
	}{
		{"states", 4, binary.NativeEndian.AppendUint32(nil, allStates)},
		{"sport big-endian", 8, []byte{1, 2}},
		{"dport big-endian", 10, []byte{3, 4}},
		{"src", 12, []byte{198, 51, 100, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"dst", 28, []byte{203, 0, 113, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"if", 44, binary.NativeEndian.AppendUint32(nil, 5)},
		{"cookie", 48, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	}
	for _, c := range checks {
		if got := b[c.off : c.off+len(c.want)]; string(got) != string(c.want) {
			t.Errorf("%s: % x, want % x", c.name, got, c.want)
		}
	}
	b6 := marshalReq(unix.AF_INET6, unix.IPPROTO_TCP, id)
	if want := []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 7}; string(b6[12:28]) != string(want) {
		t.Errorf("v4-mapped src % x, want % x", b6[12:28], want)
	}
}

func TestParseDiagErrors(t *testing.T) {
	good := encodeDiag(diagMsg{Family: unix.AF_INET6, ID: sockID{Src: netip.MustParseAddrPort("[::1]:1"), Dst: netip.MustParseAddrPort("[::1]:2")}})
	cases := []struct {
		name string
		b    []byte
	}{
		{"short", good[:71]},
		{"family", append([]byte{99}, good[1:]...)},
		{"attribute cut", good[:sizeofMsg+3]},
		{"attribute too long", append(append([]byte{}, good[:sizeofMsg]...), 9, 0, 11, 0, 1)},
		{"attribute too short", append(append([]byte{}, good[:sizeofMsg]...), 2, 0, 11, 0)},
	}
	for _, c := range cases {
		if m, err := parseDiag(c.b); err == nil {
			t.Errorf("%s: parsed as %+v", c.name, m)
		}
	}
}

func TestMatchScore(t *testing.T) {
	ap := netip.MustParseAddrPort
	v4 := Tuple{Proto: ProtoUDP, Src: ap("198.51.100.7:5000"), Dst: ap("203.0.113.9:53")}
	v6 := Tuple{Proto: ProtoUDP, Src: ap("[2001:db8::7]:5000"), Dst: ap("[2001:db8::9]:53")}
	tcp := Tuple{Proto: ProtoTCP, Src: v4.Src, Dst: v4.Dst}
	in4 := func(src, dst string) diagMsg {
		return diagMsg{Family: unix.AF_INET, ID: sockID{Src: ap(src), Dst: ap(dst)}}
	}
	in6 := func(src, dst string, v6only bool) diagMsg {
		return diagMsg{Family: unix.AF_INET6, ID: sockID{Src: ap(src), Dst: ap(dst)}, V6Only: v6only}
	}
	cases := []struct {
		name string
		t    Tuple
		m    diagMsg
		want int
	}{
		{"connected bound", v4, in4("198.51.100.7:5000", "203.0.113.9:53"), 7},
		{"unconnected bound", v4, in4("198.51.100.7:5000", "0.0.0.0:0"), 3},
		{"unconnected wildcard", v4, in4("0.0.0.0:5000", "0.0.0.0:0"), 1},
		{"connected elsewhere", v4, in4("198.51.100.7:5000", "203.0.113.10:53"), -1},
		{"other port", v4, in4("198.51.100.7:5001", "0.0.0.0:0"), -1},
		{"other address", v4, in4("198.51.100.8:5000", "0.0.0.0:0"), -1},
		{"dual-stack wildcard", v4, in6("[::]:5000", "[::]:0", false), 0},
		{"dual-stack mapped connected", v4, in6("[::ffff:198.51.100.7]:5000", "[::ffff:203.0.113.9]:53", false), 6},
		{"v6only wildcard", v4, in6("[::]:5000", "[::]:0", true), -1},
		{"v6 bound", v6, in6("[2001:db8::7]:5000", "[::]:0", true), 2},
		{"v6 wildcard", v6, in6("[::]:5000", "[::]:0", false), 0},
		{"tcp connected", tcp, in4("198.51.100.7:5000", "203.0.113.9:53"), 7},
		{"tcp listener", tcp, in4("0.0.0.0:5000", "0.0.0.0:0"), -1},
	}
	for _, c := range cases {
		if got := matchScore(c.t, c.m); got != c.want {
			t.Errorf("%s: matchScore = %d, want %d", c.name, got, c.want)
		}
	}
}
