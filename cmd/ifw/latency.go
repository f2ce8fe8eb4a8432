package main

import (
	"slices"
	"sync"
	"time"
)

// latencyWindow is how many recent samples per collector are kept.
const latencyWindow = 4096

// latencies keeps recent packet→alert-stored delays per collector.
type latencies struct {
	mu      sync.Mutex
	samples map[string]*ring
}

type ring struct {
	buf  [latencyWindow]time.Duration
	n, i int
}

// LatencySummary is what status reports per collector.
type LatencySummary struct {
	Samples int     `json:"samples"`
	P50ms   float64 `json:"p50_ms"`
	P99ms   float64 `json:"p99_ms"`
	MaxMs   float64 `json:"max_ms"`
}

func newLatencies() *latencies { return &latencies{samples: map[string]*ring{}} }

func (l *latencies) add(collector string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.samples[collector]
	if r == nil {
		r = &ring{}
		l.samples[collector] = r
	}
	r.buf[r.i] = max(d, 0)
	r.i = (r.i + 1) % latencyWindow
	r.n = min(r.n+1, latencyWindow)
}

// summary returns the percentiles of each collector's recent samples.
func (l *latencies) summary() map[string]LatencySummary {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]LatencySummary, len(l.samples))
	for name, r := range l.samples {
		s := slices.Clone(r.buf[:r.n])
		slices.Sort(s)
		ms := func(q float64) float64 { return float64(s[int(q*float64(len(s)-1))]) / 1e6 }
		out[name] = LatencySummary{Samples: len(s), P50ms: ms(0.5), P99ms: ms(0.99), MaxMs: ms(1)}
	}
	return out
}
