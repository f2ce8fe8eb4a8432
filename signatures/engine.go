package signatures

import (
	"fmt"
	"net/netip"

	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
)

// Engine scores attackers from logged packets. It is not safe for
// concurrent use: one goroutine calls Observe, Attackers and Stats.
type Engine struct {
	cfg     Config
	filter  *filter
	sigs    *rules.Set
	hasSigs bool
	onSig   func(*rules.Rule) // bound once: Match's callback without an allocation

	srcs     map[[16]byte]*source // by canonical address (As16: no zone, IPv4 unmapped)
	lru      lru
	free     []*source // recycled states (expired)
	bitmaps  bitmapPool
	timeline // the engine's time (clock.go)

	cur      *source // the source the current Match is for
	newSig   bool
	sigCalls uint64 // signature hits (Match callbacks) so far

	noise   noiseTable // one-packet sources (Config.CompactNoise; noise.go)
	scratch source     // a new source's state until it is kept or made a record
	names   []string   // fingerprintNames, indexed by noise records

	retained []Attacker // attackers whose state ended (Config.Retain)
	unkept   uint64     // ended attackers not retained: Retain was full
	// retainedHeap: retained is ordered as a retainHeap (set once full).
	retainedHeap bool

	packets, counted, created, evicted uint64
	expired, detections, untracked     uint64
	ignored                            [numIgnoreReasons]uint64
}

// New validates cfg and returns an engine matching sigs (nil: none).
func New(cfg Config, sigs *rules.Set) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("signatures: %w", err)
	}
	e := &Engine{
		cfg:     cfg,
		sigs:    sigs,
		hasSigs: sigs != nil && sigs.Len() > 0,
		srcs:    make(map[[16]byte]*source),
		bitmaps: bitmapPool{max: cfg.MaxPortBitmaps},
		names:   fingerprintNames(),
	}
	e.filter = newFilter(&e.cfg)
	e.onSig = e.signature
	return e, nil
}

// Observe counts p and returns a detection when its source's picture
// changed in a way that matters and the source's level is at least 1. It
// keeps no reference to p.
func (e *Engine) Observe(p *sources.Packet) (Detection, bool) {
	s, prev, reasons, t := e.count(p)
	if s == nil || reasons == 0 || s.level == 0 {
		return Detection{}, false
	}
	e.detections++
	return Detection{
		Time: unixTime(t), Reasons: reasons, PrevLevel: int(prev),
		Attacker: snapshot(s, &e.cfg),
	}, true
}

// Count counts p like Observe but builds no Detection: for offline analysis,
// which reads Attackers once at the end.
func (e *Engine) Count(p *sources.Packet) {
	e.count(p)
}

// count updates the state of p's source and returns it (nil when p was
// ignored), its level before p, why its picture changed, and p's time.
func (e *Engine) count(p *sources.Packet) (*source, uint8, Reason, int64) {
	var pp Prepared
	prepareLazy(p, &pp)
	t := e.timeAt(pp.t, pp.hasT, pp.trusted)
	pp.v = e.judge(p, pp.src, pp.dst)
	return e.countJudged(&pp, t, nil)
}

// verdict is whether a packet is ignored, why, and its auto_dl floor.
type verdict struct {
	ignored bool
	reason  IgnoreReason
	floor   uint8
}

// judge applies the ignore lists and auto_dl to p (canonical src).
func (e *Engine) judge(p *sources.Packet, src, dst netip.Addr) verdict {
	j := judgement{e.filter, e.cfg.AutoDL}
	return j.judge(p, src, dst)
}

// judgement is what judging a packet reads: the ignore lists and auto_dl
// (a Preparer keeps its own copy, off the cache lines its engine writes).
type judgement struct {
	filter *filter
	autoDL *AutoDL
}

