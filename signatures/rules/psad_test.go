package rules

import (
	"os"
	"strings"
	"testing"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/test/testenv"
)

func mustParsePsad(t testing.TB, text string) *Set {
	t.Helper()
	s, err := ParsePsad(strings.NewReader(text), "sigs")
	if err != nil {
		t.Fatalf("ParsePsad(%q): %v", text, err)
	}
	return s
}

func TestParsePsadFile(t *testing.T) {
	s, err := LoadPsad("testdata/psad_signatures")
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 20 || len(s.Skipped()) != 0 {
		t.Fatalf("%d rules, skipped %v", s.Len(), s.Skipped())
	}
	echo := func(id, seq, ipid uint16, data uint32) *sources.Packet {
		return with(icmpData(8, data), func(p *sources.Packet) { p.ICMPID, p.ICMPSeq, p.ID = id, seq, ipid })
	}
	naptha := func(seq uint32) *sources.Packet {
		return with(withSeq(syn(80), seq), func(p *sources.Packet) { p.ID = 413 })
	}
	cases := map[int]struct{ hit, miss *sources.Packet }{
		100001: {syn(705), tcp(ack, 705)},
		100002: {udp(31335), udpLen(31335, 10)},
		100003: {with(icmp(0, 0), func(p *sources.Packet) { p.ICMPID, p.ICMPSeq = 456, 0 }), icmp(0, 0)},
		100004: {sport(syn(1), 20432), syn(20432)},
		100012: {synECN(15104), tcp(sa, 15104)},
		// psad's ICMP payload is the IP length - 24: dsize:0 is LEN 24 at most
		100016: {with(echo(666, 0, 666, 0), func(p *sources.Packet) { p.Len = 24 }), echo(666, 0, 666, 0)},
		100024: {icmpData(8, 797), icmpData(8, 796)},
		100028: {syn(12346), syn(12347)},
		100038: {sport(syn(2589), 1024), sport(syn(2589), 1023)},
		100043: {syn(21554), sport(syn(21554), 80)},
		100060: {with(syn(1), func(p *sources.Packet) { p.Window = 55808 }), syn(1)},
		100065: {hops(sport(syn(1), 10101), 221), hops(sport(syn(1), 10101), 220)},
		100069: {tcp(0x3f, 1), tcp(0x7f, 1)},
		100097: {syn(6889), syn(6890)},
		100101: {syn(0), sport(syn(80), 0)}, // "<>" is "->" to psad
		100103: {from(udp(1), victim.String()), udp(1)},
		100104: {hops(udp(1), 0), hops(udp(1), 1)},
		100106: {to(syn(80), "233.1.1.1"), to(syn(80), "234.1.1.1")},
		100111: {sport(naptha(6060842), 7), naptha(6060843)},
		100126: {icmp(17, 1), icmp(17, 0)},
	}
	for id, c := range cases {
		r := s.ByID(id)
		if r == nil {
			t.Errorf("no rule %d", id)
			continue
		}
		if !contains(matchIDs(s, c.hit), id) {
			t.Errorf("%d (%s) does not match its hit packet", id, r.Name)
		}
		if contains(matchIDs(s, c.miss), id) {
			t.Errorf("%d (%s) matches its miss packet", id, r.Name)
		}
	}
	r := s.ByID(100043)
	if r.Name != "BACKDOOR GirlFriend Connection attempt" || r.Level != 2 || r.Class != "misc-activity" ||
		r.Origin != "testdata/psad_signatures:23" {
		t.Errorf("rule 100043 = %+v", r)
	}
	for _, r := range s.Rules() { // every psad rule converts to ifw's format
		back := mustParse(t, r.String()).Rules()[0]
		if back.String() != r.String() {
			t.Errorf("round trip:\n %s\n %s", r, back)
		}
	}
}

const psadHead = `alert tcp $EXTERNAL_NET any -> $HOME_NET `

