package alerts

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// detections runs a real engine over a SYN scan of ports 1..ports from src
// to dsts hosts of 203.0.113.0/24 and returns its detections.
func detections(t testing.TB, src string, ports, dsts int, start time.Time) []signatures.Detection {
	t.Helper()
	e, err := signatures.New(signatures.DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []signatures.Detection
	n := 0
	for h := range dsts {
		for port := range ports {
			p := &sources.Packet{
				Fields: sources.HasTime | sources.HasPorts | sources.HasTCP, Time: start.Add(time.Duration(n) * time.Millisecond),
				Chain: sources.ChainInput, In: "eth0", Version: 4, Trusted: true,
				Src: netip.MustParseAddr(src), Dst: netip.AddrFrom4([4]byte{203, 0, 113, byte(h + 1)}),
				Proto: sources.ProtoTCP, DstPort: uint16(port + 1), SrcPort: 40000, TCPFlags: sources.SYN, TTL: 50, Window: 1024,
			}
			n++
			if d, ok := e.Observe(p); ok {
				out = append(out, d)
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no detection")
	}
	return out
}

// sample is an alert from a real detection: the last one of a scan by src.
func sample(t testing.TB, src string, at time.Time) Alert {
	t.Helper()
	ds := detections(t, src, 20, 1, at)
	return FromDetection(ds[len(ds)-1], "gw", "kmsg")
}

func tempPath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "ifw.db")
}

func openAt(t testing.TB, cfg Config) *Store {
	t.Helper()
	s, err := Open(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Open %+v: %v", cfg, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openTemp(t testing.TB) *Store {
	return openAt(t, Config{Path: tempPath(t)})
}

// addN stores n alerts from n sources, one second apart from t0, levels
// 1-5 in turn, and returns them as stored.
func addN(t testing.TB, s *Store, n int) []Alert {
	t.Helper()
	base := sample(t, "198.51.100.7", t0)
	out := make([]Alert, n)
	for i := range n {
		a := base
		a.Src = netip.AddrFrom4([4]byte{198, 51, byte(100 + i/250), byte(1 + i%250)})
		a.Time, a.Level = t0.Add(time.Duration(i)*time.Second), 1+i%5
		if _, err := s.AddAlert(context.Background(), &a); err != nil {
			t.Fatalf("alert %d: %v", i, err)
		}
		out[i] = a
	}
	return out
}

func src(i int) netip.Addr { return netip.MustParseAddr(fmt.Sprintf("198.51.100.%d", i)) }
