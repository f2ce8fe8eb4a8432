package verdict

import (
	"encoding/binary"
	"net/netip"
	"sync/atomic"
	"testing"

	"github.com/ifw/ifw/actions/verdict/nfq"
	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// quickFakeOwners are fakeOwners whose LookupQuick finds only the source
// ports in quick (ErrSlow for the others); they count both kinds.
type quickFakeOwners struct {
	fakeOwners
	quick       map[uint16]bool
	quickCalls  atomic.Int32
	searchCalls atomic.Int32
}

func (o *quickFakeOwners) LookupQuick(t procs.Tuple) (procs.Owner, error) {
	o.quickCalls.Add(1)
	if !o.quick[t.Src.Port()] {
		return procs.Owner{}, procs.ErrSlow
	}
	return o.fakeOwners.Lookup(t)
}

func (o *quickFakeOwners) Lookup(t procs.Tuple) (procs.Owner, error) {
	o.searchCalls.Add(1)
	return o.fakeOwners.Lookup(t)
}

// synPayload is what the queue copies of a TCP SYN from 198.51.100.1:sport
// to dst:dport.
func synPayload(sport uint16, dst string, dport uint16) []byte {
	b := make([]byte, 40)
	b[0], b[8], b[9] = 0x45, 64, 6
	binary.BigEndian.PutUint16(b[2:], 40)
	src, d := netip.MustParseAddr("198.51.100.1").As4(), netip.MustParseAddr(dst).As4()
	copy(b[12:], src[:])
	copy(b[16:], d[:])
	binary.BigEndian.PutUint16(b[20:], sport)
	binary.BigEndian.PutUint16(b[22:], dport)
	b[32], b[33] = 0x50, 0x02 // data offset 5, SYN
	return b
}

// TestReaderDecides: while no worker is busy, the reader gives the
// verdict of a packet whose process a quick lookup finds and a rule
// decides before it reads the next (no worker involved); a packet whose
// process needs a search, or which no rule decides (a question), goes
// to a worker, which searches or asks.
func TestReaderDecides(t *testing.T) {
	owners := &quickFakeOwners{fakeOwners: fakeOwners{1001: curl, 1002: wget, 1003: curl}, quick: map[uint16]bool{1001: true, 1002: true}}
	h := newHarnessOwners(t, Config{}, owners, "allow exe=/usr/bin/curl dst=203.0.113.2 port=80 proto=tcp")
	receive := func(id uint32, sport uint16) {
		h.m.receive(h.k, h.jobs, nfq.Packet{ID: id, Payload: synPayload(sport, "203.0.113.2", 80), UID: 1000, HasUID: true})
	}

	receive(1, 1001)
	if v := h.k.of(1); len(v) != 1 || v[0] != rules.Allow {
		t.Fatalf("packet 1: verdicts %v when receive returned; want allow, given by the reader", v)
	}
	if n := owners.searchCalls.Load(); n != 0 {
		t.Errorf("%d searches for a packet a quick lookup attributes", n)
	}

	receive(2, 1003) // curl, but found only by a search
	if v := h.verdictOf(2); v != rules.Allow {
		t.Errorf("packet 2: %v, want allow", v)
	}
	if n := owners.searchCalls.Load(); n != 1 {
		t.Errorf("%d searches for a packet a quick lookup did not attribute, want 1", n)
	}

	receive(3, 1002) // wget: no rule, a question
	if q := h.openQuestions(1); q[0].Exe != wget.Exe {
		t.Errorf("question %+v", q[0])
	}
	if n := owners.searchCalls.Load(); n != 1 {
		t.Errorf("the worker searched again for a sender the reader had found (%d searches)", n)
	}
	if v := h.k.of(3); len(v) != 0 {
		t.Errorf("packet 3 answered while asked: %v", v)
	}
}

// TestReaderUnreadable: a packet whose headers cannot be read gets the
// fail verdict at once.
func TestReaderUnreadable(t *testing.T) {
	h := newHarness(t, Config{})
	h.m.receive(h.k, h.jobs, nfq.Packet{ID: 9, Payload: []byte{0x45, 0}})
	if v := h.k.of(9); len(v) != 1 || v[0] != rules.Deny {
		t.Errorf("verdicts %v, want the fail verdict (deny)", v)
	}
}
