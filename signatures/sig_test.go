package signatures

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
)

const testRules = `
id=1001 level=3 name="NetBus probe" proto=tcp dport=12345,12346
id=1002 level=1 name="telnet" proto=tcp dport=23
id=1003 level=5 name="out of range" proto=udp dport=31337
`

func TestSignatures(t *testing.T) {
	set, err := rules.Parse(strings.NewReader(testRules), "test")
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(DefaultConfig(), set)
	if err != nil {
		t.Fatal(err)
	}
	ds := feed(e, []*sources.Packet{syn(attacker, victim, 12345)})
	if len(ds) != 1 || ds[0].Attacker.Level != 3 || ds[0].Reasons&(ReasonLevel|ReasonSignature) != ReasonLevel|ReasonSignature {
		t.Fatalf("first hit: %+v", ds)
	}
	want := SigHit{ID: 1001, Name: "NetBus probe", Level: 3, Packets: 1}
	if got := ds[0].Attacker.Signatures; len(got) != 1 || got[0] != want {
		t.Errorf("hits %+v", got)
	}
	// The same rule again: counted, no detection. A lower one: a detection
	// (new signature) without a level change.
	ds = feed(e, []*sources.Packet{syn(attacker, victim, 12346), syn(attacker, victim, 23)})
	if len(ds) != 1 || ds[0].Reasons != ReasonSignature || ds[0].Attacker.Level != 3 {
		t.Fatalf("second and third: %+v", ds)
	}
	a, _ := find(e, attacker)
	if a.Signatures[0].Packets != 2 || a.Signatures[1].ID != 1002 {
		t.Errorf("hits %+v", a.Signatures)
	}
}

func TestSignatureHitsBounded(t *testing.T) {
	var b strings.Builder
	for i := range 20 {
		b.WriteString("id=" + itoa(100+i) + " level=1 name=\"r\" proto=tcp dport=" + itoa(1000+i) + "\n")
	}
	set, err := rules.Parse(strings.NewReader(b.String()), "test")
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.MaxSignatures = 5
	e, err := New(cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	feed(e, synScan(attacker, victim, 1000, 20))
	if a, _ := find(e, attacker); len(a.Signatures) != 5 {
		t.Errorf("%d hits kept", len(a.Signatures))
	}
}

func TestNilAndEmptySet(t *testing.T) {
	for _, set := range []*rules.Set{nil, {}} {
		e, err := New(DefaultConfig(), set)
		if err != nil {
			t.Fatal(err)
		}
		feed(e, synScan(attacker, victim, 1, 5))
		if level(e, attacker) != 1 {
			t.Error("nil/empty set")
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
