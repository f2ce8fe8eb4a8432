package verdict

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/ifw/ifw/actions/verdict/nfq"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// copyRange is how much of each packet the kernel copies: the IPv6 header,
// a chain of extension headers and the ports.
const copyRange = 256

// Run reads the queue and decides its packets until ctx ends or the queue
// fails (then it returns the error; packets still held get the fail
// verdict either way). It must run in the network namespace of the
// connections it decides.
func (m *Module) Run(ctx context.Context) error {
	flags := uint32(nfq.FlagUIDGID | nfq.FlagGSO)
	if m.cfg.FailOpen {
		flags |= nfq.FlagFailOpen
	}
	q, err := nfq.Open(nfq.Config{Queue: m.cfg.Queue, CopyRange: copyRange, MaxQueueLen: m.cfg.MaxQueueLen,
		Flags: flags, RecvBuffer: recvBuffer})
	if err != nil {
		return fmt.Errorf("verdict: open queue %d: %w", m.cfg.Queue, err)
	}
	defer q.Close()
	k := &queueKernel{q: q, mark: m.cfg.RejectMark}
	jobs := make(chan Packet, m.cfg.Backlog)
	m.log.Info("outbound queue bound", "queue", m.cfg.Queue, "mode", m.cfg.Mode, "fail_open", m.cfg.FailOpen)
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var rerr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		rerr = q.Read(func(p nfq.Packet) { m.receive(k, jobs, p) }, m.readError)
		stop()
	}()
	m.serve(sctx, k, jobs)
	q.Stop() // stop reading only after every held packet had its verdict
	<-read
	if rerr != nil {
		return fmt.Errorf("verdict: queue %d: %w", m.cfg.Queue, rerr)
	}
	return nil
}

// recvBuffer is the queue socket's receive buffer: room for a burst of
// about 2,000 new connections' first packets.
const recvBuffer = 1 << 20

// readError says whether the reader goes on after err: ENOBUFS (the
// kernel could not hand us packets; it counts them as user_dropped), a
// message it cannot read and the kernel's refusal of a verdict are
// survivable, anything else ends Run.
func (m *Module) readError(err error) bool {
	var ke *nfq.KernelError
	switch {
	case errors.Is(err, unix.ENOBUFS):
		m.st.enobufs.Add(1)
	case errors.Is(err, nfq.ErrMessage):
		m.st.unreadable.Add(1)
	case errors.As(err, &ke):
		m.st.verdictErrs.Add(1)
	default:
		m.st.readErrs.Add(1)
		return false
	}
	return true
}

// receive turns a queued packet into a job; an unreadable one gets the
// fail verdict at once. While no worker is busy, the reader decides
// what a rule decides itself, without waking one (see decideNow).
func (m *Module) receive(k Kernel, jobs chan<- Packet, a nfq.Packet) {
	p := Packet{ID: a.ID, At: m.cfg.Clock(), UID: a.UID, HasUID: a.HasUID, GID: a.GID}
	var err error
	p.Tuple, err = Decode(a.Payload)
	p.Tuple.Iface = a.OutDev // an exact sock_diag lookup also finds device-bound sockets
	if err != nil {
		m.st.unreadable.Add(1)
		m.give(k, p, rules.Conn{}, m.failAction(), Decision{By: CausePacket})
		return
	}
	if len(jobs) == 0 && m.busy.Load() == 0 && m.decideNow(k, &p) {
		return
	}
	m.submit(k, jobs, p)
}

// queueKernel gives verdicts on the queue; reject is NF_REPEAT with the
// reject mark, which `ifw setup`'s REJECT rules catch.
type queueKernel struct {
	q    *nfq.Queue
	mark uint32
}

func (k *queueKernel) Verdict(id uint32, a rules.Action) error {
	switch a {
	case rules.Allow:
		return k.q.Verdict(id, nfq.Accept, 0, false)
	case rules.Reject:
		return k.q.Verdict(id, nfq.Repeat, k.mark, true)
	}
	return k.q.Verdict(id, nfq.Drop, 0, false)
}
