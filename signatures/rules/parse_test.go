package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/ifw/ifw/sources"
)

const head = `id=1 level=2 name="t" `

// TestParseKeywords: each keyword, with a packet it must match and one it
// must not.
func TestParseKeywords(t *testing.T) {
	tests := []struct {
		conds     string
		hit, miss *sources.Packet
	}{
		{"proto=tcp", syn(80), udp(80)},
		{"proto=6", syn(80), icmp(8, 0)},
		{"proto=udp,udplite", udp(53), syn(53)},
		{"proto!=tcp", udp(80), syn(80)},
		{"proto=icmp6", icmp6(128, 0), icmp(8, 0)},
		{"proto=ipv6-icmp", icmp6(128, 0), icmp(8, 0)},
		{"family=6", icmp6(128, 0), icmp(8, 0)},
		{"family=ipv4", icmp(8, 0), icmp6(128, 0)},
		{"sport=40000", syn(80), sport(syn(80), 40001)},
		{"dport=23,2323", syn(2323), syn(2324)},
		{"dport=6660-6669", syn(6660), syn(6670)},
		{"dport=1024-", syn(65535), syn(1023)},
		{"dport=-1023", syn(0), syn(1024)},
		{"dport=!80", syn(81), syn(80)},
		{"dport!=80,443", syn(81), syn(443)},
		{"dport=1-1000,!80", syn(79), syn(80)},
		{"dport<1024", syn(1023), syn(1024)},
		{"dport<=1024", syn(1024), syn(1025)},
		{"dport>1024", syn(1025), syn(1024)},
		{"dport>=1024", syn(1024), syn(1023)},
		{"dport=<10,>60000", syn(9), syn(10)},
		{"dport=80", syn(80), frag(sources.ProtoTCP, 10, 100)},
		{"dport!=80", syn(81), frag(sources.ProtoTCP, 10, 100)},
		{"flags=SF", tcp(sources.SYN|sources.FIN, 1), tcp(sources.SYN|sources.FIN|ack, 1)},
		{"flags=+SF", tcp(sources.SYN|sources.FIN|ack, 1), syn(1)},
		{"flags=SF+", tcp(sources.SYN|sources.FIN|ack, 1), syn(1)},
		{"flags=*SF", tcp(sources.FIN|ack, 1), tcp(ack, 1)},
		{"flags=!A", syn(1), tcp(ack, 1)},
		{"flags=S,EC", synECN(1), tcp(sa, 1)},
		{"flags=S,12", synECN(1), tcp(sa, 1)},
		{"flags=s", syn(1), synECN(1)},
		{"flags=0", tcp(0, 1), tcp(sources.FIN, 1)},
		{"flags=0,EC", tcp(sources.ECE, 1), tcp(sources.FIN, 1)},
		{"flags=+F flags=!A", tcp(sources.FIN|sources.PSH, 1), tcp(sources.FIN|ack, 1)},
		{"flags=*FS flags=!A", tcp(sources.FIN, 1), tcp(sources.FIN|ack, 1)},
		{"flags=S", syn(1), udp(1)},
		{"fragbits=+M", ipFlags(udp(1), sources.FlagMF, 100), udp(1)},
		{"fragbits=!D", udp(1), syn(1)},
		{"fragbits=D", syn(1), ipFlags(syn(1), sources.FlagDF|sources.FlagCE, 60)},
		{"fragbits=M,D", ipFlags(udp(1), sources.FlagMF|sources.FlagDF, 100), ipFlags(udp(1), sources.FlagMF|sources.FlagCE, 100)},
		{"window=64240", syn(1), with(syn(1), func(p *sources.Packet) { p.Window = 1024 })},
		{"window!=0", syn(1), with(syn(1), func(p *sources.Packet) { p.Window = 0 })},
		{"seq=dst", withSeq(syn(1), addrNum(victim)), withSeq(syn(1), addrNum(attacker))},
		{"seq=src", withSeq(syn(1), addrNum(attacker)), withSeq(syn(1), addrNum(victim))},
		{"seq=dst", withSeq(syn(1), addrNum(victim)), syn(1)},
		{"ack=dst", with(withSeq(syn(1), 0), func(p *sources.Packet) { p.Ack = addrNum(victim) }), withSeq(syn(1), 0)},
		{"seq=0x10", withSeq(syn(1), 16), withSeq(syn(1), 17)},
		{"ack=0", withSeq(syn(1), 5), with(withSeq(syn(1), 5), func(p *sources.Packet) { p.Ack = 1 })},
		{"ttl=0", hops(udp(1), 0), hops(udp(1), 1)},
		{"ttl<5", hops(udp(1), 4), hops(udp(1), 5)},
		{"ttl>200", hops(udp(1), 201), hops(udp(1), 200)},
		{"ttl=64-128", hops(udp(1), 64), hops(udp(1), 129)},
		{"ttl>10 ttl<20", hops(udp(1), 15), hops(udp(1), 20)},
		{"tos=0x10", with(udp(1), func(p *sources.Packet) { p.TOS = 0x10 }), udp(1)},
		{"tos=0xb8", with(udp(1), func(p *sources.Packet) { p.TOS = 0x18; p.Prec = 0xa0 }), udp(1)},
		{"ipid=54321", with(syn(1), func(p *sources.Packet) { p.ID = 54321 }), syn(1)},
		{"len>=1000", ipFlags(udp(1), 0, 1000), udp(1)},
		{"len=40-60", udp(1), ipFlags(udp(1), 0, 61)},
		{"len<100", udp(1), with(udp(1), func(p *sources.Packet) { p.Len = 0 })},
		{"dsize=0", icmpData(8, 0), icmp(8, 0)},
		{"dsize>800", icmpData(8, 801), icmpData(8, 800)},
		{"dsize=32", udp(1), withIPOpts(udp(1), 1, 1, 1, 1)},
		{"dsize=0", ipFlags(syn(1), 0, 40), ipFlags(syn(1), 0, 44)},
		{"dsize=0", ipFlags(withTCPOpts(syn(1), 2, 4, 5, 180), 0, 44), ipFlags(syn(1), 0, 44)},
		{"udplen=384", udpLen(1434, 384), udpLen(1434, 385)},
		{"fragoff=0", syn(1), frag(sources.ProtoTCP, 1, 40)},
		{"fragoff>0", frag(sources.ProtoTCP, 1, 40), syn(1)},
		{"fragend>65515", frag(sources.ProtoUDP, 8189, 40), frag(sources.ProtoUDP, 8185, 40)},
		{"ipopts=any", withIPOpts(udp(1), 1, 0, 0, 0), udp(1)},
		{"ipopts=lsrr", withIPOpts(udp(1), 1, 131, 3, 0), withIPOpts(udp(1), 7, 3, 131, 0)},
		{"ipopts=131,137", withIPOpts(udp(1), 137, 3, 0, 0), withIPOpts(udp(1), 7, 3, 0, 0)},
		{"ipopts!=rr", withIPOpts(udp(1), 68, 4, 5, 0), withIPOpts(udp(1), 7, 3, 4, 0)},
		{"ipopts=none", udp(1), withIPOpts(udp(1), 1, 0, 0, 0)},
		{"tcpopts=md5", withTCPOpts(syn(1), 1, 1, 19, 18), withTCPOpts(syn(1), 2, 4, 5, 180)},
		{"tcpopts=any", withTCPOpts(syn(1), 1), syn(1)},
		{"itype=8 icode=0", icmp(8, 0), icmp(8, 1)},
		{"itype=3 icode>15", icmp(3, 16), icmp(3, 15)},
		{"itype=8", icmp(8, 0), udp(8)},
		{"icmpid=7 icmpseq=1", icmp(8, 0), icmp(3, 0)},
		{"src=203.0.113.0/24", syn(1), from(syn(1), "203.0.114.1")},
		{"src=!203.0.113.5", from(syn(1), "203.0.113.6"), syn(1)},
		{"src!=10.0.0.0/8,192.168.0.0/16", syn(1), from(syn(1), "10.1.1.1")},
		{"src=2001:db8:1::/48", icmp6(128, 0), icmp(8, 0)},
		{"dst=198.51.100.10", syn(1), to(syn(1), "198.51.100.11")},
		{"src=0.0.0.0/0", syn(1), icmp6(128, 0)},
		{"src=::/0", icmp6(128, 0), syn(1)},
		{"dst=198.51.100.10/32,2001:db8:2::10", icmp6(128, 0), to(syn(1), "198.51.100.9")},
		{"src=!0.0.0.0/0", icmp6(128, 0), syn(1)},
		{"sameip", from(syn(1), victim.String()), syn(1)},
		{"sport=80 bidir", sport(syn(1), 80), syn(81)},
		{"sport=1234 dst=203.0.113.5 bidir", with(syn(1), func(p *sources.Packet) { p.DstPort = 1234 }), syn(1235)},
	}
	for _, tt := range tests {
		s := mustParse(t, head+tt.conds)
		r := s.ByID(1)
		if !r.Match(tt.hit) || !contains(matchIDs(s, tt.hit), 1) {
			t.Errorf("%q does not match its hit packet", tt.conds)
		}
		if r.Match(tt.miss) || contains(matchIDs(s, tt.miss), 1) {
			t.Errorf("%q matches its miss packet", tt.conds)
		}
	}
}

