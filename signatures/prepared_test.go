package signatures

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
)

// TestPreparedAsCounted: packets prepared ahead (signatures matched and
// fingerprints guessed where they were parsed, as ifw analyze --jobs does)
// and counted by shards give what one engine counting them as they come
// gives, attackers and counters, also for packets matching more signatures
// than a Prepared holds (matched again when counted).
func TestPreparedAsCounted(t *testing.T) {
	set, err := rules.Parse(strings.NewReader(strings.Join([]string{
		`id=1 level=1 name="any SYN" proto=tcp flags=S`,
		`id=2 level=2 count=3 name="SYN again" proto=tcp flags=S`,
		`id=3 level=1 name="low ports" proto=tcp dport=1-1024`,
		`id=4 level=3 name="SYN low" proto=tcp flags=S dport=1-1024`,
		`id=5 level=1 name="SYN 22" proto=tcp flags=S dport=22`,
		`id=6 level=2 name="SYN 80" proto=tcp flags=S dport=80`,
		`id=7 level=1 count=2 name="UDP" proto=udp`,
		`id=8 level=4 name="FIN" proto=tcp flags=F`,
	}, "\n")+"\n"), "t")
	if err != nil {
		t.Fatal(err)
	}
	many := 0
	for _, p := range mix(6000, 11) {
		n := 0
		set.Match(p, func(*rules.Rule) { n++ })
		if n > maxPreparedSigs {
			many++
		}
	}
	if many == 0 {
		t.Fatalf("no packet matches more than %d signatures: the test misses that case", maxPreparedSigs)
	}
	cfgs := map[string]func(*Config){
		"default":       func(c *Config) { c.Retain = 1000 },
		"compact noise": func(c *Config) { c.Retain, c.CompactNoise = 1000, true },
	}
	for cname, mod := range cfgs {
		cfg := DefaultConfig()
		mod(&cfg)
		pkts := mix(6000, 11)
		one, err := New(cfg, set)
		if err != nil {
			t.Fatal(err)
		}
		var buf sources.Packet
		for _, p := range pkts {
			buf = *p
			one.Count(&buf)
			scribble(&buf)
		}
		one.Settle()
		want, wantSt := one.Attackers(0), one.Stats()
		for n := 1; n <= 3; n++ {
			sh, err := NewShards(cfg, set, n)
			if err != nil {
				t.Fatal(err)
			}
			bufs := make([]sources.Packet, len(pkts))
			preps := make([]Prepared, len(pkts))
			pr := sh.Preparer()
			for i, p := range pkts {
				bufs[i] = *p
				pr.Prepare(&bufs[i], &preps[i])
			}
			for i := range preps {
				e, st := sh.StampPrepared(&preps[i])
				sh.CountPrepared(e, &preps[i], &st)
			}
			sh.Settle()
			if got := sh.Attackers(0); !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %d shards: attackers differ (%d, want %d)", cname, n, len(got), len(want))
			}
			if got := sh.Stats(); !reflect.DeepEqual(got, wantSt) {
				t.Errorf("%s, %d shards: stats %+v, want %+v", cname, n, got, wantSt)
			}
		}
	}
}
