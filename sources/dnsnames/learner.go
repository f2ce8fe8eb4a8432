package dnsnames

import (
	"math"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Hook is the netfilter hook a packet was logged at (NFLOG's
// NFULA_PACKET_HDR): the kernel's word on its direction.
type Hook uint8

// Hooks a DNS packet may be logged at.
const (
	HookIn  Hook = 1 // NF_INET_LOCAL_IN: for this host (answers)
	HookOut Hook = 3 // NF_INET_LOCAL_OUT: from this host (queries)
)

// NoUID stands for "no uid known". A query without a uid teaches names
// to no one; a connection without one gets only the names the
// Config.Resolvers' queries taught.
const NoUID = ^uint32(0)

// MaxChain bounds the CNAME records followed from the question.
const MaxChain = 8

// Stats count what the Learner saw.
type Stats struct {
	Queries   atomic.Uint64 // queries recorded
	Answers   atomic.Uint64 // answers to an outstanding query
	Unmatched atomic.Uint64 // answers to no outstanding query (late, forged, duplicated)
	Learned   atomic.Uint64 // address → name pairs learned
	Skipped   atomic.Uint64 // packets that are not DNS ifw reads (fragments, cut TCP messages, bad messages)
	Full      atomic.Uint64 // queries not recorded: too many outstanding
}

// Learner keeps the outstanding queries and the names learned from their
// answers. Its methods are safe for concurrent use.
type Learner struct {
	cfg Config
	mu  sync.Mutex // guards qs and changed
	qs  *queries
	// changed is closed (and replaced) when an answer was handled or
	// queries expired: Await's wake-up.
	changed chan struct{}
	names   *namesMap
	trusted map[uint32]bool // Config.Resolvers
	stats   Stats
}

// NewLearner checks cfg and returns an empty Learner.
func NewLearner(cfg Config) (*Learner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	l := &Learner{cfg: cfg, qs: newQueries(cfg.MaxQueries), names: newNamesMap(cfg.MaxAddrs, cfg.MaxNames),
		changed: make(chan struct{}), trusted: map[uint32]bool{}}
	for _, uid := range cfg.Resolvers {
		l.trusted[uid] = true
	}
	return l, nil
}

// Stats returns the counters.
func (l *Learner) Stats() *Stats { return &l.stats }

// Names returns the names address a is known by at now for a connection
// of uid (NoUID: unknown): those uid's own queries taught and those of
// Config.Resolvers, the most recently learned first; nil when none.
func (l *Learner) Names(a netip.Addr, uid uint32, now time.Time) []string {
	return l.names.names(a, uid, l.isTrusted, now, nil)
}

func (l *Learner) isTrusted(uid uint32) bool { return uid != NoUID && l.trusted[uid] }

// Addrs is the number of addresses with names.
func (l *Learner) Addrs() int { return l.names.size() }

// Expire forgets the overdue queries and expired names.
func (l *Learner) Expire(now time.Time) {
	l.mu.Lock()
	l.qs.expire(now.UnixNano())
	l.signal()
	l.mu.Unlock()
	l.names.expire(now)
}

// signal wakes the Await calls; called under mu.
func (l *Learner) signal() {
	close(l.changed)
	l.changed = make(chan struct{})
}

// Await returns the names of a now, waiting up to within while they may
// still be on their way: the answer to a query is logged before the
// program can read it, but may be read here after the connection that
// follows it reaches the outbound module. It returns at once when a has
// names or no query of the host is unanswered, and nil when the wait is
// over without names.
func (l *Learner) Await(a netip.Addr, uid uint32, within time.Duration) []string {
	var timeout <-chan time.Time
	for {
		if names := l.Names(a, uid, time.Now()); len(names) > 0 {
			return names
		}
		l.mu.Lock()
		waiting, ch := len(l.qs.byKey) > 0, l.changed
		l.mu.Unlock()
		if !waiting {
			return nil
		}
		if timeout == nil {
			t := time.NewTimer(within)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-ch:
		case <-timeout:
			return nil
		}
	}
}

// Observe takes a packet (from its network header) logged at hook: a
// query at HookOut (uid: its socket's owner, NoUID when the kernel gave
// none), an answer at HookIn; anything else is skipped.
func (l *Learner) Observe(hook Hook, uid uint32, pkt []byte, now time.Time) {
	s, ok := decodePacket(pkt)
	if !ok {
		l.stats.Skipped.Add(1)
		return
	}
	msgs := s.messages()
	if len(msgs) == 0 && len(s.payload) > 0 {
		l.stats.Skipped.Add(1)
	}
	for _, b := range msgs {
		m, err := Parse(b)
		switch {
		case err != nil:
			l.stats.Skipped.Add(1)
		case hook == HookOut && !m.Response && s.dst.Port() == 53:
			l.query(s, m, uid, now)
		case hook == HookIn && m.Response && s.src.Port() == 53:
			l.answer(s, m, now)
		default:
			l.stats.Skipped.Add(1)
		}
	}
}

// query records an outstanding query for an address.
func (l *Learner) query(s segment, m Message, uid uint32, now time.Time) {
	if m.Class != ClassIN || m.Type != TypeA && m.Type != TypeAAAA {
		return
	}
	k := queryKey{proto: s.proto, client: unmapPort(s.src), server: unmapPort(s.dst), id: m.ID}
	l.mu.Lock()
	ok := l.qs.add(k, pending{name: m.Name, typ: m.Type, uid: uid, deadline: nanosAfter(now, l.cfg.QueryTimeout)}, now.UnixNano())
	l.mu.Unlock()
	if ok {
		l.stats.Queries.Add(1)
	} else {
		l.stats.Full.Add(1)
	}
}

// answer learns from m when it answers an outstanding query (see the
// package documentation).
func (l *Learner) answer(s segment, m Message, now time.Time) {
	k := queryKey{proto: s.proto, client: unmapPort(s.dst), server: unmapPort(s.src), id: m.ID}
	l.mu.Lock()
	p, ok := l.qs.byKey[k]
	ok = ok && p.name == m.Name && p.typ == m.Type && m.Class == ClassIN
	if ok { // only the right answer consumes the query: a wrong one cannot cancel it
		_, ok = l.qs.take(k, now.UnixNano())
	}
	l.mu.Unlock()
	if !ok {
		l.stats.Unmatched.Add(1)
		return
	}
	l.stats.Answers.Add(1)
	if m.RCode != 0 {
		l.mu.Lock()
		l.signal()
		l.mu.Unlock()
		return
	}
	for _, r := range follow(m) {
		l.names.add(r.Addr, m.Name, p.uid, now, now.Add(l.clamp(r.TTL)))
		l.stats.Learned.Add(1)
	}
	l.mu.Lock()
	l.signal()
	l.mu.Unlock()
}

// clamp is a TTL in seconds clamped to [MinTTL, MaxTTL].
func (l *Learner) clamp(ttl uint32) time.Duration {
	d := time.Duration(min(int64(ttl), math.MaxInt64/int64(time.Second))) * time.Second
	return min(max(d, l.cfg.MinTTL), l.cfg.MaxTTL)
}

// follow returns the address records of the question's type on the CNAME
// chain from the question (at most MaxChain links, inside m), each with
// the smallest TTL of its record and the chain's links.
func follow(m Message) []Record {
	chain := map[string]bool{m.Name: true}
	ttl := uint32(math.MaxUint32)
	for cur, depth := m.Name, 0; depth < MaxChain; depth++ {
		next := ""
		for _, r := range m.Answers {
			if r.Type == TypeCNAME && r.Name == cur && r.Target != "" && !chain[r.Target] {
				next, ttl = r.Target, min(ttl, r.TTL)
				break
			}
		}
		if next == "" {
			break
		}
		chain[next], cur = true, next
	}
	var out []Record
	for _, r := range m.Answers {
		if r.Type == m.Type && r.Name != "" && chain[r.Name] && r.Addr.IsValid() {
			r.TTL = min(r.TTL, ttl)
			out = append(out, r)
		}
	}
	return out
}

func unmapPort(a netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
}

// Snapshot is the Learner's counters at one moment, for the status.
type Snapshot struct {
	Queries   uint64 `json:"queries"`
	Answers   uint64 `json:"answers"`
	Unmatched uint64 `json:"unmatched"`
	Learned   uint64 `json:"learned"`
	Skipped   uint64 `json:"skipped"`
	Full      uint64 `json:"full"`
	Addrs     int    `json:"addresses"`
}

// Snapshot reads the counters.
func (l *Learner) Snapshot() Snapshot {
	s := &l.stats
	return Snapshot{Queries: s.Queries.Load(), Answers: s.Answers.Load(), Unmatched: s.Unmatched.Load(),
		Learned: s.Learned.Load(), Skipped: s.Skipped.Load(), Full: s.Full.Load(), Addrs: l.Addrs()}
}
