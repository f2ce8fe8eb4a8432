package verdict

import (
	"context"
	"errors"
	"fmt"
	"time"

	nfqueue "github.com/florianl/go-nfqueue/v2"
	"golang.org/x/sys/unix"

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
	flags := uint32(nfqueue.NfQaCfgFlagUIDGid | nfqueue.NfQaCfgFlagGSO)
	if m.cfg.FailOpen {
		flags |= nfqueue.NfQaCfgFlagFailOpen
	}
	nf, err := nfqueue.Open(&nfqueue.Config{NfQueue: m.cfg.Queue, MaxPacketLen: copyRange,
		MaxQueueLen: m.cfg.MaxQueueLen, Copymode: nfqueue.NfQnlCopyPacket, Flags: flags,
		WriteTimeout: time.Second})
	if err != nil {
		return fmt.Errorf("verdict: open queue %d: %w", m.cfg.Queue, err)
	}
	defer nf.Close()
	k := &queueKernel{nf: nf, mark: m.cfg.RejectMark}
	jobs := make(chan Packet, m.cfg.Backlog)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	failed := make(chan error, 1)
	hook := func(a nfqueue.Attribute) int { m.receive(k, jobs, a); return 0 }
	onErr := func(err error) int { return m.readError(rctx, err, failed) }
	if err := nf.RegisterWithErrorFunc(rctx, hook, onErr); err != nil {
		return fmt.Errorf("verdict: bind queue %d: %w", m.cfg.Queue, err)
	}
	m.log.Info("outbound queue bound", "queue", m.cfg.Queue, "mode", m.cfg.Mode, "fail_open", m.cfg.FailOpen)
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var qerr error
	go func() {
		select {
		case qerr = <-failed:
		case <-sctx.Done():
		}
		stop()
	}()
	m.serve(sctx, k, jobs)
	cancel() // stop reading only after every held packet had its verdict
	if qerr != nil {
		return fmt.Errorf("verdict: queue %d: %w", m.cfg.Queue, qerr)
	}
	return nil
}

// readError decides whether the reader goes on after err: ENOBUFS (the
// kernel could not hand us packets; it counts them as user_dropped) and
// timeouts are survivable, anything else ends Run.
func (m *Module) readError(ctx context.Context, err error, failed chan<- error) int {
	if ctx.Err() != nil {
		return 1
	}
	if errors.Is(err, unix.ENOBUFS) {
		m.st.enobufs.Add(1)
		return 0
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return 0
	}
	m.st.readErrs.Add(1)
	select {
	case failed <- err:
	default:
	}
	return 1
}

// receive turns a queued packet into a job; an unreadable one gets the
// fail verdict at once.
func (m *Module) receive(k Kernel, jobs chan<- Packet, a nfqueue.Attribute) {
	if a.PacketID == nil {
		return
	}
	p := Packet{ID: *a.PacketID, At: m.cfg.Clock()}
	if a.UID != nil {
		p.UID, p.HasUID = *a.UID, true
	}
	if a.GID != nil {
		p.GID = *a.GID
	}
	var err error
	if a.Payload == nil {
		err = fmt.Errorf("%w: no payload", ErrPacket)
	} else {
		p.Tuple, err = Decode(*a.Payload)
	}
	if a.OutDev != nil {
		p.Tuple.Iface = *a.OutDev // an exact sock_diag lookup also finds device-bound sockets
	}
	if err != nil {
		m.st.unreadable.Add(1)
		m.give(k, p, rules.Conn{}, m.failAction(), Decision{By: CausePacket})
		return
	}
	m.submit(k, jobs, p)
}

// queueKernel gives verdicts on the queue; reject is NF_REPEAT with the
// reject mark, which `ifw setup`'s REJECT rules catch.
type queueKernel struct {
	nf   *nfqueue.Nfqueue
	mark uint32
}

func (q *queueKernel) Verdict(id uint32, a rules.Action) error {
	switch a {
	case rules.Allow:
		return q.nf.SetVerdict(id, nfqueue.NfAccept)
	case rules.Reject:
		return q.nf.SetVerdictWithOption(id, nfqueue.NfRepeat, nfqueue.WithMark(q.mark))
	}
	return q.nf.SetVerdict(id, nfqueue.NfDrop)
}
