package signatures

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"time"

	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
)

// Shards are engines that share one log by source address, so that a
// caller can run each on its own core: a source's packets all go to one
// engine (the one Stamp names), which alone holds its state. Sources are independent in the
// detection model, but for time: expiry follows the engine's clock, which
// every packet moves. So one timeline dates the packets in log order
// (Stamp, in the caller's one reading goroutine) and each engine counts its
// packets at those dates (Count, in the engine's goroutine), as the one
// engine that read the whole log would have. Attackers and Stats, after
// Settle, are what that engine reports.
//
// Shards starts no goroutine and is not safe for concurrent use as a
// whole: Stamp from one goroutine, Count(i, …) from one goroutine per i,
// the rest when those are done.
//
// The bounds are shared: each engine tracks MaxSources/N sources and holds
// MaxPortBitmaps/N bitmaps (rounded up), so memory does not grow with N;
// where a log reaches them (Stats.Evicted, SaturatedPortSets) the answer
// may differ from one engine's. Each engine retains up to Retain ended
// attackers; Attackers keeps the Retain most dangerous of all, as one
// engine would.
type Shards struct {
	engines []*Engine
	time    timeline
	reach   []reach // per engine, since its last packet
	last    Stamp
}

// Stamp is one packet's time as the shared timeline saw it, with what the
// engine that counts it needs besides: the packet's verdict by the ignore
// lists and auto_dl (judged once, by Stamp), and how far expiry reached
// over the packets since that engine's last.
type Stamp struct {
	t                    int64
	latest               int64
	clock, trusted       int64
	hasTime              bool
	clockSet, trustedSet bool
	v                    verdict
	reach                reach
}

// reach is how far expiry got over some packets: the latest time at which
// both a packet's time and the clock (untrusted sources' clock, trusted
// sources' clock) said a window was over; none when nothing could end.
type reach struct{ untrusted, trusted int64 }

const none = math.MinInt64

// extend takes in a packet dated t.
func (r *reach) extend(t int64, tl *timeline) {
	if tl.clock.set {
		r.untrusted = max(r.untrusted, min(t, tl.clock.now))
	}
	if tl.trusted.set {
		r.trusted = max(r.trusted, min(t, tl.trusted.now))
	}
}

// expireTo ends the sources, from the LRU tail, whose window r says is
// over: what expire would have ended at each of the packets r took in.
func (e *Engine) expireTo(r *reach) {
	for {
		if en := e.noise.oldest(); e.oldestIsNoise(en) {
			if !r.overRec(en, e.cfg.ScanTimeout) {
				return
			}
			e.expired++
			e.endOldestNoise(en)
			continue
		}
		s := e.lru.tail
		if s == nil || !r.over(s, e.cfg.ScanTimeout) {
			return
		}
		e.end(s)
	}
}

func (r *reach) overRec(en *noiseRec, timeout time.Duration) bool {
	at := r.trusted
	if en.bits&nrUntrusted != 0 {
		at = r.untrusted
	}
	return at != none && at-en.t > int64(timeout)
}

func (r *reach) over(s *source, timeout time.Duration) bool {
	at := r.trusted
	if s.untrusted {
		at = r.untrusted
	}
	return at != none && at-s.last > int64(timeout)
}

// NewShards validates cfg and returns n engines (n ≥ 1) matching sigs.
func NewShards(cfg Config, sigs *rules.Set, n int) (*Shards, error) {
	if n < 1 {
		return nil, fmt.Errorf("signatures: %d shards", n)
	}
	per := cfg
	per.MaxSources = (cfg.MaxSources + n - 1) / n
	per.MaxPortBitmaps = (cfg.MaxPortBitmaps + n - 1) / n
	sh := &Shards{engines: make([]*Engine, n), reach: make([]reach, n)}
	for i := range sh.engines {
		sh.reach[i] = reach{none, none}
		e, err := New(per, sigs)
		if err != nil {
			return nil, err
		}
		sh.engines[i] = e
	}
	return sh, nil
}

// Len is the number of engines.
func (sh *Shards) Len() int { return len(sh.engines) }

// of is the engine for canonical source src.
func (sh *Shards) of(src netip.Addr) int {
	if len(sh.engines) == 1 {
		return 0
	}
	return int((shardHash(src) >> 32) % uint64(len(sh.engines)))
}

// shardHash hashes the 16 bytes of src (As16), the halves read as little-
// endian words. An IPv4 address's are known without them: 0, and ffff then
// the address (copying As16's array cost a store-forwarding stall on every
// packet in the dispatcher).
func shardHash(src netip.Addr) uint64 {
	var x uint64
	if src.Is4() {
		a := src.As4()
		x = uint64(binary.LittleEndian.Uint32(a[:]))<<32 | 0xffff<<16
	} else {
		b := src.As16()
		x = binary.LittleEndian.Uint64(b[:8]) ^ binary.LittleEndian.Uint64(b[8:])
	}
	return x * 0x9e3779b97f4a7c15
}

