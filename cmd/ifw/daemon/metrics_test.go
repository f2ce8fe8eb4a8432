package daemon

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

func TestWriteMetrics(t *testing.T) {
	st := &control.Status{
		Collectors: []control.CollectorStatus{{Name: "kmsg", Type: "kmsg",
			Stats:   sources.StatsSnapshot{Lines: 10, Packets: 8, Dropped: 1},
			Latency: &control.LatencySummary{Samples: 3, P50ms: 1.5, P99ms: 4}}},
		Engine:    signatures.Stats{Sources: 2},
		Pipeline:  control.PipelineStatus{Stored: 3},
		Attackers: []control.AttackerStatus{{Attacker: signatures.Attacker{Src: netip.MustParseAddr("198.51.100.7"), Level: 3}}},
	}
	var b bytes.Buffer
	writeMetrics(&b, st)
	for _, want := range []string{`ifw_collector_lines_total{collector="kmsg",type="kmsg"} 10`, `ifw_collector_dropped_total{collector="kmsg"} 1`,
		`ifw_alert_latency_seconds{collector="kmsg",quantile="0.99"} 0.004`, "ifw_sources_tracked 2", `ifw_attackers{level="3"} 1`,
		"# TYPE ifw_alerts_stored_total counter"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("metrics lack %q:\n%s", want, b.String())
		}
	}
}
