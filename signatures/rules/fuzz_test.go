package rules

import (
	"bufio"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ifw/ifw/sources"
)

// seedLines adds every rule line of a file to the corpus.
func seedLines(f *testing.F, path string) {
	file, err := os.Open(path)
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && line[0] != '#' {
			f.Add(line)
		}
	}
}

// fuzzPackets are matched against every set the fuzzers parse.
func fuzzPackets() []*sources.Packet {
	ps := []*sources.Packet{
		tcp(0x3f, 0), withSeq(syn(23), addrNum(victim)), from(syn(80), victim.String()),
		withIPOpts(icmp(8, 0), 131, 3, 0, 0), frag(sources.ProtoTCP, 1, 30), icmp6(137, 0),
		sport(udp(0), 80), ipFlags(udp(1), sources.FlagMF|sources.FlagCE, 20), {},
	}
	for _, bp := range benchPackets() {
		ps = append(ps, bp.p)
	}
	return ps
}

// checkSet verifies that the index agrees with testing every rule.
func checkSet(t *testing.T, s *Set) {
	for _, p := range fuzzPackets() {
		var want []int
		for _, r := range s.rules {
			if r.Match(p) {
				want = append(want, r.ID)
			}
		}
		if got := matchIDs(s, p); !slices.Equal(got, want) {
			t.Fatalf("index %v, brute force %v for %+v", got, want, p)
		}
	}
}

// checkRoundTrip verifies that String renders what Parse reads back.
func checkRoundTrip(t *testing.T, s *Set) {
	for _, r := range s.rules {
		text := r.String()
		back, err := Parse(strings.NewReader(text), "rt")
		if err != nil {
			t.Fatalf("String() = %q does not parse: %v", text, err)
		}
		if got := back.rules[0].String(); got != text {
			t.Fatalf("round trip:\n %s\n %s", text, got)
		}
	}
}

func checkErr(t *testing.T, err error) {
	var pe *ParseError
	if !errors.As(err, &pe) && !errors.Is(err, errRuleTooLong) {
		t.Fatalf("error %v is not a *ParseError", err)
	}
}

func FuzzParse(f *testing.F) {
	seedLines(f, "../../etc/signatures")
	f.Add(`id=1 level=1 name="x\"y" src=10.0.0.0/8,!10.1.0.0/16 sport=1-5,!3 flags=+F flags=!A bidir sameip`)
	f.Add("id=2 level=2 name=\"a\" \\\n ipopts=none tcpopts=mss,99 fragbits=M,D seq=src ack<5 # c")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(strings.NewReader(in), "fuzz")
		if err != nil {
			checkErr(t, err)
			return
		}
		checkRoundTrip(t, s)
		checkSet(t, s)
	})
}

func FuzzParsePsad(f *testing.F) {
	seedLines(f, "testdata/psad_signatures")
	f.Add(`alert tcp ![1.2.3.0/24,$HOME_NET] [80,!81] <> any :1024 (msg:"a\;b"; content:"x"; sid:1;)`)
	f.Add(`alert ip any any -> any any (msg:"x"; ip_proto:!6; fragbits:M+; dsize:1<>9; ipopts:any; tos:!4; sid:2;)`)
	// psad 2.4.6's own lines 162 and 164: ");" endings, a blank before ";"
	f.Add(`alert ip $EXTERNAL_NET any -> $HOME_NET any (msg:"MISC source route lssr"; ipopts:lsrr; reference:arachnids,418; classtype:bad-unknown; sid:500; psad_id:100199; psad_dl:2;);`)
	f.Add(`alert ip $EXTERNAL_NET any -> $HOME_NET any (msg:"MISC source route ssrr"; ipopts:ssrr ; sid:502; psad_id:100201; psad_dl:2;);`)
	f.Add("alert tcp 192.0.2.0/24 any <- any 80 (msg:\"x (y)\"; sid:3;) ; tail\nalert tcp any any -> any 99999 (sid:4;)\nalert udp any any -> any 1 (msg:\"d\"; sid:3;)")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParsePsad(strings.NewReader(in), "fuzz")
		if err != nil {
			if !errors.Is(err, errRuleTooLong) {
				t.Fatalf("ParsePsad refused the whole input: %v", err)
			}
			return
		}
		for _, k := range s.Skipped() {
			if k.Line < 1 || k.Reason == "" || (k.Kind != SkipPayload && k.Kind != SkipBad) {
				t.Fatalf("skipped entry %+v", k)
			}
		}
		checkRoundTrip(t, s)
		checkSet(t, s)
	})
}