// Stamp dates p on the shared timeline and returns the engine that counts
// it (by its source address) with the stamp Count needs; call it for every
// packet, in log order.
func (sh *Shards) Stamp(p *sources.Packet) (int, Stamp) {
	var pp Prepared
	prepareLazy(p, &pp)
	pp.v = sh.engines[0].judge(p, pp.src, pp.dst)
	return sh.StampPrepared(&pp)
}

// StampPrepared is Stamp for a packet prepared as pp (Preparer); it only
// reads pp.
func (sh *Shards) StampPrepared(pp *Prepared) (int, Stamp) {
	tl := &sh.time
	t := tl.timeAt(pp.t, pp.hasT, pp.trusted)
	i := sh.of(pp.src)
	st := Stamp{t: t, latest: tl.latest, hasTime: tl.hasTime,
		clock: tl.clock.now, clockSet: tl.clock.set, trusted: tl.trusted.now, trustedSet: tl.trusted.set,
		v: pp.v, reach: reach{none, none}}
	if !st.v.ignored { // an ignored packet expires nothing
		for j := range sh.reach {
			sh.reach[j].extend(t, tl)
		}
		st.reach, sh.reach[i] = sh.reach[i], reach{none, none}
	}
	sh.last = st
	return i, st
}

// Count counts p, dated st, in engine i (as Stamp returned them).
func (sh *Shards) Count(i int, p *sources.Packet, st *Stamp) {
	var pp Prepared
	prepareLazy(p, &pp)
	pp.v = st.v
	sh.CountPrepared(i, &pp, st)
}

// CountPrepared is Count for a packet prepared as pp (Preparer) and
// stamped st (StampPrepared), whose packet is unchanged since.
func (sh *Shards) CountPrepared(i int, pp *Prepared, st *Stamp) {
	e := sh.engines[i]
	e.apply(st)
	e.countJudged(pp, st.t, &st.reach)
}

// apply sets the engine's time to st's.
func (e *Engine) apply(st *Stamp) {
	e.latest, e.hasTime = st.latest, st.hasTime
	e.clock.now, e.clock.set = st.clock, st.clockSet
	e.trusted.now, e.trusted.set = st.trusted, st.trustedSet
}

// Settle ends in every engine the windows over by the timeline's clock
// (Engine.Settle), at the end of the log.
func (sh *Shards) Settle() {
	for _, e := range sh.engines {
		e.apply(&sh.last)
		e.Settle()
	}
}

// Attackers are the engines' attackers at minLevel or above, ordered and
// bounded as one engine's (Engine.Attackers).
func (sh *Shards) Attackers(minLevel int) []Attacker {
	var out []Attacker
	for _, e := range sh.engines {
		if minLevel <= 0 {
			e.promoteAll() // noise records are at level 0
		}
		for s := e.lru.head; s != nil; s = s.next {
			if int(s.level) >= minLevel && (e.cfg.Retain > 0 || !e.stale(s)) {
				out = append(out, snapshot(s, &e.cfg))
			}
		}
	}
	retained := sh.allRetained()
	for _, a := range sh.kept(retained) {
		if a.Level >= minLevel {
			out = append(out, a)
		}
	}
	if len(retained) > 0 {
		out = mergeAttackers(out)
	}
	sortAttackers(out)
	return out
}

// kept are the Retain most dangerous of the engines' retained attackers.
func (sh *Shards) kept(retained []Attacker) []Attacker {
	limit := sh.engines[0].cfg.Retain
	if len(retained) <= limit {
		return retained
	}
	slices.SortFunc(retained, func(a, b Attacker) int {
		if lessDangerous(dangerOf(&b), dangerOf(&a)) {
			return -1
		}
		return 1
	})
	return retained[:limit]
}

// Stats are the engines' counters summed, with the timeline's future
// times and the ended attackers Attackers does not keep.
func (sh *Shards) Stats() Stats {
	var st Stats
	for i, e := range sh.engines {
		s := e.Stats()
		if i == 0 {
			st = s
		} else {
			st.add(&s)
		}
	}
	all := sh.allRetained()
	st.FutureTimes = sh.time.future
	st.NotRetained += uint64(len(all) - len(sh.kept(all)))
	return st
}

func (sh *Shards) allRetained() []Attacker {
	var all []Attacker
	for _, e := range sh.engines {
		all = append(all, e.retained...)
	}
	return all
}

// add sums o into st.
func (st *Stats) add(o *Stats) {
	st.Packets += o.Packets
	st.Counted += o.Counted
	st.Sources += o.Sources
	st.Created += o.Created
	st.Evicted += o.Evicted
	st.Expired += o.Expired
	st.Detections += o.Detections
	st.Untracked += o.Untracked
	st.NotRetained += o.NotRetained
	st.PortBitmaps += o.PortBitmaps
	st.SaturatedPortSets += o.SaturatedPortSets
	for k, n := range o.Ignored {
		st.Ignored[k] += n
	}
}
