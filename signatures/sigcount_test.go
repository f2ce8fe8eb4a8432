package signatures

import (
	"strings"
	"testing"

	"github.com/ifw/ifw/signatures/rules"
)

// TestSignatureCount: a rule with count=3 raises the level only from the
// third matching packet of one source, and says so in a detection then.
func TestSignatureCount(t *testing.T) {
	set, err := rules.Parse(strings.NewReader(`id=7 level=2 count=3 name="MySQL probe" proto=tcp flags=S dport=3306`+"\n"), "t")
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(DefaultConfig(), set)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		d, ok := e.Observe(at(syn(attacker, victim, 3306), 0))
		switch {
		case i < 3 && (ok || level(e, attacker) != 0):
			t.Fatalf("packet %d: detection %v, level %d before the count", i, ok, level(e, attacker))
		case i == 3 && (!ok || d.Reasons&ReasonSignature == 0 || d.Attacker.Level != 2):
			t.Fatalf("packet 3: detection %v %+v", ok, d)
		}
	}
	a, _ := find(e, attacker)
	if len(a.Signatures) != 1 || a.Signatures[0].Packets != 3 {
		t.Errorf("hits %+v", a.Signatures)
	}
}
