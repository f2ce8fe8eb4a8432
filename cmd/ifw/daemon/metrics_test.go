package daemon

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/alerts"
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

// TestWriteBlockAndActionMetrics: the block and action families, every
// source listed (0 included), label values escaped for the text format
// (an action's name is the admin's section name: any bytes).
func TestWriteBlockAndActionMetrics(t *testing.T) {
	st := &control.Status{
		Actions: map[string]alerts.ActionStats{"mail": {OK: 3, Failed: 2, Skipped: 1, Dropped: 4, Throttled: 5, Queued: 6},
			`we"ird\name` + "\n": {OK: 1}},
		Blocking: &control.BlockingStatus{Totals: block.SyncStats{Expired: 7}, Lifted: 2,
			ActiveBySource:   map[alerts.BlockSource]int{alerts.BlockAuto: 3},
			Made:             map[alerts.BlockSource]uint64{alerts.BlockAuto: 9, alerts.BlockManual: 1},
			Refused:          map[alerts.BlockSource]map[string]uint64{alerts.BlockAuto: {"own address": 2, "kernel": 1}},
			AutoRegexSkipped: 8},
	}
	var b bytes.Buffer
	writeMetrics(&b, st)
	for _, want := range []string{
		`ifw_action_runs_total{action="mail",result="ok"} 3`, `ifw_action_runs_total{action="mail",result="failed"} 2`,
		`ifw_action_runs_total{action="mail",result="skipped"} 1`, `ifw_action_failures_total{action="mail"} 2`,
		`ifw_action_dropped_total{action="mail"} 4`, `ifw_action_throttled_total{action="mail"} 5`, `ifw_action_queued{action="mail"} 6`,
		`ifw_action_runs_total{action="we\"ird\\name\n",result="ok"} 1`,
		`ifw_blocks_active{source="auto"} 3`, `ifw_blocks_active{source="manual"} 0`,
		`ifw_blocks_made_total{source="auto"} 9`, `ifw_blocks_made_total{source="manual"} 1`,
		`ifw_blocks_refused_total{source="auto",reason="kernel"} 1`, `ifw_blocks_refused_total{source="auto",reason="own address"} 2`,
		`ifw_blocks_expired_total 7`, `ifw_blocks_lifted_total{why="never_block"} 2`, `ifw_blocks_auto_regex_skipped_total 8`,
		"# TYPE ifw_action_queued gauge", "# TYPE ifw_action_failures_total counter",
	} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	writeMetrics(&b, &control.Status{})
	if strings.Contains(b.String(), "ifw_blocks_") {
		t.Errorf("block metrics with blocking off:\n%s", b.String())
	}
}

// TestWriteSensorMetrics: a log server's sensors and unkeyed packets are
// metrics; a daemon that is not a log server has none.
func TestWriteSensorMetrics(t *testing.T) {
	var b bytes.Buffer
	writeMetrics(&b, &control.Status{LogServer: &control.LogServerStatus{Sensors: 2, Refused: 3, Invalid: 4, Expired: 5}})
	for _, want := range []string{"ifw_log_server_sensors 2", `ifw_log_server_unkeyed_packets_total{why="refused"} 3`,
		`ifw_log_server_unkeyed_packets_total{why="invalid"} 4`, "ifw_log_server_sensors_expired_total 5"} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	writeMetrics(&b, &control.Status{})
	if strings.Contains(b.String(), "ifw_log_server") {
		t.Errorf("log server metrics on a daemon that is not one:\n%s", b.String())
	}
}
