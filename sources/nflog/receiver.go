package nflog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	nflog "github.com/florianl/go-nflog/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/ifw/ifw/sources"
)

// haltTimeout bounds the wait for go-nflog's receive loop to notice a stop.
const haltTimeout = 5 * time.Second

// receiver is one Run's side of go-nflog's receive loop. Its callbacks run
// on the library's goroutine, one at a time; Run stops the loop through
// halt and learns from done that the loop left its last callback.
//
// Run never cancels the context the loop watches before done: the loop
// then can only leave through a callback returning non-zero, so done
// always tells when it is over.
type receiver struct {
	ctx   context.Context // Run's
	out   chan<- *sources.Packet
	stats *sources.Stats
	log   *slog.Logger
	meta  meta
	drops drops
	// raw, when set, takes each message instead of the decoder (Tap).
	raw func(*nflog.Attribute)

	stopping atomic.Bool
	stop     chan struct{} // closed by halt
	done     chan struct{} // closed when the loop ends
	once     sync.Once
	err      error // why the loop ended, when not stopped; set before done closes
}

func newReceiver(ctx context.Context, out chan<- *sources.Packet, stats *sources.Stats, log *slog.Logger, m meta) *receiver {
	return &receiver{ctx: ctx, out: out, stats: stats, log: log, meta: m,
		stop: make(chan struct{}), done: make(chan struct{})}
}

// hook handles one NFLOG message.
func (r *receiver) hook(a nflog.Attribute) int {
	if r.stopping.Load() {
		return r.end(nil)
	}
	r.stats.Lines.Add(1)
	if n := r.drops.seen(a.Seq); n > 0 {
		r.stats.Dropped.Add(n)
	}
	if r.raw != nil {
		r.raw(&a)
		return 0
	}
	pkt, ok := r.packet(&a)
	if !ok {
		return 0
	}
	select {
	case r.out <- pkt:
		r.stats.Packets.Add(1)
		return 0
	case <-r.stop:
	case <-r.ctx.Done():
	}
	return r.end(nil)
}

// packet decodes a message into a new Packet, which the receiver of out
// will own.
func (r *receiver) packet(a *nflog.Attribute) (*sources.Packet, bool) {
	if a.Payload == nil || !isIP(a.HwProtocol) {
		r.stats.Skipped.Add(1)
		return nil, false
	}
	pkt := new(sources.Packet)
	if err := Decode(*a.Payload, pkt); err != nil {
		r.stats.Malformed.Add(1)
		r.log.Debug("nflog: undecodable packet", "err", err, "bytes", len(*a.Payload))
		return nil, false
	}
	r.meta.fill(pkt, a)
	return pkt, true
}

// onError handles a receive error: ENOBUFS (the kernel dropped messages
// because the socket buffer was full) is counted and reading goes on; an
// error after a stop ends the loop quietly; anything else ends it and Run
// returns it.
func (r *receiver) onError(err error) int {
	if r.stopping.Load() || r.ctx.Err() != nil {
		return r.end(nil)
	}
	if errors.Is(err, unix.ENOBUFS) {
		r.stats.Dropped.Add(r.drops.overrun())
		r.log.Debug("nflog: socket buffer overrun, packets lost")
		return 0
	}
	return r.end(fmt.Errorf("nflog: receive: %w", err))
}

// end records why the loop ends and tells go-nflog to leave it.
func (r *receiver) end(err error) int {
	r.once.Do(func() {
		r.err = err
		close(r.done)
	})
	return 1
}

// halt stops the loop: callbacks from now on return non-zero, and a read
// deadline in the past wakes a blocked receive so that one is called.
func (r *receiver) halt(conn *netlink.Conn) {
	r.stopping.Store(true)
	close(r.stop)
	if err := conn.SetReadDeadline(time.Unix(1, 0)); err != nil {
		r.log.Debug("nflog: read deadline", "err", err)
	}
	t := time.NewTimer(haltTimeout)
	defer t.Stop()
	select {
	case <-r.done:
	case <-t.C:
		r.log.Error("nflog: receive loop did not stop", "waited", haltTimeout)
	}
}
