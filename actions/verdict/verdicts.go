package verdict

import (
	"net/netip"
	"sync"
	"time"

	"github.com/ifw/ifw/actions/verdict/rules"
)

// maxVerdicts bounds the recent verdicts the module keeps for the
// management window's Outbound tab.
const maxVerdicts = 256

// Given is one recent verdict as the management window lists it: what
// connected where, what it got and why. Repeats of the newest one (the
// packets of one question, retransmissions) are counted, not listed.
type Given struct {
	At      time.Time    `json:"at"`
	UID     uint32       `json:"uid"`
	User    string       `json:"user,omitempty"`
	Exe     string       `json:"exe"` // "" when the process is unknown
	Dst     netip.Addr   `json:"dst"`
	Port    uint16       `json:"port,omitempty"`
	Proto   string       `json:"proto"`
	Verdict rules.Action `json:"verdict"`
	Why     Cause        `json:"why"`
	Rule    uint64       `json:"rule,omitempty"`
	Count   int          `json:"count"`
}

// same says whether g repeats o (apart from time and count).
func (g Given) same(o Given) bool {
	return g.UID == o.UID && g.Exe == o.Exe && g.Dst == o.Dst && g.Port == o.Port && g.Proto == o.Proto &&
		g.Verdict == o.Verdict && g.Why == o.Why && g.Rule == o.Rule
}

// givenRing keeps the last maxVerdicts verdicts.
type givenRing struct {
	mu   sync.Mutex
	buf  [maxVerdicts]Given
	n    int // entries in buf
	next int // where the next one goes
}

// add records g, or counts it on the newest entry it repeats.
func (r *givenRing) add(g Given) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n > 0 {
		last := &r.buf[(r.next+maxVerdicts-1)%maxVerdicts]
		if last.same(g) {
			last.At = g.At
			last.Count++
			return
		}
	}
	g.Count = 1
	r.buf[r.next] = g
	r.next = (r.next + 1) % maxVerdicts
	r.n = min(r.n+1, maxVerdicts)
}

// list is the recorded verdicts, newest first.
func (r *givenRing) list() []Given {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Given, 0, r.n)
	for i := 1; i <= r.n; i++ {
		out = append(out, r.buf[(r.next+maxVerdicts-i)%maxVerdicts])
	}
	return out
}

// Verdicts is the module's recent verdicts, newest first (at most 256).
// Retransmissions of closed questions (CauseRecent) and ifw's own
// connections are not listed.
func (m *Module) Verdicts() []Given { return m.given.list() }

// record keeps the verdict d gave c.
func (m *Module) record(c rules.Conn, d Decision) {
	if d.By == CauseRecent || d.By == CauseSelf {
		return
	}
	m.given.add(Given{At: d.At, UID: c.UID, User: m.users.name(c.UID), Exe: c.Exe, Dst: c.Dst, Port: c.Port,
		Proto: rules.ProtoName(c.Proto), Verdict: d.Action, Why: d.By, Rule: d.Rule})
}
