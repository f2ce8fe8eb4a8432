package alerts

import (
	"hash/maphash"
	"net/netip"
	"slices"
	"strconv"
	"time"
)

// reason is why the throttle let an alert through, or reasonNone.
type reason uint8

const (
	reasonNone      reason = iota // throttled: nothing new, interval not over
	reasonFirst                   // the action knows nothing of the source
	reasonLevel                   // the level rose above what the action was told
	reasonScan                    // a scan class the action was not told of
	reasonSignature               // a signature the action was not told of
	reasonInterval                // nothing new, but Interval has passed
)

var reasonNames = [...]string{"throttled", "first", "level", "scan", "signature", "interval"}

func (r reason) String() string { return reasonNames[r] }

// maxKeys bounds the scan classes and signatures remembered per source.
const maxKeys = 2 * max(MaxScans, MaxSignatures)

// told is what one action was told about one source.
type told struct {
	level int
	last  time.Time // when it was last told
	scans []uint64  // hashes of the scan classes (type/proto)
	sigs  []uint64  // hashes of the signatures (id, name)
}

// throttleKey is whom an action was told about: a source as one host saw
// it (on a log server, each sensor's detections are apart).
type throttleKey struct {
	src  netip.Addr
	host string
}

func keyOf(a *Alert) throttleKey { return throttleKey{a.Src, a.Host} }

// throttle decides, per source and host, which alerts an action gets: those that
// tell it something new, and otherwise one per interval. Not safe for
// concurrent use.
type throttle struct {
	interval time.Duration
	seen     *LRU[throttleKey, *told]
	seed     maphash.Seed
}

func newThrottle(interval time.Duration, remember int) *throttle {
	return &throttle{interval: interval, seen: NewLRU[throttleKey, *told](remember), seed: maphash.MakeSeed()}
}

// check says why a at now should reach the action, or reasonNone. It
// changes nothing: note does, once the alert is queued.
func (t *throttle) check(a *Alert, now time.Time) reason {
	m, ok := t.seen.Get(keyOf(a))
	switch {
	case !ok:
		return reasonFirst
	case a.Level > m.level:
		return reasonLevel
	case t.newScan(m, a):
		return reasonScan
	case t.newSignature(m, a):
		return reasonSignature
	case now.Sub(m.last) >= t.interval:
		return reasonInterval
	}
	return reasonNone
}

// note remembers that the action was told a at now.
func (t *throttle) note(a *Alert, now time.Time) {
	m, ok := t.seen.Get(keyOf(a))
	if !ok {
		m = &told{}
		t.seen.Put(keyOf(a), m)
	}
	m.level, m.last = a.Level, now
	for i := range a.Scans {
		m.scans = addKey(m.scans, t.scanKey(a, i))
	}
	for i := range a.Signatures {
		m.sigs = addKey(m.sigs, t.sigKey(a, i))
	}
}

func (t *throttle) newScan(m *told, a *Alert) bool {
	for i := range a.Scans {
		if !slices.Contains(m.scans, t.scanKey(a, i)) {
			return true
		}
	}
	return false
}

func (t *throttle) newSignature(m *told, a *Alert) bool {
	for i := range a.Signatures {
		if !slices.Contains(m.sigs, t.sigKey(a, i)) {
			return true
		}
	}
	return false
}

// scanKey identifies a scan class: its type and protocol (a new
// destination or port of a known class is nothing new).
func (t *throttle) scanKey(a *Alert, i int) uint64 {
	s := &a.Scans[i]
	return t.hash(s.Type, s.Proto)
}

func (t *throttle) sigKey(a *Alert, i int) uint64 {
	s := &a.Signatures[i]
	var id [20]byte
	return t.hash(string(strconv.AppendInt(id[:0], int64(s.ID), 10)), s.Name)
}

func (t *throttle) hash(x, y string) uint64 {
	var h maphash.Hash
	h.SetSeed(t.seed)
	h.WriteString(x)
	h.WriteByte(0)
	h.WriteString(y)
	return h.Sum64()
}

// addKey adds k to keys if missing, forgetting the oldest past maxKeys.
func addKey(keys []uint64, k uint64) []uint64 {
	if slices.Contains(keys, k) {
		return keys
	}
	if len(keys) >= maxKeys {
		keys = append(keys[:0], keys[1:]...)
	}
	return append(keys, k)
}