// judge applies the ignore lists and auto_dl to p (canonical src). It only
// reads j.
func (j *judgement) judge(p *sources.Packet, src, dst netip.Addr) verdict {
	if reason, ign := j.filter.check(p, src, dst); ign {
		return verdict{ignored: true, reason: reason}
	}
	floor, ign := j.floor(p, src)
	if ign {
		return verdict{ignored: true, reason: IgnoreAutoDL}
	}
	return verdict{floor: floor}
}

// countJudged is count for a packet prepared (and judged) as pp, dated t.
// Expiry runs at t, or, for an engine of Shards, as far as reach says the
// packets the other engines counted since this one's last would have run
// it.
func (e *Engine) countJudged(pp *Prepared, t int64, r *reach) (*source, uint8, Reason, int64) {
	e.packets++
	if pp.v.ignored {
		e.ignored[pp.v.reason]++
		return nil, 0, 0, t
	}
	e.counted++
	if r == nil {
		e.expire(t)
	} else {
		e.expireTo(r)
	}
	s, fresh := e.lookup(pp.src, t, pp.trusted)
	prev := s.level
	sigCalls := e.sigCalls
	reasons := e.update(s, pp, t)
	s.trust(pp.trusted)
	if s.level > prev {
		reasons |= ReasonLevel
	}
	if fresh && !e.keepAsNoise(s, &pp.o, pp.dst, sigCalls, pp.v.floor) {
		s = e.keepScratch()
	}
	return s, prev, reasons, t
}

// keepScratch gives the new source counted in e.scratch a state of its own
// (the scratch takes the state's old arrays) and returns it.
func (e *Engine) keepScratch() *source {
	s := e.take()
	*s, e.scratch = e.scratch, *s
	e.srcs[s.addr.As16()] = s
	e.lru.pushFront(s)
	return s
}

// floor returns the auto_dl floor for p (an entry with protocol) and
// whether an entry with level 0 ignores it.
func (j *judgement) floor(p *sources.Packet, src netip.Addr) (uint8, bool) {
	if j.autoDL.Len() == 0 {
		return 0, false
	}
	port, hasPort := dstPort(p)
	ent, ok := j.autoDL.Match(src, p.Proto, port, hasPort)
	switch {
	case !ok:
		return 0, false
	case ent.Level == 0:
		return 0, true
	case ent.qualified():
		return uint8(ent.Level), false
	}
	return 0, false
}

// expire drops the sources whose window is over at t (by their clock too)
// from the LRU tail (and the noise ring, in the order they were seen):
// each source is dropped at most once, so this is O(1) amortised.
func (e *Engine) expire(t int64) {
	for {
		if en := e.noise.oldest(); e.oldestIsNoise(en) {
			if !e.overRec(en, t, false) {
				return
			}
			e.expired++
			e.endOldestNoise(en)
			continue
		}
		s := e.lru.tail
		if s == nil || !e.over(s, t, false) {
			return
		}
		e.end(s)
	}
}

// end retires s and frees its state.
func (e *Engine) end(s *source) {
	e.retire(s)
	e.drop(s)
	e.expired++
	s.reset(netip.Addr{}, 0, &e.bitmaps) // give its bitmaps back now
	e.free = append(e.free, s)
}

// Settle ends the windows that the latest packet and the engine's clock
// say are over, wherever they are in the LRU: at the end of a log, so that
// which attackers are live and which retired does not depend on the order
// expire met them in (Shards).
func (e *Engine) Settle() {
	for p := e.noise.head; p < e.noise.tail; p++ {
		r := &e.noise.ring[p&uint64(len(e.noise.ring)-1)]
		if r.bits&nrDead == 0 && e.overRec(r, e.latest, false) {
			e.expired++
			e.noise.remove(e.noise.slotOf(r, p))
		}
	}
	for s := e.lru.head; s != nil; {
		next := s.next
		if e.over(s, e.latest, false) {
			e.end(s)
		}
		s = next
	}
}

func (e *Engine) drop(s *source) {
	e.lru.remove(s)
	delete(e.srcs, s.addr.As16())
}

