package verdict

import (
	"cmp"
	"log/slog"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// Question is an open question: connections of one user's program to one
// destination, held until an answer or the deadline.
type Question struct {
	ID   uint64 `json:"id"`
	UID  uint32 `json:"uid"`
	User string `json:"user,omitempty"`
	PID  int    `json:"pid,omitempty"`
	Exe  string `json:"exe"` // "" when the process is unknown
	// Unverified: the program is in a user namespace of its own, where it
	// may claim to be any program (Exe is "userns:NS:/path",
	// procs.Process.Unverified). An answer to it makes no rule.
	Unverified bool       `json:"unverified,omitempty"`
	Dst        netip.Addr `json:"dst"`
	// Host is the name the destination is known by from the DNS answers
	// the host received (the most recently learned); "" when none. An
	// answer's rule then names it (host=) instead of the address.
	Host  string `json:"host,omitempty"`
	Port  uint16 `json:"port"`
	Proto string `json:"proto"`
	// Connections held (distinct source ports), and their packets
	// (retransmissions included).
	Connections int       `json:"connections"`
	Packets     int       `json:"packets"`
	Asked       time.Time `json:"asked"`
	Deadline    time.Time `json:"deadline"`
	Default     string    `json:"default"`
	// Desktops is the number of the owner's applets that were shown it.
	Desktops int `json:"desktops"`
}

// questionKey merges questions: one per user, executable, destination,
// port and protocol.
type questionKey struct {
	uid   uint32
	exe   string
	dst   netip.Addr
	port  uint16
	proto uint8
}

func keyOf(c rules.Conn) questionKey {
	return questionKey{uid: c.UID, exe: c.Exe, dst: c.Dst, port: c.Port, proto: c.Proto}
}

// held is an open question and what it holds.
type held struct {
	q       Question
	key     questionKey
	conn    rules.Conn
	packets []Packet
	tuples  map[procs.Tuple]struct{}
	eventID uint64 // the applet's event, 0 when no applet was shown it
	showing bool   // a show is out: nobody else shows it meanwhile
}

// idBlock is how many question ids are reserved at a time (Deps.ReserveIDs):
// one store write per idBlock questions, and ids grow by at most this much
// per restart.
const idBlock = 1000

// questions is the table of open questions.
type questions struct {
	mu      sync.Mutex
	next    uint64 // the last id handed out
	limit   uint64 // the last id of the reserved block (reserve set)
	reserve func(n uint64) (first uint64, err error)
	log     *slog.Logger
	byKey   map[questionKey]*held
	byID    map[uint64]*held
	byUID   map[uint32]int // open questions per uid
}

func newQuestions() *questions {
	return &questions{byKey: map[questionKey]*held{}, byID: map[uint64]*held{}, byUID: map[uint32]int{}}
}

// nextID hands out the next question id, reserving a new block of ids
// when the reserved one is used up. If a reservation fails the ids go on
// from the last one (unique in this run) and the failure is logged.
func (qs *questions) nextID() uint64 {
	if qs.reserve != nil && qs.next >= qs.limit {
		first, err := qs.reserve(idBlock)
		switch {
		case err != nil:
			qs.log.Warn("question ids not reserved; an id may repeat after a restart", "err", err)
		case first > qs.next:
			qs.next, qs.limit = first-1, first-1+idBlock
		}
	}
	qs.next++
	return qs.next
}

// holdResult says what hold did with a packet.
type holdResult int

const (
	holdMerged  holdResult = iota // added to an open question
	holdNew                       // opened a question
	holdFull                      // too many questions or packets: not held
	holdUIDFull                   // too many questions of this uid: not held
)

// hold adds p to the question of c, opening one (from proto) when there is
// none, and returns a copy of the question. At most maxQ questions are
// open, maxUID of one uid.
func (qs *questions) hold(c rules.Conn, p Packet, proto Question, maxQ, maxUID, maxHeld int) (Question, holdResult) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	k := keyOf(c)
	h := qs.byKey[k]
	res := holdMerged
	if h == nil {
		if qs.byUID[c.UID] >= maxUID {
			return Question{}, holdUIDFull
		}
		if len(qs.byID) >= maxQ {
			return Question{}, holdFull
		}
		proto.ID = qs.nextID()
		h = &held{q: proto, key: k, conn: c, tuples: map[procs.Tuple]struct{}{}}
		qs.byKey[k], qs.byID[h.q.ID] = h, h
		qs.byUID[c.UID]++
		res = holdNew
	}
	if len(h.packets) >= maxHeld {
		return h.q, holdFull
	}
	h.packets = append(h.packets, p)
	h.tuples[p.Tuple] = struct{}{}
	h.q.Packets, h.q.Connections = len(h.packets), len(h.tuples)
	return h.q, res
}

// claimShow returns a copy of question id to show when it is open, on no
// desktop yet and not being shown; the caller then owns its showing until
// shown.
func (qs *questions) claimShow(id uint64) (Question, bool) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	h := qs.byID[id]
	if h == nil || h.showing || h.q.Desktops != 0 {
		return Question{}, false
	}
	h.showing = true
	return h.q, true
}

// shown ends the show claimed for question id: the applet event that
// shows it on desktops (none: no applet was there). It reports false when
// the question closed meanwhile.
func (qs *questions) shown(id, eventID uint64, desktops int) bool {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	h := qs.byID[id]
	if h == nil {
		return false
	}
	h.showing = false
	if desktops > 0 {
		h.eventID, h.q.Desktops = eventID, desktops
	}
	return true
}

// get returns a copy of question id.
func (qs *questions) get(id uint64) (Question, bool) {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	h := qs.byID[id]
	if h == nil {
		return Question{}, false
	}
	return h.q, true
}

// take closes question id and returns it with what it held.
func (qs *questions) take(id uint64) *held {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	return qs.remove(qs.byID[id])
}

func (qs *questions) remove(h *held) *held {
	if h != nil {
		delete(qs.byID, h.q.ID)
		delete(qs.byKey, h.key)
		if qs.byUID[h.key.uid]--; qs.byUID[h.key.uid] <= 0 {
			delete(qs.byUID, h.key.uid)
		}
	}
	return h
}

// takeIf closes and returns the questions keep says yes to.
func (qs *questions) takeIf(keep func(*held) bool) []*held {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	var out []*held
	for _, h := range qs.byID {
		if keep(h) {
			out = append(out, qs.remove(h))
		}
	}
	slices.SortFunc(out, func(a, b *held) int { return cmp.Compare(a.q.ID, b.q.ID) })
	return out
}

// expired closes and returns the questions past their deadline at now.
func (qs *questions) expired(now time.Time) []*held {
	return qs.takeIf(func(h *held) bool { return !now.Before(h.q.Deadline) })
}

// list returns the open questions, oldest first.
func (qs *questions) list() []Question {
	qs.mu.Lock()
	defer qs.mu.Unlock()
	out := make([]Question, 0, len(qs.byID))
	for _, h := range qs.byID {
		out = append(out, h.q)
	}
	slices.SortFunc(out, func(a, b Question) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
