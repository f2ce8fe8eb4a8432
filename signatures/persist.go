package signatures

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"net/netip"
	"sync"
)

// The engine state format: stateMagic, the format version (uvarint), the
// body, then the CRC-32C of everything before it (4 bytes, little endian).
// The body is made of varints, bytes, length-prefixed strings and
// addresses (see wbuf); any change to it needs a new stateVersion.
//
// Version 2 added the packets per port (a sweep record's portCounts, a
// retained attacker's Ports); version 1 is still read, without them.
// Version 3 added the engine's clocks (clock.go) and Stats.FutureTimes;
// older versions restore both clocks at their latest time.
const (
	stateMagic   = "IFWENGST"
	stateVersion = 3
	// stateVersionPorts is the first version with packets per port.
	stateVersionPorts = 2
	// stateVersionClocks is the first version with the clocks.
	stateVersionClocks = 3
)

// castagnoli is the CRC-32C table, made on the first save or load, not at
// every ifw start (most commands never persist an engine).
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// MarshalState returns the engine's state in a versioned binary form for
// RestoreState: every live source in full (pairs, port sets and their
// bitmaps, sweeps, signature hits, levels, auto_dl floor, OS and tool
// guesses, first and last times, trust), the retained attackers, the
// latest time, the clocks and the counters. It does not change the engine. The error
// is always nil today; it is there for formats that can fail.
func (e *Engine) MarshalState() ([]byte, error) {
	return e.marshal(stateVersion), nil
}

// marshal writes the state in format version v (stateVersion; tests write
// older ones).
func (e *Engine) marshal(v uint64) []byte {
	e.promoteAll()
	w := wbuf{b: make([]byte, 0, 64+96*len(e.srcs)), version: v}
	w.b = append(w.b, stateMagic...)
	w.uvarint(v)
	w.varint(e.latest)
	w.u8(boolBits(e.hasTime, 1))
	for _, n := range e.counters() {
		w.uvarint(*n)
	}
	if v >= stateVersionClocks {
		w.uvarint(e.future)
		w.clock(&e.clock)
		w.clock(&e.trusted)
	}
	w.uvarint(uint64(len(e.ignored)))
	for _, n := range e.ignored {
		w.uvarint(n)
	}
	w.uvarint(uint64(len(e.retained)))
	for i := range e.retained {
		w.attacker(&e.retained[i])
	}
	w.uvarint(uint64(len(e.srcs)))
	for s := e.lru.head; s != nil; s = s.next { // most recently seen first
		w.source(s, e.latest)
	}
	w.b = binary.LittleEndian.AppendUint32(w.b, crc32.Checksum(w.b, castagnoli()))
	return w.b
}

// counters lists the engine's counters in their order in the format.
func (e *Engine) counters() [9]*uint64 {
	return [...]*uint64{
		&e.packets, &e.counted, &e.created, &e.evicted, &e.expired,
		&e.detections, &e.untracked, &e.unkept, &e.bitmaps.saturated,
	}
}

// RestoreState replaces the engine's state with one MarshalState wrote,
// normally into an engine just made by New with the same Config: then the
// engine goes on exactly as the one that wrote it would have (same
// attackers, levels, detections and Stats).
//
// A blob that is damaged or not an engine state returns a *StateError
// matching ErrStateCorrupt; one of another format version, ErrStateVersion.
// Either way the engine is left empty, as New made it. It never panics.
//
// With a different Config, the state is fitted to it:
//   - MaxSources smaller: the most recently seen sources are kept; the
//     others are evicted (counted in Stats.Evicted, retained with Retain).
//   - MaxDestinations, MaxSignatures smaller: a source keeps its first
//     destinations and hits; packets to the dropped destinations count as
//     untracked from then on. Its counts (DestinationCount) are kept.
//   - MaxPortBitmaps smaller: sets that find no bitmap left keep their 64
//     lowest ports, report their exact count, and count no new port
//     (Stats.SaturatedPortSets).
//   - Retain smaller: the first retained attackers are kept, the others
//     counted as not kept.
//   - auto_dl: a source's pinned level is the new list's (the pin is not
//     saved); its auto_dl floor (entries with a protocol) is kept.
//   - Thresholds, ScanTimeout, ignore lists, signatures: levels already
//     reached are kept (they never drop while a state lives); the new values
//     apply from the next packet, as with Reconfigure.
func (e *Engine) RestoreState(b []byte) error {
	e.clear()
	r, err := openState(b)
	if err == nil {
		e.decode(r)
		err = r.err
	}
	if err != nil {
		e.clear()
		return err
	}
	return nil
}

