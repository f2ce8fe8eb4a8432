package signatures

import (
	"net/netip"
	"time"
)

// retire keeps a snapshot of a source whose state is about to end (expired,
// restarted or evicted) when Config.Retain asks for it: offline analysis
// reports every attacker of a log, not only those of its last scan window.
func (e *Engine) retire(s *source) {
	if e.cfg.Retain == 0 || (s.level == 0 && !e.cfg.RetainLevelZero) {
		return
	}
	if len(e.retained) >= e.cfg.Retain {
		e.unkept++
		return
	}
	e.retained = append(e.retained, snapshot(s, &e.cfg))
}

// mergeAttackers folds the entries of one address (its scan windows) into
// one: the picture of its most dangerous window, with the packets, the
// ports' packets and the time span of all, trusted only when every window
// was.
func mergeAttackers(as []Attacker) []Attacker {
	at := make(map[netip.Addr]int, len(as))
	out := as[:0]
	for _, a := range as {
		i, seen := at[a.Src]
		if !seen {
			at[a.Src] = len(out)
			out = append(out, a)
			continue
		}
		b := &out[i]
		packets, ports := a.Packets+b.Packets, mergePortHits(b.Ports, a.Ports)
		first, last := minTime(a.FirstSeen, b.FirstSeen), maxTime(a.LastSeen, b.LastSeen)
		trusted := a.Trusted && b.Trusted
		if a.Level > b.Level || (a.Level == b.Level && a.Packets > b.Packets) {
			*b = a
		}
		b.Packets, b.FirstSeen, b.LastSeen, b.Trusted, b.Ports = packets, first, last, trusted, ports
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
