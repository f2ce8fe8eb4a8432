package report

import (
	"fmt"
	"time"
)

// table is one section of a report as rows of plain text; each renderer
// escapes and lays it out its own way.
type table struct {
	ID    string // the section's name: "totals", "attackers"…
	Title string
	Note  string // one sentence under the title, or ""
	Head  []string
	Rows  [][]string
	Right []bool // columns of numbers, aligned right
	Empty string // said instead of the table when Rows is empty
}

// sections is the report as tables, in the order every renderer writes
// them.
func sections(r *Report) []table {
	loc := r.Period.From.Location()
	ts := []table{totalsTable(r), levelsTable(r), attackersTable(r, loc), portsTable(r),
		signaturesTable(r), scanClassesTable(r)}
	ts = append(ts, blockTables(r.Blocks, loc)...)
	ts = append(ts, outboundTables(r.Outbound)...)
	return append(ts, collectorsTable(r), activityTable(r, loc))
}

func totalsTable(r *Report) table {
	type row struct {
		name      string
		cur, prev int
	}
	var p Totals
	if r.Previous != nil {
		p = r.Previous.Totals
	}
	rows := []row{{"Alerts", r.Totals.Alerts, p.Alerts}, {"Attackers", r.Totals.Attackers, p.Attackers},
		{"Packets", r.Totals.Packets, p.Packets}}
	if r.Blocks != nil {
		rows = append(rows, row{"Blocks made", r.Totals.Blocks, p.Blocks})
	}
	t := table{ID: "totals", Title: "Totals", Head: []string{"", "This period"}, Right: []bool{false, true}}
	if r.Previous != nil {
		t.Head = append(t.Head, "Previous period", "Change")
		t.Right = append(t.Right, true, true)
	}
	for _, row := range rows {
		cells := []string{row.name, num(row.cur)}
		if r.Previous != nil {
			cells = append(cells, num(row.prev), delta(row.cur, row.prev))
		}
		t.Rows = append(t.Rows, cells)
	}
	if r.Origin == OriginLog {
		t.Note = "From a log: the alerts ifw would have raised reading it, each at the time of its packet."
	}
	return t
}