func TestParsePsadOptions(t *testing.T) {
	tests := []struct {
		rule      string
		hit, miss *sources.Packet
	}{
		{psadHead + `80 (msg:"x"; sid:1;)`, syn(80), syn(81)},
		{psadHead + `[80,443] (msg:"x"; sid:1;)`, syn(443), syn(444)},
		{psadHead + `![1:1024] (msg:"x"; sid:1;)`, syn(1025), syn(1024)},
		{psadHead + `:1024 (msg:"x"; sid:1;)`, syn(0), syn(1025)},
		{psadHead + `$HTTP_PORTS (msg:"x"; flags:S; sid:1;)`, syn(8000), tcp(ack, 80)},
		{`alert tcp !203.0.113.0/24 any -> any any (msg:"x"; sid:1;)`, from(syn(1), "192.0.2.1"), syn(1)},
		{`alert tcp [192.0.2.0/24,203.0.113.5] any -> any any (msg:"x"; sid:1;)`, syn(1), from(syn(1), "203.0.113.6")},
		{`alert tcp any any -> ![198.51.100.10,198.51.100.11] any (msg:"x"; sid:1;)`, to(syn(1), "198.51.100.12"), syn(1)},
		{`alert tcp [$HOME_NET,192.0.2.1] any -> any any (msg:"x"; sid:1;)`, syn(1), udp(1)},
		{`log udp any any -> any 53 (msg:"x"; sid:1;)`, udp(53), syn(53)},
		{`alert ip any any -> any any (msg:"x"; ip_proto:!6; sid:1;)`, udp(1), syn(1)},
		{`alert ip any any -> any any (msg:"x"; ip_proto:udp; sid:1;)`, udp(1), syn(1)},
		{`alert ip any any -> any any (msg:"x"; ip_proto:>134; sid:1;)`, frag(200, 1, 100), syn(1)},
		// psad never tests an "ip" rule's dsize
		{`alert ip any any -> any any (msg:"x"; dsize:< 25; fragbits:M; sid:1;)`,
			ipFlags(udp(1), sources.FlagMF, 60), udp(1)},
		// psad's dsize: TCP IP length - 40, - 84 with SYN; UDP length - 8
		{psadHead + `any (msg:"x"; flags:S; dsize:>20; sid:1;)`, ipFlags(syn(1), 0, 105), ipFlags(syn(1), 0, 104)},
		{psadHead + `any (msg:"x"; flags:F; dsize:>20; sid:1;)`, ipFlags(tcp(sources.FIN, 1), 0, 61), ipFlags(tcp(sources.FIN, 1), 0, 60)},
		{psadHead + `any (msg:"x"; flags:S; dsize:0; sid:1;)`, ipFlags(syn(1), 0, 60), ipFlags(syn(1), 0, 85)},
		{`alert udp any any -> any any (msg:"x"; psad_dsize:>8; sid:1;)`, udpLen(1, 17), udpLen(1, 16)},
		{`alert icmp any any -> any any (msg:"x"; dsize:!4; itype:8; sid:1;)`, icmpData(8, 1), icmpData(8, 0)},
		{`alert ip any any -> any any (msg:"x"; fragbits:M+; sid:1;)`,
			ipFlags(udp(1), sources.FlagMF|sources.FlagDF, 60), udp(1)},
		{`alert ip any any -> any any (msg:"x"; fragoffset:>0; sid:1;)`, frag(sources.ProtoUDP, 3, 60), udp(1)},
		{`alert icmp any any -> any any (msg:"x"; itype:5<>10; sid:1;)`, icmp(10, 0), icmp(11, 0)},
		{`alert icmp any any -> any any (msg:"x"; itype:3; icode:!3; sid:1;)`, icmp(3, 1), icmp(3, 3)},
		{`alert ip any any -> any any (msg:"x"; ipopts:lsrr; sid:1;)`, withIPOpts(udp(1), 131, 3, 0, 0), udp(1)},
		{`alert ip any any -> any any (msg:"x"; ipopts:any; sid:1;)`, withIPOpts(udp(1), 7, 3, 0, 0), udp(1)},
		{`alert ip any any -> any any (msg:"x"; tos:!0; sid:1;)`, with(udp(1), func(p *sources.Packet) { p.TOS = 8 }), udp(1)},
		{`alert ip any any -> any any (msg:"x"; psad_ip_len:>1000; sid:1;)`, ipFlags(udp(1), 0, 1001), udp(1)},
		{psadHead + `any (msg:"x"; flags:*SF; sid:1;)`, tcp(sources.FIN|ack, 1), tcp(ack, 1)},
		{psadHead + `any (msg:"x"; flags:!A; sid:1;)`, syn(1), tcp(ack, 1)},
		{psadHead + `any (msg:"x"; flags:+S; sid:1;)`, tcp(sa, 1), tcp(ack, 1)},
		{psadHead + `any (msg:"x"; flags:0; sid:1;)`, tcp(0, 1), tcp(sources.FIN, 1)},
		{psadHead + `any (msg:"x"; ack:0; flags:A; sid:1;)`, withSeq(tcp(ack, 1), 1), with(withSeq(tcp(ack, 1), 1), func(p *sources.Packet) { p.Ack = 9 })},
		{psadHead + `any (msg:"x"; ttl:3-5; sid:1;)`, hops(syn(1), 5), hops(syn(1), 6)},
		{psadHead + `any (msg:"x"; ttl:<=5; sid:1;)`, hops(syn(1), 5), hops(syn(1), 6)},
		{psadHead + `any (msg:"x"; ttl:=5; sid:1;)`, hops(syn(1), 5), hops(syn(1), 6)},
		// psad 2.4.6's own file ends two rules in ");" (lines 162 and 164)
		{`alert ip any any -> any any (msg:"x"; ipopts:lsrr; sid:1;);`, withIPOpts(udp(1), 131, 3, 0, 0), udp(1)},
		{`alert ip any any -> any any (msg:"x"; ipopts:ssrr ; sid:1;); `, withIPOpts(udp(1), 137, 3, 0, 0), udp(1)},
		{psadHead + `80 (msg:"a (b)"; sid:1;) ; trailing`, syn(80), syn(81)},
		// psad 2.4.6 never uses "<>": the rule matches one way only
		{`alert tcp $HOME_NET any <> $EXTERNAL_NET 6666 (msg:"P2P Napster"; flags:S; sid:1;)`, syn(6666), sport(syn(3306), 6666)},
		// psad swaps the addresses of "<-" but not the ports
		{`alert tcp 192.0.2.0/24 any <- 203.0.113.0/24 80 (msg:"x"; sid:1;)`,
			to(from(syn(80), "203.0.113.9"), "192.0.2.9"), from(to(syn(80), "203.0.113.9"), "192.0.2.9")},
	}
	for _, tt := range tests {
		s := mustParsePsad(t, tt.rule)
		if s.Len() != 1 {
			t.Errorf("%s: %d rules, skipped %v", tt.rule, s.Len(), s.Skipped())
			continue
		}
		if !contains(matchIDs(s, tt.hit), 1) {
			t.Errorf("%s does not match its hit packet", tt.rule)
		}
		if contains(matchIDs(s, tt.miss), 1) {
			t.Errorf("%s matches its miss packet", tt.rule)
		}
	}
}

