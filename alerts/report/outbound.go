package report

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/ifw/ifw/alerts"
)

// unknownProcess names the program of a question whose process was not
// found.
const unknownProcess = "unknown process"

// OutboundSummary is what the outbound module (actions/verdict) asked
// over the period: the questions closed in it, how they ended, and what
// they were about. A question holds the new connections of one user's
// program to one destination, port and protocol while the user is asked.
// Every question ends allowed or denied, so Allowed + Denied = Questions;
// TimedOut and Rules count some of them again by how they ended.
type OutboundSummary struct {
	Questions int `json:"questions"` // questions closed in the period
	Allowed   int `json:"allowed"`
	Denied    int `json:"denied"`    // denied or rejected
	TimedOut  int `json:"timed_out"` // nobody answered: the default verdict applied
	Rules     int `json:"rules"`     // answers that added a rule (not "once")
	// Programs are the most asked-about executables ("unknown process" for
	// a process not found), most first; Destinations the most asked-about
	// "dst:port/proto" ("[2001:db8::1]:443/tcp" for IPv6). At most
	// Options.Top each.
	Programs     []NamedCount `json:"programs"`
	Destinations []NamedCount `json:"destinations"`
	// RuleHits are the rules that matched most since each was loaded or
	// added (the daemon's counters, not the period's), most first; those
	// never hit are left out. At most Options.Top; nil when the daemon's
	// rules were not known (Options.Rules).
	RuleHits []RuleHit `json:"rule_hits,omitempty"`
}

// RuleHit is an outbound rule and how many connections it decided.
type RuleHit struct {
	ID   uint64 `json:"id"`
	Line string `json:"line"` // as in the rules file
	Hits uint64 `json:"hits"`
}

// topRules are the top rules of rs by hits, those never hit left out.
func topRules(rs []RuleHit, top int) []RuleHit {
	out := slices.DeleteFunc(slices.Clone(rs), func(r RuleHit) bool { return r.Hits == 0 })
	slices.SortStableFunc(out, func(a, b RuleHit) int {
		if c := cmp.Compare(b.Hits, a.Hits); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out[:min(len(out), top)]
}

// summarizeOutbound sums up the questions closed in p.
func summarizeOutbound(qs []alerts.Question, p Period, top int) *OutboundSummary {
	s := &OutboundSummary{}
	programs, dsts := map[string]int{}, map[string]int{}
	for i := range qs {
		q := &qs[i]
		if !p.in(q.Closed) {
			continue
		}
		s.Questions++
		if q.Verdict == alerts.VerdictAllow {
			s.Allowed++
		} else {
			s.Denied++
		}
		if q.By == alerts.ClosedByTimeout {
			s.TimedOut++
		}
		if q.AddedRule() {
			s.Rules++
		}
		programs[programName(q.Exe)]++
		dsts[destination(q)]++
	}
	s.Programs, s.Destinations = ranked(programs, top), ranked(dsts, top)
	return s
}

// programName is exe, or unknownProcess for "".
func programName(exe string) string {
	if exe == "" {
		return unknownProcess
	}
	return exe
}

// destination is "dst:port/proto".
func destination(q *alerts.Question) string {
	return netip.AddrPortFrom(q.Dst, q.Port).String() + "/" + q.Proto
}
