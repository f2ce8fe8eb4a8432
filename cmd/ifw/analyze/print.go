package analyze

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ifw/ifw/cmd/ifw/jsonlists"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// The report, in two forms: psad -A style text and JSON lines.

// WriteJSON writes one JSON object a line per attacker at Options.MinLevel
// or above, most dangerous first; empty lists are [], never null, and an
// attacker seen at kernel uptime only has first_uptime and last_uptime
// (seconds since boot) beside null first_seen and last_seen.
func (a *Analysis) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	attackers := a.Attackers(a.opts.MinLevel)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	lists := jsonlists.New() // empty lists as [], never null
	for i := range attackers {
		if err := enc.Encode(lists.Fill(a.jsonAttacker(&attackers[i]))); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteText writes the report as psad -A does: the period, the sources by
// danger level, top lists of top rows (attackers, ports, signatures, log
// prefixes, protocols), then each attacker at Options.MinLevel or above.
func (a *Analysis) WriteText(w io.Writer, top int) error {
	bw := bufio.NewWriter(w)
	a.writeText(bw, a.Attackers(a.opts.MinLevel), top)
	return bw.Flush()
}

func (a *Analysis) writeText(w io.Writer, attackers []signatures.Attacker, top int) {
	c := &a.counts
	fmt.Fprintf(w, "ifw analyze: %d lines, %d firewall packets", c.lines, c.packets)
	if !c.first.IsZero() {
		fmt.Fprintf(w, " from %s to %s", c.first.Format(time.DateTime), c.last.Format(time.DateTime))
	}
	if c.untimed > 0 {
		if !c.first.IsZero() {
			fmt.Fprintf(w, "; %d", c.untimed)
		}
		fmt.Fprintf(w, " at kernel uptime %s to %s", uptime(c.upFirst), uptime(c.upLast))
	}
	fmt.Fprintln(w)
	writeLevels(w, a.Attackers(1))
	writeTopAttackers(w, attackers, top)
	writeTopPorts(w, c.ports, top)
	writeTopSignatures(w, attackers, top)
	writeCounter(w, "Log prefixes", c.prefixes, top)
	protos := map[string]int{} // named as sources.ProtoName names them
	for p, n := range c.protos {
		if n > 0 {
			protos[sources.ProtoName(uint8(p))] = n
		}
	}
	writeCounter(w, "Protocols", protos, top)
	fmt.Fprintf(w, "\nAttackers at danger level %d or above: %d\n", a.opts.MinLevel, len(attackers))
	if n := a.stats().NotRetained; n > 0 {
		fmt.Fprintf(w, "(%d more attackers whose scan window ended are not listed: past %d, the least dangerous give way)\n",
			n, Retain)
	}
	for i := range attackers {
		WriteAttacker(w, &attackers[i], a.when)
	}
}

func writeLevels(w io.Writer, all []signatures.Attacker) {
	var per [signatures.MaxLevel + 1]int
	for i := range all {
		per[all[i].Level]++
	}
	fmt.Fprintln(w, "\nSources by danger level")
	for l := signatures.MaxLevel; l >= 1; l-- {
		fmt.Fprintf(w, "  DL %d: %d\n", l, per[l])
	}
}

func writeTopAttackers(w io.Writer, as []signatures.Attacker, top int) {
	fmt.Fprintln(w, "\nTop attackers")
	for i := 0; i < len(as) && i < top; i++ {
		a := &as[i]
		fmt.Fprintf(w, "  %-39s DL %d  %8d packets  %4d destinations  %s\n", a.Src, a.Level, a.Packets, a.DestinationCount, scanTypes(a))
	}
}

func scanTypes(a *signatures.Attacker) string {
	seen := map[string]bool{}
	var out []string
	for _, s := range a.Scans {
		if k := strings.ReplaceAll(scanLabel(s), " ", "/"); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return strings.Join(out, " ")
}

func writeTopPorts(w io.Writer, ports *portTally, top int) {
	m := map[string]int{}
	if ports != nil {
		ports.each(func(proto int, port uint16, n uint32) {
			m[fmt.Sprintf("%s/%d", portProtos[proto], port)] = int(n)
		})
	}
	writeCounter(w, "Top scanned ports", m, top)
}

func writeTopSignatures(w io.Writer, as []signatures.Attacker, top int) {
	m := map[string]int{}
	for i := range as {
		for _, s := range as[i].Signatures {
			m[fmt.Sprintf("%d %s (DL %d)", s.ID, s.Name, s.Level)] += s.Packets
		}
	}
	writeCounter(w, "Top signatures", m, top)
}

// writeCounter prints the largest counts of m, ties in name order.
func writeCounter(w io.Writer, title string, m map[string]int, top int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	fmt.Fprintf(w, "\n%s\n", title)
	if len(keys) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	for i := 0; i < len(keys) && i < top; i++ {
		name := keys[i]
		if name == "" {
			name = "(no prefix)"
		}
		fmt.Fprintf(w, "  %10d  %s\n", m[keys[i]], name)
	}
}

// WriteAttacker writes an attacker's block as the text report shows it
// (`ifw status` shows the daemon's the same way), its times shown by when:
// its destinations, scans, signature hits, OS and tool guesses, auto_dl
// level.
func WriteAttacker(w io.Writer, a *signatures.Attacker, when func(time.Time) string) {
	fmt.Fprintf(w, "\n%s  danger level %d  %d packets", a.Src, a.Level, a.Packets)
	if !a.FirstSeen.IsZero() {
		fmt.Fprintf(w, "  %s .. %s", when(a.FirstSeen), when(a.LastSeen))
	}
	fmt.Fprintln(w)
	for _, t := range a.Targets {
		fmt.Fprintf(w, "    destination %-39s DL %d  %d packets\n", t.Dst, t.Level, t.Packets)
	}
	if a.DestinationCount > len(a.Targets) {
		fmt.Fprintf(w, "    … %d destinations in all\n", a.DestinationCount)
	}
	for _, s := range a.Scans {
		to := s.Dst.String()
		if !s.Dst.IsValid() {
			to = fmt.Sprintf("%d hosts", s.Hosts)
		}
		fmt.Fprintf(w, "    scan %-14s %-39s %s%d packets\n", scanLabel(s), to, scanRange(s), s.Packets)
	}
	for _, s := range a.Signatures {
		fmt.Fprintf(w, "    signature %d %q  DL %d  %d packets\n", s.ID, s.Name, s.Level, s.Packets)
	}
	if a.OS != "" || a.Tool != "" {
		fmt.Fprintf(w, "    os: %s  tool: %s\n", orDash(a.OS), orDash(a.Tool))
	}
	if a.AutoDL != 0 {
		fmt.Fprintf(w, "    auto_dl: level %d\n", a.AutoDL)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
