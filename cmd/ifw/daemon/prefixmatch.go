package daemon

import (
	"net/netip"
	"regexp"

	"github.com/ifw/ifw/sources"
)

// maxPrefixMatches bounds the sources remembered as having matched
// auto_regex; past it one is forgotten (that source then waits for its
// next matching packet to be blocked: never a block too many).
const maxPrefixMatches = 1 << 16

// prefixMatches is psad's ENABLE_AUTO_IDS_REGEX for a stream: the
// sources a packet of which, counted by the engine, carried a log prefix
// matching the regex since the source's previous alert. psad asks the
// same of the packets of its check interval (5 s); ifw alerts as packets
// come, so the window is the span since the source's previous alert.
// Owned by the engine goroutine.
type prefixMatches struct {
	re      *regexp.Regexp
	matched map[netip.Addr]struct{}
}

func newPrefixMatches(re *regexp.Regexp) *prefixMatches {
	return &prefixMatches{re: re, matched: map[netip.Addr]struct{}{}}
}

// note marks pkt's source when its log prefix matches; a packet without
// a prefix never does (as in psad).
func (m *prefixMatches) note(pkt *sources.Packet) {
	src := canonAddr(pkt.Src)
	if _, ok := m.matched[src]; ok || pkt.Prefix == "" || !m.re.MatchString(pkt.Prefix) {
		return
	}
	if len(m.matched) >= maxPrefixMatches {
		for a := range m.matched {
			delete(m.matched, a)
			break
		}
	}
	m.matched[src] = struct{}{}
}

// take reports whether src matched since its previous alert, and starts
// its next window. Without a regex (nil m): false.
func (m *prefixMatches) take(src netip.Addr) bool {
	if m == nil {
		return false
	}
	src = canonAddr(src)
	_, ok := m.matched[src]
	delete(m.matched, src)
	return ok
}

// canonAddr is an address as the engine keys its sources: IPv4-mapped
// addresses unmapped, without zone.
func canonAddr(a netip.Addr) netip.Addr { return a.Unmap().WithZone("") }
