package dnsnames

import (
	"net/netip"
	"slices"
	"sync"
	"time"
)

// known is one name of an address, the uid whose query taught it, and
// when it stops being one.
type known struct {
	name    string
	uid     uint32
	expires int64 // Unix ns
}

// namesMap maps addresses to the names answers gave them, bounded.
type namesMap struct {
	mu       sync.RWMutex
	byAddr   map[netip.Addr][]known
	maxAddrs int
	maxNames int
}

func newNamesMap(maxAddrs, maxNames int) *namesMap {
	return &namesMap{byAddr: map[netip.Addr][]known{}, maxAddrs: maxAddrs, maxNames: maxNames}
}

// add records that a is known as name until expires. Each address's list
// is kept most recently learned first.
func (m *namesMap) add(a netip.Addr, name string, uid uint32, now, expires time.Time) {
	a = a.Unmap()
	t, exp := now.UnixNano(), expires.UnixNano()
	m.mu.Lock()
	defer m.mu.Unlock()
	list, ok := m.byAddr[a]
	if !ok && len(m.byAddr) >= m.maxAddrs {
		m.makeRoom(t)
	}
	list = live(list, t)
	if i := slices.IndexFunc(list, func(k known) bool { return k.name == name && k.uid == uid }); i >= 0 {
		exp = max(exp, list[i].expires)
		list = slices.Delete(list, i, i+1)
	} else if len(list) >= m.maxNames { // the one expiring first goes
		i := 0
		for j := range list {
			if list[j].expires < list[i].expires {
				i = j
			}
		}
		list = slices.Delete(list, i, i+1)
	}
	m.byAddr[a] = slices.Insert(list, 0, known{name: name, uid: uid, expires: exp})
}

// makeRoom drops the expired addresses and, if none was, the address whose
// names expire first; called under the write lock.
func (m *namesMap) makeRoom(t int64) {
	var victim netip.Addr
	soonest := int64(0)
	for a, list := range m.byAddr {
		if list = live(list, t); len(list) == 0 {
			delete(m.byAddr, a)
			continue
		}
		last := list[0].expires
		for _, k := range list[1:] {
			last = max(last, k.expires)
		}
		if !victim.IsValid() || last < soonest {
			victim, soonest = a, last
		}
	}
	if len(m.byAddr) >= m.maxAddrs && victim.IsValid() {
		delete(m.byAddr, victim)
	}
}

// live is list without the names expired at t (in place).
func live(list []known, t int64) []known {
	return slices.DeleteFunc(list, func(k known) bool { return k.expires <= t })
}

// names appends to buf the names a has at now for uid — those its own
// queries taught, and those of the uids trusted says — the most recently
// learned first, each once.
func (m *namesMap) names(a netip.Addr, uid uint32, trusted func(uint32) bool, now time.Time, buf []string) []string {
	t := now.UnixNano()
	m.mu.RLock()
	defer m.mu.RUnlock()
	start := len(buf)
	for _, k := range m.byAddr[a.Unmap()] {
		if k.expires > t && (k.uid == uid && uid != NoUID || trusted(k.uid)) && !slices.Contains(buf[start:], k.name) {
			buf = append(buf, k.name)
		}
	}
	return buf
}

// expire drops what expired at now.
func (m *namesMap) expire(now time.Time) {
	t := now.UnixNano()
	m.mu.Lock()
	defer m.mu.Unlock()
	for a, list := range m.byAddr {
		if list = live(list, t); len(list) == 0 {
			delete(m.byAddr, a)
		} else {
			m.byAddr[a] = list
		}
	}
}

// size is the number of addresses known.
func (m *namesMap) size() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.byAddr)
}