func TestParseMetadata(t *testing.T) {
	in := "# comment\n\n  # indented comment\n" +
		`id=7 level=5 class=backdoor name="a \"quoted\" \\ name # not a comment" \` + "\n" +
		"\tproto=tcp   # a comment\n" +
		"ID=8 LEVEL=1 NAME=\"x\" TTL=0\n"
	s := mustParse(t, in)
	r := s.ByID(7)
	if r == nil || r.Level != 5 || r.Class != "backdoor" || r.Name != `a "quoted" \ name # not a comment` || r.Origin != "test:4" {
		t.Fatalf("rule 7 = %+v", r)
	}
	if s.ByID(8) == nil || s.Len() != 2 || s.ByID(9) != nil {
		t.Fatalf("rules: %v", s.Rules())
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		line int
		msg  string
	}{
		{`id=1 level=1 name="x"`, 1, "no match condition"},
		{`level=1 name="x" ttl=0`, 1, "missing id"},
		{`id=1 level=1 ttl=0`, 1, "missing name"},
		{`id=1 name="x" ttl=0`, 1, "missing level"},
		{`id=1 level=6 name="x" ttl=0`, 1, "level 6 is not 1-5"},
		{`id=1 level=0 name="x" ttl=0`, 1, "level 0 is not 1-5"},
		{`id=0 level=1 name="x" ttl=0`, 1, "id 0 is not a positive number"},
		{`id=abc level=1 name="x" ttl=0`, 1, `id: "abc" is not a number`},
		{`id="1" level=1 name="x" ttl=0`, 1, "expected id=NUMBER"},
		{`id=1 id=2 level=1 name="x" ttl=0`, 1, "duplicate id"},
		{`id=1 level=1 name="x" name="y" ttl=0`, 1, "duplicate name"},
		{`id=1 level=1 name="" ttl=0`, 1, "empty name"},
		{`id=1 level=1 name="x" class=a class=b ttl=0`, 1, "duplicate class"},
		{"id=1 level=1 name=\"x\" ttl=0\n\nid=1 level=1 name=\"y\" ttl=1", 3, "duplicate id 1 (first at line 1)"},
		{`id=1 level=1 name="x" foo=1`, 1, `unknown keyword "foo"`},
		{`id=1 level=1 name="x" foo`, 1, `unknown keyword "foo"`},
		{`alert tcp any any -> any 80 (msg:"x"; sid:1;)`, 1, "psad files are read with ParsePsad"},
		{`id=1 level=1 name="x" dport`, 1, "dport needs a value"},
		{`id=1 level=1 name="x" sameip=1`, 1, "sameip takes no value"},
		{`id=1 level=1 name="x" dport=`, 1, "dport: empty value"},
		{`id=1 level=1 name="x" dport=70000`, 1, "dport: 70000 is out of range 0-65535"},
		{`id=1 level=1 name="x" dport=10-5`, 1, `dport: bad range "10-5"`},
		{`id=1 level=1 name="x" dport=-`, 1, `dport: bad range "-"`},
		{`id=1 level=1 name="x" dport=8x`, 1, `dport: "8x" is not a number`},
		{`id=1 level=1 name="x" dport!=!80`, 1, "dport: double negation"},
		{`id=1 level=1 name="x" ttl=300`, 1, "ttl: 300 is out of range 0-255"},
		{`id=1 level=1 name="x" ttl<0`, 1, "ttl: nothing is < 0"},
		{`id=1 level=1 name="x" ttl>255`, 1, "ttl: nothing is > 255"},
		{`id=1 level=1 name="x" ttl<1,2`, 1, `ttl: "1,2" is not a number`},
		{`id=1 level=1 name="x" ttl~5`, 1, "ttl: expected =, !=, <, >, <= or >= after it"},
		{`id=1 level=1 name="x" =5`, 1, `unexpected "=5"`},
		{`id=1 level=1 name="x" flags=SX`, 1, `flags: unknown flag 'X'`},
		{`id=1 level=1 name="x" flags=+S!A`, 1, "flags: more than one modifier"},
		{`id=1 level=1 name="x" flags=0S`, 1, "flags: bad flags"},
		{`id=1 level=1 name="x" flags=+0`, 1, "flags: bad flags"},
		{`id=1 level=1 name="x" flags=S,`, 1, "flags: empty mask"},
		{`id=1 level=1 name="x" flags=S,Q`, 1, "flags: unknown flag 'Q' in mask"},
		{`id=1 level=1 name="x" flags=+S,S`, 1, "the mask ignores every flag"},
		{`id=1 level=1 name="x" flags=SF flags=!S`, 1, "flags: contradictory flags"},
		{`id=1 level=1 name="x" flags=*S flags=*F`, 1, "flags: only one * list"},
		{`id=1 level=1 name="x" flags!=S`, 1, "expected flags=FLAGS"},
		{`id=1 level=1 name="x" fragbits=X`, 1, "fragbits: unknown flag 'X'"},
		{`id=1 level=1 name="x" proto=udp flags=S`, 1, "TCP header tests do not apply to proto udp"},
		{`id=1 level=1 name="x" proto=udp seq=dst`, 1, "TCP header tests do not apply to proto udp"},
		{`id=1 level=1 name="x" proto=icmp dport=80`, 1, "dport does not apply to proto icmp"},
		{`id=1 level=1 name="x" proto=tcp itype=8`, 1, "itype does not apply to proto tcp"},
		{`id=1 level=1 name="x" proto=bogus`, 1, `proto: "bogus" is not a number`},
		{`id=1 level=1 name="x" seq<dst`, 1, "seq: only seq=dst is supported"},
		{`id=1 level=1 name="x" seq!=dst`, 1, "seq: only seq=dst is supported"},
		{`id=1 level=1 name="x" src=300.1.1.1`, 1, `src: bad address "300.1.1.1"`},
		{`id=1 level=1 name="x" src=10.0.0.0/33`, 1, `src: bad network "10.0.0.0/33"`},
		{`id=1 level=1 name="x" src<10.0.0.1`, 1, "src: operator < not allowed"},
		{`id=1 level=1 name="x" src=1.1.1.1 src=2.2.2.2`, 1, "duplicate src"},
		{`id=1 level=1 name="x" ipopts=bogus`, 1, `ipopts: unknown option "bogus"`},
		{`id=1 level=1 name="x" ipopts<3`, 1, "ipopts: operator < not allowed"},
		{`id=1 level=1 name="x" tcpopts=mss tcpopts=ts`, 1, "duplicate tcpopts"},
		{`id=1 level=1 name="unterminated`, 1, "name: unterminated quoted string"},
		{`id=1 level=1 name="a\q" ttl=0`, 1, `name: bad escape`},
		{`id=1 level=1 name="a"b ttl=0`, 1, "name: space expected after the closing quote"},
		{"\n\nid=1 level=1 name=\"x\" \\\n  ttl=0 \\\n  ttl=999", 3, "ttl: 999 is out of range"},
		{"id=1 level=1 name=\"x\tz\" ttl=0", 1, "control characters"},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in), "f.rules")
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v is not a *ParseError", tt.in, err)
			continue
		}
		if pe.File != "f.rules" || pe.Line != tt.line || !strings.Contains(pe.Msg, tt.msg) {
			t.Errorf("%q: got %q, want line %d and %q", tt.in, err, tt.line, tt.msg)
		}
		if want := "f.rules:" + itoa(tt.line) + ": "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: error %q does not start with %q", tt.in, err, want)
		}
	}
}

