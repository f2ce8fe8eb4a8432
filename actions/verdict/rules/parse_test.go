package rules

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestParseLine(t *testing.T) {
	until := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	sha := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	tests := []struct {
		line string
		want Rule
		str  string // String(), when not line itself
	}{
		{line: "allow exe=/usr/bin/curl dst=203.0.113.2 port=80 proto=tcp user=alice",
			want: Rule{Action: Allow, Exe: "/usr/bin/curl", Dst: netip.MustParsePrefix("203.0.113.2/32"), Ports: PortRange{80, 80}, Proto: 6, User: "alice", UID: 1000}},
		{line: "deny exe=any dst=198.51.100.0/24",
			want: Rule{Action: Deny, Dst: netip.MustParsePrefix("198.51.100.0/24")}},
		{line: "reject exe=unknown",
			want: Rule{Action: Reject, Exe: UnknownExe}},
		{line: `allow exe="/opt/My App/bin/app" host=example.org port=443 proto=tcp note="added by alice"`,
			want: Rule{Action: Allow, Exe: "/opt/My App/bin/app", Host: "example.org", Ports: PortRange{443, 443}, Proto: 6, Note: "added by alice"}},
		{line: "allow exe=/usr/bin/ssh port=22 until=2026-11-22T12:00:00Z",
			want: Rule{Action: Allow, Exe: "/usr/bin/ssh", Ports: PortRange{22, 22}, Lifetime: Timed, Until: until}},
		{line: "allow exe=/usr/bin/firefox sha256=" + sha + " port=80-443",
			want: Rule{Action: Allow, Exe: "/usr/bin/firefox", SHA256: sha, Ports: PortRange{80, 443}}},
		{line: "allow", want: Rule{Action: Allow}, str: "allow exe=any"},
		{line: "  DENY\tuser=1001   # a comment", want: Rule{Action: Deny, User: "1001", UID: 1001}, str: "deny exe=any user=1001"},
		{line: "allow exe=any#comment right after", want: Rule{Action: Allow}, str: "allow exe=any"},
		{line: `allow note="a # is not a comment in quotes"`, want: Rule{Action: Allow, Note: "a # is not a comment in quotes"},
			str: `allow exe=any note="a # is not a comment in quotes"`},
		{line: `allow note="tab\there \u00e9\x01"`, want: Rule{Action: Allow, Note: "tab\there é\x01"}, str: `allow exe=any note="tab\there é\x01"`},
		{line: "allow note=héhé", want: Rule{Action: Allow, Note: "héhé"}, str: "allow exe=any note=héhé"},
		{line: "allow exe=ANY sha256=" + strings.ToUpper(sha) + " host=Example.ORG",
			want: Rule{Action: Allow, SHA256: sha, Host: "example.org"}, str: "allow exe=any sha256=" + sha + " host=example.org"},
		{line: "allow dst=10.1.2.3/8", want: Rule{Action: Allow, Dst: netip.MustParsePrefix("10.0.0.0/8")}, str: "allow exe=any dst=10.0.0.0/8"},
		{line: "allow dst=::ffff:192.0.2.1", want: Rule{Action: Allow, Dst: netip.MustParsePrefix("192.0.2.1/32")}, str: "allow exe=any dst=192.0.2.1"},
		{line: "allow dst=::ffff:192.0.2.0/120", want: Rule{Action: Allow, Dst: netip.MustParsePrefix("192.0.2.0/24")}, str: "allow exe=any dst=192.0.2.0/24"},
		{line: "allow exe=any dst=2001:db8::/32 proto=udp port=53", want: Rule{Action: Allow, Dst: netip.MustParsePrefix("2001:db8::/32"), Proto: 17, Ports: PortRange{53, 53}},
			str: "allow exe=any dst=2001:db8::/32 port=53 proto=udp"},
		{line: "allow dst=2001:db8::1", want: Rule{Action: Allow, Dst: netip.MustParsePrefix("2001:db8::1/128")}, str: "allow exe=any dst=2001:db8::1"},
		{line: "allow proto=icmpv6", want: Rule{Action: Allow, Proto: 58}, str: "allow exe=any proto=icmpv6"},
		{line: "allow proto=47", want: Rule{Action: Allow, Proto: 47}, str: "allow exe=any proto=gre"},
		{line: "allow proto=99", want: Rule{Action: Allow, Proto: 99}, str: "allow exe=any proto=99"},
		{line: "allow proto=any port=0-1023", want: Rule{Action: Allow, Ports: PortRange{0, 1023}}, str: "allow exe=any port=0-1023"},
		{line: "allow exe=/bin/x idle=10m", want: Rule{Action: Allow, Exe: "/bin/x", Lifetime: Session, Idle: 10 * time.Minute}, str: "allow exe=/bin/x idle=10m0s"},
		{line: "allow lifetime=session", want: Rule{Action: Allow, Lifetime: Session}, str: "allow exe=any lifetime=session"},
		{line: "allow lifetime=once", want: Rule{Action: Allow, Lifetime: Once}, str: "allow exe=any lifetime=once"},
		{line: "allow lifetime=permanent", want: Rule{Action: Allow}, str: "allow exe=any"},
		{line: "allow lifetime=timed until=2026-11-22T13:00:00+01:00", want: Rule{Action: Allow, Lifetime: Timed, Until: until},
			str: "allow exe=any until=2026-11-22T12:00:00Z"},
		{line: "allow created=2026-11-21T08:00:00.5Z", want: Rule{Action: Allow, Created: t0.Add(500 * time.Millisecond)},
			str: "allow exe=any created=2026-11-21T08:00:00.5Z"},
	}
	for _, tt := range tests {
		got, err := ParseLine(tt.line, testUsers)
		if err != nil {
			t.Errorf("ParseLine(%q): %v", tt.line, err)
			continue
		}
		if !sameRule(got, tt.want) {
			t.Errorf("ParseLine(%q)\n got %+v\nwant %+v", tt.line, got, tt.want)
		}
		want := tt.str
		if want == "" {
			want = tt.line
		}
		if got.String() != want {
			t.Errorf("ParseLine(%q).String()\n got %s\nwant %s", tt.line, got.String(), want)
		}
		again, err := ParseLine(got.String(), testUsers)
		if err != nil || again != got {
			t.Errorf("String() of %q does not read back: %v\n%+v\n%+v", tt.line, err, again, got)
		}
	}
}

