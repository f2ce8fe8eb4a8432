package report

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// benchAlerts are n alerts over the fixture's day from n/20 sources, each
// raising its level and widening its scan as the alerts go.
func benchAlerts(n int) []alerts.Alert {
	sources := max(1, n/20)
	step := 24 * time.Hour / time.Duration(n)
	out := make([]alerts.Alert, n)
	for i := range n {
		k, round := i%sources, i/sources
		src := netip.AddrFrom4([4]byte{198, 51, byte(k >> 8), byte(k)})
		lo := uint16(1 + k%1000)
		scans := []signatures.Scan{
			scan("syn", "tcp", "203.0.113.5", lo, lo+uint16(50*(round+1)), 10*(round+1), 20*(round+1)),
			scan("udp", "udp", "203.0.113.6", 53, 53, 1, round+1),
		}
		var sigs []signatures.SigHit
		if k%7 == 0 {
			sigs = append(sigs, signatures.SigHit{ID: k % 50, Name: fmt.Sprintf("SIG %d", k%50), Level: 2, Packets: round + 1})
		}
		out[i] = alert(src.String(), day.Add(time.Duration(i)*step), 1+min(round/4, 4), 30*(round+1), scans, sigs...)
	}
	return out
}

// BenchmarkBuild100k reports on a day of 100 000 alerts in a real store:
// "build" is Build (reading the store included), "assemble" the
// aggregation alone, "html" rendering the result.
func BenchmarkBuild100k(b *testing.B) {
	const n = 100_000
	as := benchAlerts(n)
	s := openStore(b)
	start := time.Now()
	fill(b, s, as, nil)
	b.Logf("filled the store with %d alerts in %v", n, time.Since(start).Round(time.Millisecond))
	opts := fixtureOptions()
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			r, err := Build(context.Background(), s, opts)
			if err != nil {
				b.Fatal(err)
			}
			if r.Totals.Alerts != n {
				b.Fatalf("%d alerts, want %d", r.Totals.Alerts, n)
			}
		}
	})
	b.Run("assemble", func(b *testing.B) {
		f := facts{origin: OriginStore, period: Period{From: opts.From, To: opts.To}, alerts: as, withBlocks: true}
		for b.Loop() {
			assemble(f, opts.withDefaults())
		}
	})
	b.Run("html", func(b *testing.B) {
		r, err := Build(context.Background(), s, opts)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := HTML(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
