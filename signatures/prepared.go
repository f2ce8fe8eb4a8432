package signatures

import (
	"net/netip"

	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
)

// Prepared is what counting one packet takes of it, worked out from the
// packet and the configuration alone (no engine state): its canonical
// addresses, its own time, its verdict by the ignore lists and auto_dl,
// its scan class, the signatures it matched and its fingerprint guesses.
// Shards' callers prepare packets on many cores (Preparer), where they
// parsed them; the engines, on other cores, then read these ~128 bytes
// and not the ~500-byte Packet, whose cache lines would have to move
// between cores, and the signatures are matched where the parsing runs.
//
// One engine counting on its own prepares each packet lazily (Engine.count):
// it matches the signatures and guesses the fingerprint as it counts, as
// before. Either way the engine does the same with the packet.
type Prepared struct {
	// Read by Shards.StampPrepared (the dispatcher) and the engine:
	src     netip.Addr // canonical
	t       int64      // the packet's own time (hasT)
	hasT    bool
	trusted bool
	v       verdict
	// Read by the engine:
	o        obs
	nsigs    int8  // signatures matched, in sigs; -1: match p when counting
	fp       bool  // tool and os hold the fingerprint guesses
	tool, os uint8 // indexes in Engine.names
	dst      netip.Addr
	sigs     [maxPreparedSigs]*rules.Rule
	p        *sources.Packet // for a lazy match or fingerprint
}

// maxPreparedSigs bounds the signature hits a Prepared holds: a packet
// matching more is matched again by the engine counting it.
const maxPreparedSigs = 4

// prepareLazy fills pp for p with what every count needs; the signatures
// and the fingerprint are left to the count (pp keeps p).
//
// It writes pp field by field: a composite literal was built on the stack
// from byte stores and copied with wider loads, which waited on those
// stores (a store-forwarding stall, most of prepareLazy's time).
func prepareLazy(p *sources.Packet, pp *Prepared) {
	pp.src, pp.dst = canon(p.Src), canon(p.Dst)
	pp.t, pp.hasT = packetStamp(p)
	pp.trusted, pp.v = p.Trusted, verdict{}
	pp.o.set(p)
	pp.nsigs, pp.fp, pp.tool, pp.os = -1, false, 0, 0
	pp.p = p // pp.sigs is read up to nsigs only
}

// Preparer prepares packets for the engines of a Shards. It only reads the
// engines' configuration and signatures, so several goroutines prepare at
// once, each with its own Preparer.
//
// It copies what it reads of the engines (their configuration and
// signatures, which do not change) rather than read it where an engine
// writes its counters, on the same cache lines (false sharing).
type Preparer struct {
	j       judgement
	sigs    *rules.Set
	hasSigs bool
	names   []string // Engine.names
	cur     *Prepared
	fn      func(*rules.Rule) // bound once: Match's callback without an allocation
	// Prepare writes cur for every packet: the padding keeps another
	// goroutine's Preparer off its cache line (false sharing).
	_ [128]byte
}

// Preparer returns a new Preparer for sh's engines. Call it before the
// engines count (Shards are not reconfigured).
func (sh *Shards) Preparer() *Preparer {
	e := sh.engines[0]
	pr := &Preparer{j: judgement{e.filter, e.cfg.AutoDL}, sigs: e.sigs, hasSigs: e.hasSigs, names: e.names}
	pr.fn = pr.signature
	return pr
}

// Prepare fills pp for p, which must stay unchanged until pp is counted
// (a packet matching more than maxPreparedSigs signatures is matched again
// then).
func (pr *Preparer) Prepare(p *sources.Packet, pp *Prepared) {
	prepareLazy(p, pp)
	pp.v = pr.j.judge(p, pp.src, pp.dst)
	if pp.v.ignored {
		return
	}
	if pr.hasSigs {
		pp.nsigs, pr.cur = 0, pp
		pr.sigs.Match(p, pr.fn)
		pr.cur = nil
	}
	if pp.o.cls == classSYN && p.Proto == sources.ProtoTCP {
		tool, os := guessTool(p, pp.dst), ""
		if tool == "" { // the OS is guessed only without a tool (Engine.fingerprint)
			os = guessOS(p)
		}
		ti, ok1 := nameIndex(pr.names, tool)
		oi, ok2 := nameIndex(pr.names, os)
		pp.tool, pp.os, pp.fp = ti, oi, ok1 && ok2
	}
}

// signature is the Match callback: it records r in the packet at hand,
// or, past maxPreparedSigs, leaves the match to the count.
func (pr *Preparer) signature(r *rules.Rule) {
	pp := pr.cur
	switch {
	case r == nil || pp.nsigs < 0:
	case int(pp.nsigs) < len(pp.sigs):
		pp.sigs[pp.nsigs] = r
		pp.nsigs++
	default:
		pp.nsigs = -1
	}
}