func TestParseLineErrors(t *testing.T) {
	tests := []struct {
		line string
		key  string // the FieldError's key; "" when not a FieldError
		msg  string // substring of the message
	}{
		{"", "action", "empty rule"},
		{"# only a comment", "action", "empty rule"},
		{"permit exe=any", "action", `bad action "permit"`},
		{"allow exe", "", `"exe": want key=value`},
		{"allow =x", "", `"": bad key`},
		{"allow EXE=/bin/x", "", `"EXE": bad key`},
		{"allow frob=1", "frob", "unknown key (keys: exe, sha256"},
		{"allow exe=/a exe=/b", "exe", "repeated"},
		{"allow exe=", "exe", "empty value"},
		{`allow exe=""`, "exe", "empty value"},
		{`allow note="abc`, "note", "unterminated"},
		{`allow note="a\qb"`, "note", "bad quoted value"},
		{`allow note="ab"c`, "note", "blank expected after the closing quote"},
		{`allow note=a"b`, "note", "quote inside an unquoted value"},
		{"allow note=a\x01b", "note", "control character"},
		{"allow exe=usr/bin/curl", "exe", "want an absolute path"},
		{"allow exe=/usr/bin/../bin/curl", "exe", "not a clean path (/usr/bin/curl)"},
		{"allow exe=/usr/bin/", "exe", "not a clean path"},
		{"allow exe=unknown sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "sha256", "never matches with exe=unknown"},
		{"allow sha256=abc", "sha256", "64 lowercase hex"},
		{"allow dst=any", "dst", "leave dst out"},
		{"allow dst=10.0.0.300", "dst", "want an address or CIDR"},
		{"allow dst=10.0.0.0/33", "dst", "want an address or CIDR"},
		{"allow dst=fe80::1%eth0", "dst", "zones"},
		{"allow host=192.0.2.1", "host", "an address, write dst=192.0.2.1"},
		{"allow host=a..b", "host", "not a host name"},
		{"allow host=a/b", "host", "not a lowercase host name"},
		{"allow port=http", "port", "want a port"},
		{"allow port=70000", "port", "want a port"},
		{"allow port=443-80", "port", "upside down"},
		{"allow port=0", "port", "leave port out"},
		{"allow port=80 proto=icmp", "port", "icmp has no ports"},
		{"allow proto=bogus", "proto", `bad protocol "bogus"`},
		{"allow user=carol", "user", `unknown user "carol": no such user`},
		{"allow user=99999999999", "user", "out of range"},
		{"allow until=tomorrow", "until", "RFC 3339"},
		{"allow until=0000-01-01T00:00:00+01:00", "until", "year out of range"},
		{"allow idle=5", "idle", "want a duration"},
		{"allow idle=-5s", "idle", "want a duration"},
		{"allow until=2026-11-22T12:00:00Z idle=1m", "idle", "not both"},
		{"allow lifetime=forever", "lifetime", "bad lifetime"},
		{"allow lifetime=timed", "lifetime", "timed needs until"},
		{"allow lifetime=once until=2026-11-22T12:00:00Z", "lifetime", "until makes the rule timed"},
		{"allow lifetime=permanent idle=1m", "lifetime", "idle makes the rule session"},
		{"allow created=now", "created", "RFC 3339"},
		{"allow\nexe=/bin/x", "action", `bad action "allow\nexe=/bin/x"`},
		{"allow, exe=any", "action", `bad action "allow,"`},
		{"allow\r", "action", `bad action "allow\r"`},
	}
	for _, tt := range tests {
		_, err := ParseLine(tt.line, testUsers)
		if err == nil {
			t.Errorf("ParseLine(%q) did not fail", tt.line)
			continue
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ParseLine(%q) = %q, want it to contain %q", tt.line, err, tt.msg)
		}
		var fe *FieldError
		switch {
		case tt.key == "" && errors.As(err, &fe):
			t.Errorf("ParseLine(%q): unexpected FieldError %v", tt.line, err)
		case tt.key != "" && (!errors.As(err, &fe) || fe.Key != tt.key || !errors.Is(err, ErrInvalid)):
			t.Errorf("ParseLine(%q) = %v, want a FieldError for key %q", tt.line, err, tt.key)
		}
	}
}

func TestParseFile(t *testing.T) {
	const file = `# my rules

allow exe=/usr/bin/curl port=80 proto=tcp   # web
  # indented comment
deny exe=any dst=198.51.100.0/24
reject exe=unknown` + "\r\n"
	rs, err := Parse(strings.NewReader(file), "rules", testUsers)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"allow exe=/usr/bin/curl port=80 proto=tcp",
		"deny exe=any dst=198.51.100.0/24",
		"reject exe=unknown",
	}
	if len(rs) != len(want) {
		t.Fatalf("got %d rules, want %d", len(rs), len(want))
	}
	for i := range rs {
		if rs[i].String() != want[i] {
			t.Errorf("rule %d = %s, want %s", i, rs[i], want[i])
		}
	}
}

