package dnsnames

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	b := wire(0x1234, true, "WWW.Test.Example.", TypeA,
		cname("www.test.example", "edge.test.example", 30), a("edge.test.example", "198.51.100.7", 60),
		rr{name: "x.test.example", typ: 16, ttl: 1, addr: "192.0.2.1"}) // a TXT-typed record: skipped
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != 0x1234 || !m.Response || m.Name != "www.test.example" || m.Type != TypeA || m.Class != ClassIN {
		t.Errorf("header/question = %+v", m)
	}
	if len(m.Answers) != 2 || m.Answers[0].Target != "edge.test.example" ||
		m.Answers[1].Addr != netip.MustParseAddr("198.51.100.7") || m.Answers[1].TTL != 60 {
		t.Errorf("answers = %+v", m.Answers)
	}
}

func TestParseCompression(t *testing.T) {
	b := wire(1, true, "www.test.example", TypeAAAA)
	b[7] = 1 // one answer: name is a pointer to the question (offset 12)
	b = append(b, 0xc0, 12, 0, byte(TypeAAAA), 0, 1, 0, 0, 0, 9, 0, 16)
	b = append(b, netip.MustParseAddr("2001:db8::5").AsSlice()...)
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Answers) != 1 || m.Answers[0].Name != "www.test.example" {
		t.Errorf("answers = %+v", m.Answers)
	}
}

func TestParseRefuses(t *testing.T) {
	good := wire(1, true, "a.test.example", TypeA, a("a.test.example", "192.0.2.1", 5))
	loop := wire(1, true, "a.test.example", TypeA)
	loop[7] = 1
	loop = append(loop, 0xc0, byte(len(loop))) // points at itself
	forward := wire(1, true, "a.test.example", TypeA)
	forward[7] = 1
	forward = append(forward, 0xc0, 0xff)
	long := wire(1, false, strings.Repeat("abcdefghij.", 26)+"x", TypeA)
	two := wire(1, false, "a.test.example", TypeA)
	two[5] = 2
	for _, tt := range []struct {
		name string
		b    []byte
	}{
		{"short header", good[:11]},
		{"cut question", good[:20]},
		{"cut record", good[:len(good)-2]},
		{"pointer loop", loop},
		{"forward pointer", forward},
		{"name over 255 bytes", long},
		{"two questions", two},
		{"too long", make([]byte, MaxMessage+1)},
	} {
		if _, err := Parse(tt.b); !errors.Is(err, ErrMessage) {
			t.Errorf("%s: err = %v, want ErrMessage", tt.name, err)
		}
	}
}

// TestParseBadNames: a question that is not a host name is refused, a
// record with such a name is kept without one (Name "").
func TestParseBadNames(t *testing.T) {
	dot := wire(1, true, "a.test.example", TypeA)
	dot[12] = 3 // "a.t" as one label: "\x03a.t" ...
	dot = append(dot[:13], append([]byte("a.t"), dot[14:]...)...)
	if _, err := Parse(dot); err == nil {
		t.Error("a dot inside a label was taken")
	}
	for _, bad := range []string{"a b.example", "a\x00.example", "é.example"} {
		b := wire(1, true, "x", TypeA)
		b = append(b[:12], append(appendName(nil, bad), b[14:]...)...)
		if _, err := Parse(b); err == nil {
			t.Errorf("question %q taken", bad)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Example.COM.": "example.com", "a_b-c.d": "a_b-c.d", ".": "", "": "", "a..b": "", ".a": "",
		"a.b.": "a.b", strings.Repeat("a", 64) + ".b": "", strings.Repeat("a", 63) + ".b": strings.Repeat("a", 63) + ".b",
		"a*.b": "", "a/b": "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
