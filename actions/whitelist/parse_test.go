package whitelist

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	pp := netip.MustParsePrefix
	tests := []struct {
		name string
		in   string
		want []Entry
	}{
		{"empty", "", nil},
		{"comments and blanks", "# a\n\n   # b\n\t\n", nil},
		{"address", "192.0.2.1\n", []Entry{{Text: "192.0.2.1", Prefixes: []netip.Prefix{pp("192.0.2.1/32")}, Line: 1}}},
		{"no final newline", "# x\n2001:db8::1", []Entry{{Text: "2001:db8::1", Prefixes: []netip.Prefix{pp("2001:db8::1/128")}, Line: 2}}},
		{"network masked", "192.0.2.77/24  # lab\n", []Entry{{Text: "192.0.2.77/24", Prefixes: []netip.Prefix{pp("192.0.2.0/24")}, Line: 1, Comment: "lab"}}},
		{"mapped", "::ffff:192.0.2.1\n::ffff:192.0.2.0/120\n", []Entry{
			{Text: "::ffff:192.0.2.1", Prefixes: []netip.Prefix{pp("192.0.2.1/32")}, Line: 1},
			{Text: "::ffff:192.0.2.0/120", Prefixes: []netip.Prefix{pp("192.0.2.0/24")}, Line: 2}}},
		{"host", "  Mail.Example.org.\t# relay # really\r\n", []Entry{{Text: "Mail.Example.org.", Line: 1, Comment: "relay # really", Host: true}}},
		{"crlf", "192.0.2.1\r\n", []Entry{{Text: "192.0.2.1", Prefixes: []netip.Prefix{pp("192.0.2.1/32")}, Line: 1}}},
		{"single label host", "gateway\n", []Entry{{Text: "gateway", Line: 1, Host: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("wl", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, tt.want, entryEqual) {
				t.Errorf("Parse = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func entryEqual(a, b Entry) bool {
	return a.Text == b.Text && a.Line == b.Line && a.Comment == b.Comment && a.Host == b.Host &&
		slices.Equal(a.Prefixes, b.Prefixes) && a.Err == b.Err
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // one per error, in order
	}{
		{"bad address", "# ok\n10.0.0.256\n", []string{"wl:2: \"10.0.0.256\": not an IP address"}},
		{"bad prefix length", "10.0.0.0/33\n", []string{"wl:1: \"10.0.0.0/33\""}},
		{"two per line", "10.0.0.1 10.0.0.2\n", []string{"wl:1:", "one entry per line"}},
		{"zone", "fe80::1%eth0\n", []string{"wl:1:", "zone"}},
		{"zone in prefix", "fe80::1%eth0/64\n", []string{"wl:1:", "zone"}},
		{"bad host", "-bad-.example\n", []string{"wl:1:", "not an IP address"}},
		{"underscore ok, slash bad", "a_b.example\nhost/x\n", []string{"wl:2:"}},
		{"control", "a\x00b\n", []string{"wl:1:", "control characters"}},
		{"long line", strings.Repeat("a", MaxLineLength+1) + "\n", []string{"wl:1:", "longer than"}},
		{"several", "x..y\nok.example\n300.1.1.1\n", []string{"wl:1:", "wl:3:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("wl", []byte(tt.in))
			if err == nil || !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse = %v, want a syntax error", err)
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.File != "wl" || se.Line == 0 {
				t.Errorf("error %v: no *SyntaxError with file and line", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not hold %q", err, w)
				}
			}
		})
	}
}

func TestParseTooMany(t *testing.T) {
	in := strings.Repeat("bad..name\n", 100)
	_, err := Parse("wl", []byte(in))
	if n := strings.Count(err.Error(), "\n") + 1; n != maxErrors {
		t.Errorf("%d errors reported, want %d", n, maxErrors)
	}
	if _, err := Parse("wl", make([]byte, MaxFileSize+1)); err == nil {
		t.Error("a file over MaxFileSize parsed")
	}
}

func TestEntryKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"10.0.0.1", "10.0.0.1/32"},
		{"10.0.0.1", "::ffff:10.0.0.1"},
		{"10.0.0.0/24", "10.0.0.9/24"},
		{"2001:db8::1", "2001:DB8:0::1/128"},
		{"Host.Example.", "host.example"},
	}
	for _, tt := range tests {
		ka, err1 := entryKey(tt.a)
		kb, err2 := entryKey(tt.b)
		if err1 != nil || err2 != nil || ka != kb {
			t.Errorf("entryKey(%q) = %q, %v; entryKey(%q) = %q, %v: want equal", tt.a, ka, err1, tt.b, kb, err2)
		}
	}
}

func TestParseResolvConf(t *testing.T) {
	servers, bad := parseResolvConf([]byte(testResolvConf))
	want := []netip.Addr{netip.MustParseAddr("9.9.9.9"), netip.MustParseAddr("2620:fe::fe"), netip.MustParseAddr("fe80::53")}
	if !slices.Equal(servers, want) {
		t.Errorf("servers = %v, want %v", servers, want)
	}
	if !slices.Equal(bad, []int{6, 7}) {
		t.Errorf("bad lines = %v, want [6 7]", bad)
	}
}
