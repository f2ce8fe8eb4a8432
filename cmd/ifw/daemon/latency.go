package daemon

import (
	"slices"
	"sync"
	"time"

	"github.com/ifw/ifw/cmd/ifw/control"
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
func (l *latencies) summary() map[string]control.LatencySummary {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]control.LatencySummary, len(l.samples))
	for name, r := range l.samples {
		s := slices.Clone(r.buf[:r.n])
		slices.Sort(s)
		ms := func(q float64) float64 { return float64(s[int(q*float64(len(s)-1))]) / 1e6 }
		out[name] = control.LatencySummary{Samples: len(s), P50ms: ms(0.5), P99ms: ms(0.99), MaxMs: ms(1)}
	}
	return out
}
