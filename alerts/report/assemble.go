package report

import (
	"net/netip"
	"slices"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// facts are what a report is made of, read from the store or a log.
type facts struct {
	origin string
	period Period
	alerts []alerts.Alert
	// events, from a log, are the alerts as they happened (time, source,
	// level); alerts then hold one picture per attacker, its final one.
	// Nil from the store, whose alerts are both.
	events []alerts.Alert
	// blocks are every block the store has; withBlocks is false when there
	// is no store (a log), so that "no data" does not read as "none".
	blocks     []alerts.Block
	withBlocks bool
	// windows are the stored scan windows of the period (their packet
	// counts); none from a log, whose attackers' pictures are final.
	windows []signatures.Window
	// previous are the alerts and windows of the period just before;
	// compare asks for the comparison.
	previous        []alerts.Alert
	previousWindows []signatures.Window
	compare         bool
	// questions are the outbound questions closed in the period;
	// withOutbound is false when the outbound module is not in use.
	questions    []alerts.Question
	withOutbound bool
}

// assemble makes the report of f. It does no I/O.
func assemble(f facts, o Options) *Report {
	ts := tallies(f.alerts, f.windows, true)
	timed := f.alerts // the alerts as they happened
	if f.events != nil {
		timed = f.events
		countAlerts(ts, timed)
	}
	r := &Report{
		Origin: f.origin, Period: f.period, Host: o.Host, Generated: o.Now,
		TopAttackers:   topAttackers(ts, o.Top),
		TopPorts:       topPorts(ts, o.Top),
		TopSignatures:  topSignatures(ts, o.Top),
		TopScanClasses: topScanClasses(ts, o.Top),
		Collectors:     slices.Clone(o.Collectors),
		BucketHours:    bucketHours(f.period),
	}
	if r.Collectors == nil {
		r.Collectors = []CollectorHealth{}
	}
	r.Totals, r.AttackersByLevel = totals(len(timed), ts)
	if f.withBlocks {
		r.Blocks = summarizeBlocks(f.blocks, f.period, o.Top)
		r.Totals.Blocks = r.Blocks.Made
	}
	if f.withOutbound {
		r.Outbound = summarizeOutbound(f.questions, f.period, o.Top)
		r.Outbound.RuleHits = topRules(o.Rules, o.Top)
	}
	r.Hourly, r.LevelsOverTime = timeline(timed, f.period, r.BucketHours)
	if f.compare {
		r.Previous = comparison(f.previous, f.previousWindows, f.blocks, previousPeriod(f.period), r.Totals)
	}
	return r
}

// countAlerts sets each attacker's alert count from events.
func countAlerts(ts []*tally, events []alerts.Alert) {
	n := map[netip.Addr]int{}
	for i := range events {
		n[events[i].Src]++
	}
	for _, t := range ts {
		t.Alerts = n[t.Src]
	}
}

// totals sums up the attackers of n alerts (blocks apart).
func totals(n int, ts []*tally) (Totals, Levels) {
	t := Totals{Alerts: n, Attackers: len(ts)}
	var by Levels
	for _, a := range ts {
		t.Packets += a.Packets
		by[min(max(a.Level, 0), len(by)-1)]++
	}
	return t, by
}
