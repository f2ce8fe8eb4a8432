package verdict

import (
	"fmt"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/verdict/rules"
)

// nopKernel takes verdicts and forgets them.
type nopKernel struct{}

func (nopKernel) Verdict(uint32, rules.Action) error { return nil }

// BenchmarkDecideByRule: one packet decided by a rule among 100, the
// process found by a fake Owners (procs has its own benchmarks): the
// module's own cost per new connection, beside the kernel's and the
// lookup's.
func BenchmarkDecideByRule(b *testing.B) {
	set := rules.NewSet(rules.Options{})
	for i := range 99 {
		r, _ := rules.ParseLine(fmt.Sprintf("deny exe=/usr/bin/app%d dst=198.51.100.%d port=%d", i, i, 1000+i), nil)
		set.Add(r, time.Now())
	}
	r, _ := rules.ParseLine("allow exe=/usr/bin/curl dst=203.0.113.0/24 port=80 proto=tcp", nil)
	set.Add(r, time.Now())
	m, err := New(Config{}, Deps{Rules: set, Owners: fakeOwners{1001: curl}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	p := pkt(1, 1001, "203.0.113.2", 80, 1000)
	b.ReportAllocs()
	for b.Loop() {
		m.decide(nopKernel{}, p)
	}
	if m.st.byRule.Load() == 0 {
		b.Fatal("not decided by the rule")
	}
}

func BenchmarkDecode(b *testing.B) {
	pkt := mustHex(b, syn4)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(pkt); err != nil {
			b.Fatal(err)
		}
	}
}