// openState checks the magic, the version and the checksum of b and
// returns a reader of its body.
func openState(b []byte) (*rbuf, error) {
	r := &rbuf{b: b}
	if len(b) < len(stateMagic)+1+4 || string(b[:len(stateMagic)]) != stateMagic {
		r.fail("not an engine state (%d bytes)", len(b))
		return nil, r.err
	}
	r.off = len(stateMagic)
	r.version = r.uvarint()
	if r.err == nil && (r.version < 1 || r.version > stateVersion) {
		return nil, &StateError{Err: ErrStateVersion, Version: r.version, Offset: r.off,
			Detail: fmt.Sprintf("this build reads versions 1 to %d", stateVersion)}
	}
	body := len(b) - 4
	if r.err == nil && (r.off > body || crc32.Checksum(b[:body], castagnoli()) != binary.LittleEndian.Uint32(b[body:])) {
		r.fail("checksum mismatch")
	}
	if r.err != nil {
		return nil, r.err
	}
	r.b = b[:body]
	return r, nil
}

// decode reads the body into the (empty) engine; it stops at r's first
// error.
func (e *Engine) decode(r *rbuf) {
	e.latest = r.varint()
	e.hasTime = r.flag()
	for _, n := range e.counters() {
		*n = r.uvarint()
	}
	e.decodeClocks(r)
	ignored := r.count("ignore reasons", 64)
	for i := range ignored {
		if n := r.uvarint(); i < len(e.ignored) {
			e.ignored[i] = n
		}
	}
	for range r.count("retained attackers", 1<<24) {
		if a := r.attacker(); r.err == nil {
			e.keep(a)
		}
	}
	e.decodeSources(r)
	if r.err == nil && r.left() != 0 {
		r.fail("%d bytes after the state", r.left())
	}
}

// decodeClocks reads the clocks; a state
// without them has both at the latest time.
func (e *Engine) decodeClocks(r *rbuf) {
	if r.version < stateVersionClocks {
		e.clock = clock{now: e.latest, set: e.hasTime}
		e.trusted = e.clock
		return
	}
	e.future = r.uvarint()
	r.clock(&e.clock)
	r.clock(&e.trusted)
}

// clock writes c: whether set, its time, then its votes, oldest first.
func (w *wbuf) clock(c *clock) {
	w.u8(boolBits(c.set, 1))
	w.varint(c.now)
	w.uvarint(uint64(c.n))
	for k := range c.n {
		w.varint(c.recent[(int(c.i)+clockVotes-int(c.n)+int(k))%clockVotes])
	}
}

func (r *rbuf) clock(c *clock) {
	*c = clock{set: r.flag()}
	c.now = r.varint()
	c.n = uint8(r.bounded("clock votes", clockVotes))
	for k := range c.n {
		c.recent[k] = r.varint()
	}
	c.i = c.n % clockVotes
}

// keep adds a retained attacker from a state, as retire would have.
func (e *Engine) keep(a Attacker) {
	if e.cfg.Retain == 0 {
		return
	}
	if len(e.retained) >= e.cfg.Retain {
		e.unkept++
		return
	}
	e.retained = append(e.retained, a)
	e.retainedHeap = false
}

// decodeSources reads the sources, most recently seen first, and puts
// each at the LRU tail; those beyond MaxSources are evicted at once.
func (e *Engine) decodeSources(r *rbuf) {
	n := r.count("sources", 1<<30)
	e.srcs = make(map[[16]byte]*source, min(n, e.cfg.MaxSources))
	for range n {
		s := r.srcSlab.one()
		r.source(s, e.latest, &e.cfg, &e.bitmaps)
		if _, dup := e.srcs[s.addr.As16()]; r.err == nil && dup {
			r.fail("source %v listed twice", s.addr)
		}
		if r.err != nil {
			return
		}
		if lvl, ok := e.cfg.AutoDL.Level(s.addr); ok {
			s.pinned = uint8(lvl)
		}
		if len(e.srcs) >= e.cfg.MaxSources {
			e.retire(s)
			e.evicted++
			s.reset(netip.Addr{}, 0, &e.bitmaps)
			continue
		}
		e.srcs[s.addr.As16()] = s
		e.lru.pushBack(s)
	}
}

// pushBack adds s as the least recently seen.
func (l *lru) pushBack(s *source) {
	s.prev, s.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = s
	} else {
		l.head = s
	}
	l.tail = s
	l.n++
}

// clear empties the engine: as New made it, with the same Config.
func (e *Engine) clear() {
	*e = Engine{
		cfg: e.cfg, filter: e.filter, sigs: e.sigs, hasSigs: e.hasSigs, onSig: e.onSig, names: e.names,
		srcs:    make(map[[16]byte]*source),
		bitmaps: bitmapPool{max: e.cfg.MaxPortBitmaps},
	}
}

func crc32Castagnoli(b []byte) uint32 { return crc32.Checksum(b, castagnoli()) }
