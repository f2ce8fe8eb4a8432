package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/analyze"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/termsafe"
)

// newStatusCmd is `ifw status`: the daemon's attackers, collectors and
// modules (like psad -S).
func newStatusCmd(e env) *cobra.Command {
	cmd := &cobra.Command{Use: "status", Short: "show the daemon's attackers and collectors (like psad -S)",
		Args: cobra.NoArgs, ValidArgsFunction: cobra.NoFileCompletions}
	socket := socketFlag(cmd)
	asJSON := jsonFlag(cmd, "print the daemon's status as JSON")
	fleet := cmd.Flags().Bool("fleet", false, "show the fleet: its hosts, and the attackers several hosts saw ([store] url)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *fleet {
			st, err := control.NewClient(*socket).FleetStatus(cmd.Context())
			return printOr(e, cmd, *asJSON, st, err, func(st *control.FleetStatus) { writeFleetStatus(e.stdout, st) })
		}
		st, err := control.NewClient(*socket).Status(cmd.Context())
		return printOr(e, cmd, *asJSON, st, err, func(st *control.Status) { writeStatus(e.stdout, st) })
	}
	return cmd
}

func writeStatus(w io.Writer, st *control.Status) {
	up := time.Duration(st.UptimeSec * float64(time.Second)).Round(time.Second)
	fmt.Fprintf(w, "ifw daemon on %s, up %s (since %s), config %s\n", st.Host, up, st.Started.Format(time.DateTime), st.Config)
	fmt.Fprintln(w, "\nCollectors")
	for _, c := range st.Collectors {
		s := c.Stats
		fmt.Fprintf(w, "  %-10s %-8s lines %d  packets %d  skipped %d  malformed %d  dropped %d  restarts %d",
			c.Name, c.Type, s.Lines, s.Packets, s.Skipped, s.Malformed, s.Dropped, s.Restarts)
		if c.Latency != nil {
			fmt.Fprintf(w, "  alert latency p50 %.1f ms p99 %.1f ms", c.Latency.P50ms, c.Latency.P99ms)
		}
		if s.LastError != "" {
			fmt.Fprintf(w, "\n             last error: %s", s.LastError)
		}
		fmt.Fprintln(w)
	}
	p, g := st.Pipeline, st.Engine
	fmt.Fprintf(w, "\nEngine: %d packets observed, %d sources tracked, %d detections, %d alerts stored, %d failed, %d queued\n",
		p.Observed, g.Sources, p.Detections, p.Stored, p.StoreFailed, p.Queued)
	if g.FutureTimes > 0 {
		fmt.Fprintf(w, "Clock: %d packets dated ahead of the host clock, counted at its bound\n", g.FutureTimes)
	}
	writeStoreStatus(w, st.Store)
	fmt.Fprintf(w, "Signatures: %s\n", st.Signatures)
	writeActionStats(w, st.Actions)
	writeOutbound(w, st.Outbound)
	writeBlocking(w, st.Blocking)
	writeControl(w, st.Control)
	if st.LogServer != nil {
		writeSensors(w, st)
		return
	}
	writeAttackers(w, "Attackers at danger level 1 or above", st.Attackers)
}

// writeAttackers writes a heading with how many attackers it has and how
// many of them are blocked, then each.
func writeAttackers(w io.Writer, heading string, list []control.AttackerStatus) {
	blocked := 0
	for _, a := range list {
		if a.Blocked != nil {
			blocked++
		}
	}
	fmt.Fprintf(w, "\n%s: %d (%d blocked)\n", heading, len(list), blocked)
	for i := range list {
		writeAttacker(w, &list[i])
	}
}

