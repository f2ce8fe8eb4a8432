package signatures

import (
	"container/heap"
	"net/netip"
	"time"
)

// retire keeps a snapshot of a source whose state is about to end (expired,
// restarted or evicted) when Config.Retain asks for it: offline analysis
// reports every attacker of a log, not only those of its last scan window.
// When Retain snapshots are kept already, the least dangerous one (lowest
// level, then fewest packets) gives way to a more dangerous newcomer: a
// flood of one-packet sources early in a log must not hide a level-3
// attacker after it. What is given up is counted (Stats.NotRetained).
func (e *Engine) retire(s *source) {
	if e.cfg.Retain == 0 || (s.level == 0 && !e.cfg.RetainLevelZero) {
		return
	}
	if len(e.retained) < e.cfg.Retain {
		e.retained = append(e.retained, snapshot(s, &e.cfg))
		return
	}
	e.unkept++
	h := retainHeap(e.retained)
	if !e.retainedHeap {
		heap.Init(&h)
		e.retainedHeap = true
	}
	if !lessDangerous(dangerOf(&h[0]), danger{int(s.level), int(s.packets), s.addr, s.first}) {
		return
	}
	h[0] = snapshot(s, &e.cfg)
	heap.Fix(&h, 0)
}

// danger is what orders the retained attackers: level, then packets, then
// (a total order, so that which are kept does not depend on the order
// they ended in, nor on how a log was shared among engines: Shards) the
// higher address and then the later window counting as less dangerous.
type danger struct {
	level, packets int
	src            netip.Addr
	first          int64
}

func dangerOf(a *Attacker) danger {
	return danger{a.Level, a.Packets, a.Src, a.FirstSeen.UnixNano()}
}

// lessDangerous reports whether a is less dangerous than b.
func lessDangerous(a, b danger) bool {
	if a.level != b.level {
		return a.level < b.level
	}
	if a.packets != b.packets {
		return a.packets < b.packets
	}
	if c := a.src.Compare(b.src); c != 0 {
		return c > 0
	}
	return a.first > b.first
}

// retainHeap is the retained attackers as a min-heap of danger, once full.
type retainHeap []Attacker

func (h retainHeap) Len() int           { return len(h) }
func (h retainHeap) Less(i, j int) bool { return lessDangerous(dangerOf(&h[i]), dangerOf(&h[j])) }
func (h retainHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *retainHeap) Push(any)          { panic("retainHeap is fixed in size") }
func (h *retainHeap) Pop() any          { panic("retainHeap is fixed in size") }

// mergeAttackers folds the entries of one address (its scan windows) into
// one: the picture of its most dangerous window (of two alike, the later),
// with the packets, the ports' packets and the time span of all, trusted
// only when every window was. The result does not depend on the order of
// as (Shards).
func mergeAttackers(as []Attacker) []Attacker {
	at := make(map[netip.Addr]int, len(as))
	out := as[:0]
	var picked []danger // of the window out[i] shows, the later first
	for _, a := range as {
		i, seen := at[a.Src]
		d := danger{a.Level, a.Packets, a.Src, -a.FirstSeen.UnixNano()}
		if !seen {
			at[a.Src] = len(out)
			out = append(out, a)
			picked = append(picked, d)
			continue
		}
		b := &out[i]
		packets, ports := a.Packets+b.Packets, mergePortHits(b.Ports, a.Ports)
		first, last := minTime(a.FirstSeen, b.FirstSeen), maxTime(a.LastSeen, b.LastSeen)
		trusted := a.Trusted && b.Trusted
		if lessDangerous(picked[i], d) {
			*b, picked[i] = a, d
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