func TestParsePsadIDs(t *testing.T) {
	s := mustParsePsad(t, psadHead+`1 (msg:"a \"quoted\"\; msg"; sid:9; psad_id:100009; psad_dl:4; classtype:trojan-activity;)`+"\n"+
		psadHead+`2 (msg:"b"; sid:10;)`+"\n"+psadHead+`3 (sid:11;)`)
	r := s.ByID(100009)
	if r == nil || r.Name != `a "quoted"; msg` || r.Level != 4 || r.Class != "trojan-activity" {
		t.Errorf("rule 100009 = %+v", r)
	}
	if r := s.ByID(10); r == nil || r.Level != 2 {
		t.Errorf("rule 10 (default level 2) = %+v", r)
	}
	if r := s.ByID(11); r == nil || r.Name != "psad signature 11" {
		t.Errorf("rule 11 = %+v", r)
	}
}

func TestParsePsadSkipped(t *testing.T) {
	in := strings.Join([]string{
		psadHead + `80 (msg:"web"; content:"GET /"; nocase; sid:1;)`,
		`pass tcp any any -> any 80 (msg:"pass"; sid:2;)`,
		`alert ip any any -> any any (msg:"all"; reference:x,1; sid:3;)`,
		`alert udp any any -> any any (msg:"udp flags"; flags:S; sid:4;)`,
		psadHead + `80 (msg:"flow"; flow:established; psad_id:5;)`,
		psadHead + `81 (msg:"kept"; sid:6;)`,
	}, "\n")
	s := mustParsePsad(t, in)
	want := []Skipped{
		{File: "sigs", Line: 1, ID: 1, Kind: SkipPayload, Reason: `unsupported keyword "content"`},
		{File: "sigs", Line: 2, ID: 2, Kind: SkipBad, Reason: "action pass"},
		{File: "sigs", Line: 3, ID: 3, Kind: SkipBad, Reason: "no header test: it would match every packet"},
		{File: "sigs", Line: 4, ID: 4, Kind: SkipBad, Reason: "TCP header tests do not apply to proto udp"},
		{File: "sigs", Line: 5, ID: 5, Kind: SkipPayload, Reason: `unsupported keyword "flow"`},
	}
	got := s.Skipped()
	if s.Len() != 1 || len(got) != len(want) {
		t.Fatalf("%d rules, skipped %v", s.Len(), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("skipped[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if p, b := s.SkipCounts(); p != 2 || b != 3 {
		t.Errorf("SkipCounts = %d payload, %d bad; want 2, 3", p, b)
	}
}

// TestParsePsadBadLines: a line psad's format cannot give is skipped with
// its line and reason, and the rules around it still load.
func TestParsePsadBadLines(t *testing.T) {
	tests := []struct {
		in   string
		line int
		msg  string
	}{
		{`bogus tcp any any -> any 80 (msg:"x"; sid:1;)`, 1, `unknown action "bogus"`},
		{`alert tcp any any -> any (msg:"x"; sid:1;)`, 1, "header has 6 fields, want 7"},
		{`alert tcp any any -> any 80 msg:"x"; sid:1;`, 1, "expected: action proto src sport -> dst dport (options)"},
		{`alert tcp any any -> any 80 (msg:"x"; sid:1;`, 1, "expected: action proto"},
		{`alert foo any any -> any 80 (msg:"x"; sid:1;)`, 1, `unknown protocol "foo"`},
		{`alert tcp any any <> any 80 (msg:"x"; sid:1;)` + "\n" + `alert tcp any any => any 80 (msg:"x"; sid:2;)`, 2, `direction "=>" is not ->, <- or <>`},
		{`alert tcp any any -> any 70000 (msg:"x"; sid:1;)`, 1, `bad port "70000"`},
		{`alert tcp any any -> any 1-2 (msg:"x"; sid:1;)`, 1, `bad port "1-2"`},
		{`alert tcp any any -> any [80,443 (msg:"x"; sid:1;)`, 1, `bad list "[80,443"`},
		{`alert tcp any any -> any ![!80] (msg:"x"; sid:1;)`, 1, "nested negation"},
		{`alert tcp 1.2.3 any -> any 80 (msg:"x"; sid:1;)`, 1, `bad address "1.2.3"`},
		{psadHead + `80 (msg:"x"; sid:1; psad_dl:7;)`, 1, "psad_dl: danger level 7 is not 1-5"},
		{psadHead + `80 (msg:"x"; sid:x;)`, 1, `sid: "x" is not a number`},
		{psadHead + `80 (msg:"x";)`, 1, "no psad_id or sid"},
		{psadHead + "80 (msg:\"x\"; sid:1;)\n" + psadHead + `81 (msg:"y"; sid:1;)`, 2, "duplicate id 1 (first at line 3)"},
		{psadHead + `80 (msg:"x"; flags:Q; sid:1;)`, 1, "flags: unknown flag 'Q'"},
		{psadHead + `80 (msg:"x; sid:1;)`, 1, "unterminated quoted string"},
		{psadHead + `80 (msg:"x"; ttl:abc; sid:1;)`, 1, `ttl: "abc" is not a number`},
		{psadHead + `80 (msg:"x"; ttl:; sid:1;)`, 1, "ttl: empty value"},
		{psadHead + `80 (msg:"x"; window:70000; sid:1;)`, 1, "window: 70000 is out of range 0-65535"},
		{psadHead + `80 (msg:"x"; ipopts:bogus; sid:1;)`, 1, `ipopts: bad option "bogus"`},
		{psadHead + `80 (msg:"x"; ipopts:rr,ts; sid:1;)`, 1, `ipopts: bad option "rr,ts"`},
		{psadHead + `80 (msg:""; sid:1; classtype:a; classtype:b;)`, 1, "duplicate class"},
	}
	for _, tt := range tests {
		in := psadHead + "9 (msg:\"before\"; sid:9;)\n\n" + tt.in + "\n" + psadHead + "10 (msg:\"after\"; sid:10;)"
		s, err := ParsePsad(strings.NewReader(in), "sigs")
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		sk := s.Skipped()
		if len(sk) != 1 || sk[0].Kind != SkipBad || sk[0].File != "sigs" || sk[0].Line != tt.line+2 ||
			!strings.Contains(sk[0].Reason, tt.msg) {
			t.Errorf("%q: skipped %+v, want line %d and %q", tt.in, sk, tt.line+2, tt.msg)
		}
		if s.ByID(9) == nil || s.ByID(10) == nil {
			t.Errorf("%q: the rules around the bad line are lost: %v", tt.in, s.Rules())
		}
	}
}

// TestParsePsadDebianFile: psad 2.4.6's own file (Debian package psad)
// loads whole: every rule line is used, none is skipped.
func TestParsePsadDebianFile(t *testing.T) {
	const path = "/etc/psad/signatures"
	if _, err := os.Stat(path); err != nil {
		testenv.Missing(t, "psad is not installed (make deps): %v", err)
	}
	s, err := LoadPsad(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Skipped()) != 0 || s.Len() < 200 {
		t.Errorf("%d rules, skipped %v", s.Len(), s.Skipped())
	}
	// lines 162 and 164 end in ");"
	for _, id := range []int{100199, 100201} {
		if r := s.ByID(id); r == nil || r.Level != 2 {
			t.Errorf("rule %d = %+v", id, r)
		}
	}
}