// writeSensors writes a log server's hosts, then each host's attackers
// apart.
func writeSensors(w io.Writer, st *control.Status) {
	l := st.LogServer
	fmt.Fprintf(w, "\nLog server: %d sensors (at most %d); packets judged as this host's: %d of a host past the bound, %d with no host name; %d idle sensors forgotten\n",
		l.Sensors, l.MaxSensors, l.Refused, l.Invalid, l.Expired)
	byHost := map[string][]control.AttackerStatus{}
	for _, a := range st.Attackers {
		for _, h := range a.Hosts {
			byHost[h] = append(byHost[h], a)
		}
	}
	for _, h := range st.Hosts {
		what := "sensor"
		if !h.Sensor {
			what = "this host"
		}
		seen := "no packet since the start"
		if !h.LastSeen.IsZero() {
			seen = "last packet " + h.LastSeen.Format(time.DateTime)
		}
		fmt.Fprintf(w, "  %-24s %-9s packets %d  sources %d  attackers %d  %s\n",
			termsafe.Field(h.Host), what, h.Packets, h.Sources, h.Attackers, seen)
	}
	for _, h := range st.Hosts {
		if list := byHost[h.Host]; len(list) > 0 {
			writeAttackers(w, "Attackers seen by "+termsafe.Field(h.Host)+" at danger level 1 or above", list)
		}
	}
}

// writeBlockMark says that an attacker is blocked, until when, by what.
func writeBlockMark(w io.Writer, b *control.BlockMark) {
	if b == nil {
		return
	}
	until := "permanently"
	if !b.Permanent {
		until = "until " + b.Until.Format(time.DateTime)
	}
	fmt.Fprintf(w, "    BLOCKED %s (%s block of %s)\n", until, b.Source, b.Prefix)
}

func writeActionStats(w io.Writer, stats map[string]alerts.ActionStats) {
	if len(stats) == 0 {
		return
	}
	fmt.Fprintln(w, "\nActions")
	names := make([]string, 0, len(stats))
	for n := range stats {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := stats[n]
		fmt.Fprintf(w, "  %-10s dispatched %d  ok %d  failed %d  skipped %d  throttled %d  dropped %d\n",
			n, a.Dispatched, a.OK, a.Failed, a.Skipped, a.Throttled, a.Dropped)
	}
}

func writeBlocking(w io.Writer, b *control.BlockingStatus) {
	if b == nil {
		return
	}
	t := b.Totals
	fmt.Fprintf(w, "\nBlocking: %d active; since the start: %d restored, %d put back after vanishing from the kernel, %d expired, %d lost, %d refused by the never-block list, %d lifted by the never-block list, %d strays deleted\n",
		b.Active, t.Restored, t.PutBack, t.Expired, t.Lost, t.Refused, b.Lifted, t.Orphans)
	writeAutoBlock(w, b.Auto)
	writeBlockCounts(w, b)
	writeBulkStatus(w, b.Bulk)
	if wt := b.Watch; wt.SubscribeErrors+wt.RefreshErrors+wt.ResolvConfErrors > 0 {
		fmt.Fprintf(w, "Never-block list: %d reloads after network changes; %d failed, %d broken netlink subscriptions, %d resolv.conf watch errors (see the log)\n",
			wt.Refreshes, wt.RefreshErrors, wt.SubscribeErrors, wt.ResolvConfErrors)
	}
}

// writeBulkStatus says what the last load of the bulk drop lists did.
func writeBulkStatus(w io.Writer, b *control.BulkStatus) {
	if b == nil {
		return
	}
	if !b.Loaded.IsZero() {
		fmt.Fprintf(w, "Bulk drop lists: %d entries (%d IPv4, %d IPv6 in the sets) from %d files, loaded %s\n",
			b.Stats.Entries, b.Stats.Loaded4, b.Stats.Loaded6, len(b.Files), b.Loaded.Local().Format(time.DateTime))
	}
	if b.Error != "" {
		fmt.Fprintf(w, "Bulk drop lists: the last reload failed, the lists loaded before stay: %s\n", termsafe.Field(b.Error))
	}
}

