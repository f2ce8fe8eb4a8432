package verdict

import (
	"net/netip"
	"sync"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/sources"
)

// fakeKernel records verdicts.
type fakeKernel struct {
	mu       sync.Mutex
	verdicts map[uint32][]rules.Action
}

func newFakeKernel() *fakeKernel {
	return &fakeKernel{verdicts: map[uint32][]rules.Action{}}
}

func (k *fakeKernel) Verdict(id uint32, a rules.Action) error {
	k.mu.Lock()
	k.verdicts[id] = append(k.verdicts[id], a)
	k.mu.Unlock()
	return nil
}

// of returns the verdicts packet id got.
func (k *fakeKernel) of(id uint32) []rules.Action {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]rules.Action(nil), k.verdicts[id]...)
}

// fakeOwners attributes tuples by source port.
type fakeOwners map[uint16]procs.Process

func (f fakeOwners) Lookup(t procs.Tuple) (procs.Owner, error) {
	p, ok := f[t.Src.Port()]
	if !ok {
		return procs.Owner{UID: 1000}, procs.ErrNoSocket
	}
	return procs.Owner{Inode: uint64(t.Src.Port()), UID: p.UID, Process: p}, nil
}

// fakeAsker records questions (when asked, before an answer) and
// retractions; while away, no applet is there to show a question. onAsk,
// when set, runs in every Ask after the recording (a test holds an Ask
// there to be slow on purpose).
type fakeAsker struct {
	mu        sync.Mutex
	away      bool
	asked     []notify.Question
	retracted []uint64
	onAsk     func(notify.Question)
}

func (a *fakeAsker) Ask(q notify.Question) (uint64, int) {
	a.mu.Lock()
	if a.away {
		a.mu.Unlock()
		return 0, 0
	}
	a.asked = append(a.asked, q)
	hook := a.onAsk
	a.mu.Unlock()
	if hook != nil {
		hook(q)
	}
	return 100 + q.ID, 1
}

func (a *fakeAsker) setAway(away bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.away = away
}

func (a *fakeAsker) setOnAsk(f func(notify.Question)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.onAsk = f
}

func (a *fakeAsker) Retract(id uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.retracted = append(a.retracted, id)
}

func (a *fakeAsker) counts() (int, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.asked), len(a.retracted)
}

// pkt is packet id of a TCP connection from sport to dst:dport by uid.
func pkt(id uint32, sport uint16, dst string, dport uint16, uid uint32) Packet {
	return Packet{ID: id, UID: uid, HasUID: true, At: time.Now(), Tuple: procs.Tuple{Proto: sources.ProtoTCP,
		Src: netip.AddrPortFrom(netip.MustParseAddr("198.51.100.1"), sport),
		Dst: netip.AddrPortFrom(netip.MustParseAddr(dst), dport)}}
}