// lookup returns src's state, starting (or restarting) it as needed, and
// makes it the most recently seen. A new source is counted in e.scratch
// (fresh) when noise records are on: countJudged keeps it after its packet.
func (e *Engine) lookup(src netip.Addr, t int64, trusted bool) (s *source, fresh bool) {
	key := src.As16()
	s, ok := e.srcs[key]
	if !ok && e.noise.n > 0 {
		if i := e.noise.find(&key); i >= 0 {
			if r := e.noise.at(i); e.overRec(r, t, trusted || r.bits&nrUntrusted != 0) {
				e.expired++ // a level-0 window: nothing to retire
				e.noise.remove(i)
			} else {
				s, ok = e.promote(i), true
				e.lru.pushFront(s)
			}
		}
	}
	if ok {
		if e.over(s, t, trusted || s.untrusted) {
			e.expired++
			e.retire(s)
			e.start(s, src, t)
		}
		e.lru.moveToFront(s)
		return s, false
	}
	if e.noiseOn() {
		// As below: with no Reconfigure, sources + free states <= MaxSources,
		// so a free state means there is room.
		if e.sources() >= e.cfg.MaxSources {
			e.evictOldest()
		}
		e.start(&e.scratch, src, t)
		return &e.scratch, true
	}
	switch {
	case len(e.free) > 0:
		s = e.free[len(e.free)-1]
		e.free = e.free[:len(e.free)-1]
	case e.sources() >= e.cfg.MaxSources:
		e.evictOldest()
		s = e.take()
	default:
		s = new(source)
	}
	e.start(s, src, t)
	e.srcs[key] = s
	e.lru.pushFront(s)
	return s, false
}

func (e *Engine) start(s *source, src netip.Addr, t int64) {
	e.begin(s, src, t)
	e.created++
}

// begin empties s for src's window from t.
func (e *Engine) begin(s *source, src netip.Addr, t int64) {
	s.reset(src, t, &e.bitmaps)
	if lvl, ok := e.cfg.AutoDL.Level(src); ok {
		s.pinned = uint8(lvl)
	}
}

// Attackers returns snapshots of the sources at level minLevel or more, by
// level, then packets (descending), then address: the live ones and, with
// Config.Retain, those whose state ended, one entry per address.
func (e *Engine) Attackers(minLevel int) []Attacker {
	if minLevel <= 0 {
		e.promoteAll() // noise records are at level 0
	}
	var out []Attacker
	for s := e.lru.head; s != nil; s = s.next {
		if int(s.level) < minLevel || (e.cfg.Retain == 0 && e.stale(s)) {
			continue
		}
		out = append(out, snapshot(s, &e.cfg))
	}
	for i := range e.retained {
		if e.retained[i].Level >= minLevel {
			out = append(out, e.retained[i])
		}
	}
	if len(e.retained) > 0 {
		out = mergeAttackers(out)
	}
	sortAttackers(out)
	return out
}

// Stats returns the engine's counters.
func (e *Engine) Stats() Stats {
	st := Stats{
		Packets: e.packets, Counted: e.counted, Sources: e.sources(),
		Created: e.created, Evicted: e.evicted, Expired: e.expired,
		Detections: e.detections, Untracked: e.untracked, NotRetained: e.unkept, FutureTimes: e.future,
		PortBitmaps: e.bitmaps.inUse, SaturatedPortSets: e.bitmaps.saturated,
		Ignored: make(map[string]uint64, numIgnoreReasons),
	}
	for r, n := range e.ignored {
		st.Ignored[IgnoreReason(r).String()] = n
	}
	return st
}

// Counted is how many packets the engine counted (did not ignore) so
// far, as Stats' Counted without its cost: compared around Observe, it
// tells an ignored packet.
func (e *Engine) Counted() uint64 { return e.counted }

// Signatures returns the signature set the engine matches (nil: none).
func (e *Engine) Signatures() *rules.Set { return e.sigs }

// Config returns the engine's configuration (its slices are shared: do not
// modify them).
func (e *Engine) Config() Config { return e.cfg }