// writeBlockCounts says what blocks were asked for since the start: made
// by source, refused by source and why, kept from blocking by auto_regex.
func writeBlockCounts(w io.Writer, b *control.BlockingStatus) {
	var made, refused []string
	for _, src := range []alerts.BlockSource{alerts.BlockAuto, alerts.BlockManual} {
		if n := b.Made[src]; n > 0 {
			made = append(made, fmt.Sprintf("%s %d", src, n))
		}
		var total uint64
		var whys []string
		for _, why := range slices.Sorted(maps.Keys(b.Refused[src])) {
			total += b.Refused[src][why]
			whys = append(whys, fmt.Sprintf("%s %d", why, b.Refused[src][why]))
		}
		if total > 0 {
			refused = append(refused, fmt.Sprintf("%s %d (%s)", src, total, strings.Join(whys, ", ")))
		}
	}
	if len(made)+len(refused) == 0 && b.AutoRegexSkipped == 0 {
		return
	}
	fmt.Fprintf(w, "Blocks since the start: made %s; refused %s; not auto-blocked for auto_regex %d\n",
		orNone(made), orNone(refused), b.AutoRegexSkipped)
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func writeControl(w io.Writer, c control.ControlStatus) {
	n := c.Connections
	fmt.Fprintf(w, "\nControl socket: %d connections (at most %d, %d per user), %d refused",
		n.Open, n.Max, n.MaxPerUID, n.Refused)
	if a := c.Applets; a != nil {
		fmt.Fprintf(w, "; applets %d (at most %d, %d per user), %d refused",
			a.Subscribers, a.MaxSubscribers, a.MaxSubscribersPerUID, a.Refused)
	}
	fmt.Fprintln(w)
}

func writeOutbound(w io.Writer, o *control.OutboundStatus) {
	if o == nil {
		return
	}
	fail := "closed (drop)"
	if o.FailOpen {
		fail = "open (accept)"
	}
	fmt.Fprintf(w, "\nOutbound: queue %d, mode %s, fail %s, %d rules\n", o.Queue, o.Mode, fail, o.Rules)
	fmt.Fprintf(w, "  verdicts %d: accepted %d  dropped %d  rejected %d  by rule %d\n",
		o.Packets, o.Accepted, o.Dropped, o.Rejected, o.ByRule)
	fmt.Fprintf(w, "  questions %d: answered %d  timed out %d  open %d  merged packets %d\n",
		o.Asked, o.Answered, o.TimedOut, o.Open, o.Merged)
	fmt.Fprintf(w, "  unknown processes %d  unreadable %d  overflow %d (%d over one user's share)  verdict errors %d  lookup errors %d  ENOBUFS %d\n",
		o.Unknown, o.Unreadable, o.Overflow, o.UIDLimited, o.VerdictErrs, o.LookupErrs, o.ENOBUFS)
	if k := o.Kernel; k != nil {
		fmt.Fprintf(w, "  kernel: %d waiting, %d dropped (queue full), %d lost (socket buffer full)\n",
			k.Waiting, k.Dropped, k.UserDropped)
	} else {
		fmt.Fprintln(w, "  kernel: nothing bound to the queue")
	}
	a := o.Attribution
	fmt.Fprintf(w, "  attribution: %d lookups, %d cached, %d searched (%d descriptor links read, %d beyond the user's processes), %d without a process, %d PID reuses caught\n",
		a.Lookups, a.CacheHits, a.CacheMisses, a.FDsRead, a.FullScans, a.NoProcess, a.PIDReuse)
	if a.ProcEvents {
		fmt.Fprintf(w, "  process events: %d read, %d losses, %d processes read ahead, %d searches listed /proc\n",
			a.ProcEventsRead, a.ProcEventsLost, a.ReadAhead, a.ProcDirListings)
	} else {
		fmt.Fprintf(w, "  process events: off (no process connector): %d searches listed /proc\n", a.ProcDirListings)
	}
	if d := o.DNS; d != nil {
		fmt.Fprintf(w, "  dns names: %d addresses named; %d queries, %d answered, %d answers to no query (forged, late, duplicated) ignored, %d names learned, %d queries not tracked (table full)\n",
			d.Addrs, d.Queries, d.Answers, d.Unmatched, d.Learned, d.Full)
	}
	if l := o.Log; l != nil {
		fmt.Fprintf(w, "  verdict log %s: %d lines written, %d dropped (queue full), %d lost to write errors, %d rotations\n",
			termsafe.Field(l.Target), l.Written, l.Dropped, l.WriteErrors, l.Rotations)
	}
	if l := o.RuleLatency; l != nil {
		fmt.Fprintf(w, "  verdict by rule p50 %.3f ms p99 %.3f ms (%d samples)\n", l.P50ms, l.P99ms, l.Samples)
	}
}

// writeStoreStatus says when the store is not what it should be: alerts
// waiting to be stored (acted on all the same), a corrupt database set aside.
func writeStoreStatus(w io.Writer, s control.StoreStatus) {
	if s.CorruptMovedTo != "" {
		fmt.Fprintf(w, "Store: the database was corrupt at start; kept as %s, a new one started\n", s.CorruptMovedTo)
	}
	if sp := s.Spool; sp != nil {
		writeSpoolStatus(w, s, sp)
		return
	}
	if s.Degraded {
		fmt.Fprintf(w, "Store: DEGRADED: %d alerts waiting to be stored (acted on all the same), %d given up; last error: %s\n",
			s.Unstored, s.Dropped, s.LastError)
	}
}

// writeSpoolStatus is the store line of a shared database (PostgreSQL):
// whether it is reachable, and what waits in the outage spool.
func writeSpoolStatus(w io.Writer, s control.StoreStatus, sp *control.SpoolStatus) {
	switch {
	case sp.Down:
		fmt.Fprintf(w, "Store: %s DEGRADED: the database is unreachable; detecting and blocking go on; %d writes queued in %s (%d bytes), delivered in order when it is back",
			s.Kind, sp.Queued, sp.Dir, sp.Bytes)
	case sp.Queued > 0:
		fmt.Fprintf(w, "Store: %s DEGRADED: delivering %d queued writes from %s", s.Kind, sp.Queued, sp.Dir)
	default:
		fmt.Fprintf(w, "Store: %s ok", s.Kind)
	}
	if sp.Dropped+sp.Lost > 0 {
		fmt.Fprintf(w, "; %d writes given up (spool full: oldest first) and %d lost", sp.Dropped, sp.Lost)
	}
	if sp.Rejected+sp.Damaged > 0 {
		fmt.Fprintf(w, "; %d refused by the database, %d damaged spans in the spool (see the log)", sp.Rejected, sp.Damaged)
	}
	if sp.Outages > 0 {
		fmt.Fprintf(w, "; %d outages, %d writes delivered from the spool", sp.Outages, sp.Delivered)
	}
	if s.LastError != "" && (sp.Down || s.Unstored > 0) {
		fmt.Fprintf(w, "; last error: %s", s.LastError)
	}
	fmt.Fprintln(w)
	if s.Unstored > 0 {
		fmt.Fprintf(w, "Store: %d alerts waiting to be stored (acted on all the same), %d given up\n", s.Unstored, s.Dropped)
	}
}

// writeAttacker writes an attacker's block as ifw analyze does, where what
// the daemon saw in a syslog file (forgeable by any local user) is told
// apart from what the kernel gave it.
func writeAttacker(w io.Writer, a *control.AttackerStatus) {
	analyze.WriteAttacker(w, &a.Attacker, func(t time.Time) string { return t.Format(time.DateTime) })
	writeBlockMark(w, a.Blocked)
	if !a.Trusted {
		fmt.Fprintln(w, "    evidence: UNTRUSTED (a log file any local user can write to; the source may be forged)")
	}
}