func levelsTable(r *Report) table {
	t := table{ID: "levels", Title: "Attackers by danger level", Head: []string{"Level", "Attackers"},
		Right: []bool{true, true}, Note: "Each attacker counts once, at its highest level in the period."}
	if r.Previous != nil {
		t.Head = append(t.Head, "Previous period", "Change")
		t.Right = append(t.Right, true, true)
	}
	for l := len(r.AttackersByLevel) - 1; l >= 0; l-- {
		n := r.AttackersByLevel[l]
		if l == 0 && n == 0 && (r.Previous == nil || r.Previous.AttackersByLevel[0] == 0) {
			continue
		}
		cells := []string{num(l), num(n)}
		if p := r.Previous; p != nil {
			cells = append(cells, num(p.AttackersByLevel[l]), delta(n, p.AttackersByLevel[l]))
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

func attackersTable(r *Report, loc *time.Location) table {
	t := table{ID: "attackers", Title: "Top attackers", Empty: "No attacker in the period.",
		Head: []string{"Source", "Level", "Packets", "Alerts", "Destinations", "First seen", "Last seen",
			"Scans", "Port ranges", "Signatures", "OS", "Tool"},
		Right: []bool{false, true, true, true, true},
		Note: "Packets: all of its scan windows', counted until the daemon's last save in the period " +
			"(a window may have begun before it). Port ranges: where the scanned ports lie, not each port probed."}
	if r.Origin == OriginLog {
		t.Note = "Port ranges: where the scanned ports lie, not each port probed."
	} else {
		t.Note += " Untrusted: known only from a log file any local user can write to; the source may be forged."
	}
	for _, a := range r.TopAttackers {
		src := a.Src.String()
		if a.Untrusted && r.Origin != OriginLog { // a log file read offline is all untrusted alike
			src += " (untrusted)"
		}
		t.Rows = append(t.Rows, []string{src, num(a.Level), num(a.Packets), num(a.Alerts),
			num(a.Destinations), stamp(a.FirstSeen, loc), stamp(a.LastSeen, loc), list(a.Scans),
			orDash(a.Ports), list(oneLines(a.Signatures)), orDash(a.OS), orDash(a.Tool)})
	}
	return t
}

func portsTable(r *Report) table {
	t := table{ID: "ports", Title: "Top ports", Empty: "No port scanned in the period.",
		Head: []string{"Port", "Packets", "Attackers"}, Right: []bool{false, true, true},
		Note: "Packets counted per port: exactly for an attacker that hit at most 16 ports of a protocol; " +
			"beyond, its most hit ports, with at least (≥) the packets shown."}
	for _, p := range r.TopPorts {
		n := num(p.Packets)
		if p.AtLeast {
			n = "≥" + n
		}
		t.Rows = append(t.Rows, []string{fmt.Sprintf("%s/%d", p.Proto, p.Port), n, num(p.Attackers)})
	}
	return t
}

func signaturesTable(r *Report) table {
	t := table{ID: "signatures", Title: "Top signatures", Empty: "No signature matched in the period.",
		Head: []string{"ID", "Signature", "Level", "Attackers", "Packets"}, Right: []bool{true, false, true, true, true}}
	for _, s := range r.TopSignatures {
		t.Rows = append(t.Rows, []string{num(s.ID), orDash(s.Name), num(s.Level), num(s.Attackers), num(s.Packets)})
	}
	return t
}

func scanClassesTable(r *Report) table {
	t := table{ID: "scans", Title: "Top scan classes", Empty: "No scan in the period.",
		Head: []string{"Class", "Attackers", "Packets"}, Right: []bool{false, true, true}}
	for _, c := range r.TopScanClasses {
		t.Rows = append(t.Rows, []string{orDash(c.Type), num(c.Attackers), num(c.Packets)})
	}
	return t
}

// outboundTables are the outbound module's sections: one that says the
// module is not in use, or that nothing was asked, or the counts and the
// programs and destinations asked about.
func outboundTables(o *OutboundSummary) []table {
	t := table{ID: "outbound", Title: "Outbound connections", Head: []string{"", "Questions"}, Right: []bool{false, true},
		Empty: "The outbound module (NFQUEUE verdicts) is not in use."}
	if o == nil {
		return []table{t}
	}
	t.Empty = "No outbound connection was asked about in the period."
	if o.Questions == 0 {
		return append([]table{t}, ruleHitsTables(o.RuleHits)...)
	}
	t.Note = "Questions closed in the period; each ended allowed or denied. Timed out: the default verdict applied."
	t.Rows = [][]string{{"Asked", num(o.Questions)}, {"Allowed", num(o.Allowed)},
		{"Denied or rejected", num(o.Denied)}, {"Timed out", num(o.TimedOut)}, {"Answered with a rule", num(o.Rules)}}
	return append([]table{t, namedTable("outbound-programs", "Programs asked about", "Program", o.Programs),
		namedTable("outbound-destinations", "Destinations asked about", "Destination", o.Destinations)},
		ruleHitsTables(o.RuleHits)...)
}

// ruleHitsTables is the table of the rules most hit, none when there are
// none (or the daemon's rules were not known).
func ruleHitsTables(rs []RuleHit) []table {
	if len(rs) == 0 {
		return nil
	}
	t := table{ID: "outbound-rules", Title: "Rules most hit", Head: []string{"ID", "Rule", "Hits"},
		Right: []bool{true, false, true}, Note: "Connections each rule decided since it was loaded or added."}
	for _, r := range rs {
		t.Rows = append(t.Rows, []string{num(r.ID), orDash(r.Line), num(r.Hits)})
	}
	return []table{t}
}

// namedTable lists counts of questions by name.
func namedTable(id, title, what string, counts []NamedCount) table {
	t := table{ID: id, Title: title, Head: []string{what, "Questions"}, Right: []bool{false, true},
		Empty: "No question in the period."}
	for _, c := range counts {
		t.Rows = append(t.Rows, []string{orDash(c.Name), num(c.Count)})
	}
	return t
}

func collectorsTable(r *Report) table {
	t := table{ID: "collectors", Title: "Collectors",
		Empty: "No collector health: the daemon's status was not available.",
		Head:  []string{"Collector", "Type", "Lines", "Packets", "Malformed", "Dropped", "Restarts", "Last error"},
		Right: []bool{false, false, true, true, true, true, true}}
	if len(r.Collectors) > 0 {
		t.Note = "The daemon's counters since it started, not over the period."
	}
	if r.Origin == OriginLog {
		t.Head, t.Right = t.Head[:5], t.Right[:5]
		t.Empty = "No log file read."
		if len(r.Collectors) > 0 {
			t.Note = "Counters over the log files read."
		}
		for _, c := range r.Collectors {
			t.Rows = append(t.Rows, []string{orDash(c.Name), orDash(c.Type), num(c.Lines), num(c.Packets), num(c.Malformed)})
		}
		return t
	}
	for _, c := range r.Collectors {
		t.Rows = append(t.Rows, []string{orDash(c.Name), orDash(c.Type), num(c.Lines), num(c.Packets),
			num(c.Malformed), num(c.Dropped), num(c.Restarts), orDash(c.LastError)})
	}
	return t
}

// activityTable lists the buckets with alerts (the HTML report draws them
// instead).
func activityTable(r *Report, loc *time.Location) table {
	t := table{ID: "activity", Title: "Alerts per " + hoursText(r.BucketHours), Empty: "No alert in the period.",
		Head:  []string{"Start", "Alerts", "Highest level", "Attackers by level (1-5)"},
		Right: []bool{false, true, true}, Note: "Buckets without alerts are left out."}
	for i, b := range r.Hourly {
		if b.Alerts == 0 {
			continue
		}
		l := r.LevelsOverTime[i].Attackers
		t.Rows = append(t.Rows, []string{stamp(b.Start, loc), num(b.Alerts), num(b.MaxLevel),
			fmt.Sprintf("%d/%d/%d/%d/%d", l[1], l[2], l[3], l[4], l[5])})
	}
	return t
}

// blockTables are the blocks' sections; without block data, one that
// says so.
func blockTables(b *BlockSummary, loc *time.Location) []table {
	t := table{ID: "blocks", Title: "Blocks", Head: []string{"", "Count"}, Right: []bool{false, true},
		Empty: "No block data: the report was built from a log, without the daemon's store."}
	if b == nil {
		return []table{t}
	}
	t.Rows = [][]string{{"Made", num(b.Made)}, {"In force at the end", num(b.Active)},
		{"Expired", num(b.Expired)}, {"Deleted by hand", num(b.Deleted)}, {"Lost (kernel)", num(b.Lost)}}
	by := table{ID: "block-kinds", Title: "Blocks made by kind", Head: []string{"Kind", "Blocks"},
		Right: []bool{false, true}, Empty: "No block made in the period."}
	for _, c := range b.ByKind {
		by.Rows = append(by.Rows, []string{orDash(c.Name), num(c.Count)})
	}
	return []table{t, by, recentBlocksTable(b.Recent, loc)}
}

func recentBlocksTable(bs []RecentBlock, loc *time.Location) table {
	t := table{ID: "recent-blocks", Title: "Recent blocks", Empty: "No block made in the period.",
		Head:  []string{"Prefix", "Source", "Level", "Reason", "Created", "Expires", "Ended"},
		Right: []bool{false, false, true}}
	for _, b := range bs {
		expires, ended := "never", "-"
		if !b.Expires.IsZero() {
			expires = stamp(b.Expires, loc)
		}
		if !b.Removed.IsZero() {
			ended = stamp(b.Removed, loc) + " (" + orDash(b.RemovedWhy) + ")"
		}
		t.Rows = append(t.Rows, []string{b.Prefix.String(), orDash(b.Source), num(b.Level), orDash(b.Reason),
			stamp(b.Created, loc), expires, ended})
	}
	return t
}

// oneLines puts every name on one line.
func oneLines(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = orDash(n)
	}
	return out
}