func itoa(n int) string { return fieldInfos[fTTL].format(uint32(n)) }

func TestParseManyErrors(t *testing.T) {
	in := strings.Repeat("id=1 level=9 name=\"x\" ttl=0\n", 50)
	_, err := Parse(strings.NewReader(in), "f")
	if err == nil || strings.Count(err.Error(), "\n") != maxErrors-1 {
		t.Fatalf("want %d errors, got %v", maxErrors, err)
	}
	if !strings.Contains(err.Error(), "f:2: level 9") {
		t.Errorf("second error missing: %v", err)
	}
}

func TestParseTooLong(t *testing.T) {
	in := `id=1 level=1 name="` + strings.Repeat("x", maxRuleLen) + `" ttl=0`
	if _, err := Parse(strings.NewReader(in), "f"); !errors.Is(err, errRuleTooLong) {
		t.Fatalf("got %v", err)
	}
	in = strings.Repeat("ttl=0 \\\n", maxRuleLen/6)
	if _, err := Parse(strings.NewReader(in), "f"); !errors.Is(err, errRuleTooLong) {
		t.Fatalf("continued: got %v", err)
	}
}

// TestStringRoundTrip: String renders a rule Parse reads back unchanged.
func TestStringRoundTrip(t *testing.T) {
	s := loadDefault(t)
	extra := mustParse(t, `id=1 level=1 class="two words" name="q\"\\" proto=tcp family=4 sport=1-5,!3 `+
		`dport=1024- ttl<5 tos=0x10 ipid!=0 len>=100 dsize=0 fragoff>0 fragend>65515 `+
		`flags=+F flags=!A flags=*SR fragbits=+M fragbits=!D ack=src src=10.0.0.0/8,!10.1.0.0/16 `+
		`dst=2001:db8::1 ipopts=none tcpopts=mss,99 sameip bidir`+"\n"+
		`id=2 level=1 name="p" proto=udp,gre,200-210,!205 ttl<5`)
	for _, r := range append(s.Rules(), extra.Rules()...) {
		text := r.String()
		back := mustParse(t, text).Rules()[0]
		if back.String() != text {
			t.Errorf("round trip:\n %s\n %s", text, back.String())
		}
	}
	if got := extra.ByID(1).String(); !strings.Contains(got, `class="two words"`) || !strings.Contains(extra.ByID(2).String(), "proto=udp,gre,200-210,!205") {
		t.Errorf("String() = %s", got)
	}
}

func TestLoadMissing(t *testing.T) {
	if _, err := Load("testdata/does-not-exist"); err == nil || !strings.HasPrefix(err.Error(), "rules: open ") {
		t.Fatalf("got %v", err)
	}
}

func TestParseCount(t *testing.T) {
	set, err := Parse(strings.NewReader("id=1 level=2 count=3 name=\"x\" proto=tcp dport=3306\nid=2 level=2 name=\"y\" proto=udp\n"), "t")
	if err != nil {
		t.Fatal(err)
	}
	if r := set.Rules()[0]; r.Count != 3 || !strings.Contains(r.String(), " count=3 ") {
		t.Errorf("count %d, String %q", r.Count, r.String())
	}
	if set.Rules()[1].Count != 0 || strings.Contains(set.Rules()[1].String(), "count") {
		t.Errorf("unset count: %q", set.Rules()[1].String())
	}
	for _, bad := range []string{"count=0", "count=-1", "count=x", "count=2000000", "count=2 count=3"} {
		if _, err := Parse(strings.NewReader("id=1 level=2 name=\"x\" proto=tcp "+bad+"\n"), "t"); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
