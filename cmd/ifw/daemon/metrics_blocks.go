package daemon

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
)

// The metrics of the actions and the blocks. Label values are escaped as
// the text format wants (a backslash, a double quote and a newline),
// whatever bytes an action's name holds.

// writeActionMetrics writes each action's runs by result, failures,
// drops and throttled alerts, and its queue.
func writeActionMetrics(w io.Writer, stats map[string]alerts.ActionStats, metric func(name, help, typ string)) {
	names := slices.Sorted(maps.Keys(stats))
	metric("ifw_action_runs_total", "Runs of an action that ended, by result (ok, failed, skipped).", "counter")
	for _, n := range names {
		a := stats[n]
		for _, r := range []struct {
			result string
			n      uint64
		}{{"ok", a.OK}, {"failed", a.Failed}, {"skipped", a.Skipped}} {
			fmt.Fprintf(w, "ifw_action_runs_total{action=%s,result=%q} %d\n", label(n), r.result, r.n)
		}
	}
	for _, m := range []struct {
		name, help, typ string
		get             func(alerts.ActionStats) uint64
	}{
		{"ifw_action_failures_total", "Runs of an action that failed (errors, timeouts, panics).", "counter",
			func(a alerts.ActionStats) uint64 { return a.Failed }},
		{"ifw_action_dropped_total", "Alerts an action never ran for: its queue was full, or still queued at shutdown.", "counter",
			func(a alerts.ActionStats) uint64 { return a.Dropped }},
		{"ifw_action_throttled_total", "Alerts held back by the per-attacker throttle.", "counter",
			func(a alerts.ActionStats) uint64 { return a.Throttled }},
		{"ifw_action_queued", "Alerts waiting in an action's queue.", "gauge",
			func(a alerts.ActionStats) uint64 { return uint64(max(a.Queued, 0)) }},
	} {
		metric(m.name, m.help, m.typ)
		for _, n := range names {
			fmt.Fprintf(w, "%s{action=%s} %d\n", m.name, label(n), m.get(stats[n]))
		}
	}
}

// blockSources are the sources every block metric lists, 0 included.
var blockSources = []alerts.BlockSource{alerts.BlockAuto, alerts.BlockManual}

// writeBlockMetrics writes the active blocks and what was made, refused,
// expired and skipped since the start; nothing while blocking is off.
func writeBlockMetrics(w io.Writer, b *control.BlockingStatus, metric func(name, help, typ string)) {
	if b == nil {
		return
	}
	metric("ifw_blocks_active", "Active blocks, by source.", "gauge")
	for _, s := range blockSources {
		fmt.Fprintf(w, "ifw_blocks_active{source=%q} %d\n", s, b.ActiveBySource[s])
	}
	metric("ifw_blocks_made_total", "Blocks made or extended, by source.", "counter")
	for _, s := range blockSources {
		fmt.Fprintf(w, "ifw_blocks_made_total{source=%q} %d\n", s, b.Made[s])
	}
	metric("ifw_blocks_refused_total", "Blocks asked for and not made, by source and why (a never-block reason, kernel, error).", "counter")
	for _, s := range blockSources {
		for _, why := range slices.Sorted(maps.Keys(b.Refused[s])) {
			fmt.Fprintf(w, "ifw_blocks_refused_total{source=%q,reason=%s} %d\n", s, label(why), b.Refused[s][why])
		}
	}
	metric("ifw_blocks_expired_total", "Blocks whose time ran out.", "counter")
	fmt.Fprintf(w, "ifw_blocks_expired_total %d\n", b.Totals.Expired)
	metric("ifw_blocks_lifted_total", "Blocks lifted because the never-block list came to cover them.", "counter")
	fmt.Fprintf(w, "ifw_blocks_lifted_total{why=\"never_block\"} %d\n", b.Lifted)
	metric("ifw_blocks_auto_regex_skipped_total", "Alerts at the auto-block level not blocked: no log prefix matched auto_regex.", "counter")
	fmt.Fprintf(w, "ifw_blocks_auto_regex_skipped_total %d\n", b.AutoRegexSkipped)
}

// labelEscaper escapes a label value for the text format.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// label is v as a quoted label value.
func label(v string) string { return `"` + labelEscaper.Replace(v) + `"` }