func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string // the joined errors, one a line
	}{
		{"one", "allow\nallow frob=1\n", []string{"one:2: frob: unknown key (keys: " + keys + ")"}},
		{"several", "allow port=x\n\n# c\ndeny exe=/a exe=/b\nallow\n", []string{
			`several:1: port: "x": want a port 0-65535 or a range LO-HI`,
			"several:4: exe: repeated",
		}},
		{"duplicate", "allow exe=/a note=x\ndeny\nallow exe=/a note=y created=2026-01-01T00:00:00Z\n", []string{
			"duplicate:3: same rule as line 1: rules: identical rule already present",
		}},
		{"toolong", "allow\nallow note=" + strings.Repeat("x", maxLine) + "\n", []string{
			"toolong:2: bufio.Scanner: token too long",
		}},
	}
	for _, tt := range tests {
		rs, err := Parse(strings.NewReader(tt.file), tt.name, testUsers)
		if err == nil || rs != nil {
			t.Errorf("%s: Parse = %d rules, %v", tt.name, len(rs), err)
			continue
		}
		if got := err.Error(); got != strings.Join(tt.want, "\n") {
			t.Errorf("%s: error\n%s\nwant\n%s", tt.name, got, strings.Join(tt.want, "\n"))
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.File != tt.name {
			t.Errorf("%s: %v is not a *ParseError", tt.name, err)
		}
	}
}

func TestParseFileErrorLimit(t *testing.T) {
	_, err := Parse(strings.NewReader(strings.Repeat("bad\n", 100)), "f", nil)
	if n := strings.Count(err.Error(), "\n") + 1; n != maxErrors {
		t.Errorf("%d errors reported, want %d", n, maxErrors)
	}
}

func TestProtoNamesRoundTrip(t *testing.T) {
	for _, name := range []string{"any", "tcp", "udp", "icmp", "icmpv6", "sctp", "udplite", "gre", "esp", "ah", "99"} {
		p, err := ParseProto(name)
		if err != nil || ProtoName(p) != name {
			t.Errorf("%s → %d, %v → %s", name, p, err, ProtoName(p))
		}
	}
	if p, _ := ParseProto("ICMP6"); p != ProtoICMPv6 {
		t.Errorf("icmp6: %d", p)
	}
}
