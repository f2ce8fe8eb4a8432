package daemon

import (
	"fmt"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// BenchmarkPipelineSensors: what judging a packet costs on the engine
// goroutine, on one engine and on a log server of 64 sensors (the
// sensor's lookup by its host name, one engine each).
func BenchmarkPipelineSensors(b *testing.B) {
	for _, sensors := range []int{0, 64} {
		b.Run(fmt.Sprintf("sensors=%d", sensors), func(b *testing.B) {
			cfg := signatures.DefaultConfig()
			e, err := signatures.New(cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			p := newPipeline(e, "central", slog.New(slog.DiscardHandler))
			if sensors > 0 {
				p.sensors = newSensors("central", 256, cfg, nil, slog.New(slog.DiscardHandler))
			}
			pkts := make([]sources.Packet, 4096)
			now := time.Now()
			for i := range pkts {
				pkts[i] = sources.Packet{Fields: sources.HasTime | sources.HasPorts, Time: now, Version: 4, Proto: sources.ProtoTCP,
					Src: netip.AddrFrom4([4]byte{203, 0, 113, byte(i % 200)}), Dst: netip.AddrFrom4([4]byte{192, 0, 2, 10}),
					SrcPort: 40000, DstPort: uint16(1 + i%1000), TCPFlags: sources.SYN, Chain: sources.ChainInput, In: "eth0"}
				if sensors > 0 {
					pkts[i].Host = fmt.Sprintf("sensor-%d", i%sensors)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				p.alertFor(&pkts[i%len(pkts)])
			}
		})
	}
}
