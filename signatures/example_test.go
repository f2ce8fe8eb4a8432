package signatures_test

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// Feed the engine the packets of a SYN scan, one by one: Observe answers
// when the attacker's picture changes in a way that matters (here its
// danger level rises, at psad's default thresholds of 5, 15 and 150
// packets). The engine's clock is the packets' own.
func ExampleEngine_Observe() {
	e, err := signatures.New(signatures.DefaultConfig(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	start := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for port := uint16(1); port <= 200; port++ {
		p := sources.Packet{
			Fields: sources.HasTime | sources.HasPorts | sources.HasTCP,
			Time:   start.Add(time.Duration(port) * time.Millisecond),
			Chain:  sources.ChainInput, In: "eth0", Version: 4, TTL: 52, Window: 1024,
			Src: netip.MustParseAddr("198.51.100.7"), Dst: netip.MustParseAddr("203.0.113.10"),
			Proto: sources.ProtoTCP, SrcPort: 40000, DstPort: port, TCPFlags: sources.SYN,
		}
		if d, ok := e.Observe(&p); ok {
			fmt.Printf("packet %d: %s level %d (was %d): %s\n", port, d.Attacker.Src, d.Attacker.Level, d.PrevLevel, d.Reasons)
		}
	}
	for _, s := range e.Attackers(1)[0].Scans {
		fmt.Printf("%s scan of %s ports %d-%d, %d packets\n", s.Type, s.Dst, s.MinPort, s.MaxPort, s.Packets)
	}
	// Output:
	// packet 5: 198.51.100.7 level 1 (was 0): level
	// packet 15: 198.51.100.7 level 2 (was 1): level
	// packet 150: 198.51.100.7 level 3 (was 2): level
	// syn scan of 203.0.113.10 ports 1-200, 200 packets
}
