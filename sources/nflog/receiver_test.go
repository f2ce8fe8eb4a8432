package nflog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	nflog "github.com/florianl/go-nflog/v2"
	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"

	"github.com/ifw/ifw/sources"
)

func testReceiver(ctx context.Context, out chan *sources.Packet) (*receiver, *sources.Stats) {
	stats := &sources.Stats{}
	now := func() time.Time { return time.Unix(5, 0) }
	m := meta{source: "t", names: newIfnames(nil, now, (&fakeInterfaces{}).lookup), now: now}
	return newReceiver(ctx, out, stats, slog.New(slog.DiscardHandler), m), stats
}

func TestReceiverHook(t *testing.T) {
	syn := ip4{ttl: 64, proto: 6}.with(tcp{sport: 1, dport: 9, flags: 2}.bytes())
	arp := make([]byte, 28)
	tests := []struct {
		name                        string
		a                           nflog.Attribute
		packets, skipped, malformed uint64
		dropped                     uint64
	}{
		{"packet", nflog.Attribute{Payload: &syn, Seq: ptr(uint32(0)), Prefix: ptr("p"), InDev: ptr(uint32(1))}, 1, 0, 0, 0},
		{"after three losses", nflog.Attribute{Payload: &syn, Seq: ptr(uint32(3)), HwProtocol: ptr(uint16(etherIPv4))}, 1, 0, 0, 3},
		{"not ip", nflog.Attribute{Payload: &arp, HwProtocol: ptr(uint16(0x0806))}, 0, 1, 0, 0},
		{"no payload", nflog.Attribute{}, 0, 1, 0, 0},
		{"undecodable", nflog.Attribute{Payload: &arp}, 0, 0, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := make(chan *sources.Packet, 1)
			r, st := testReceiver(context.Background(), out)
			if r.hook(tt.a) != 0 {
				t.Fatal("hook asked to stop")
			}
			s := st.Snapshot()
			if s.Lines != 1 || s.Packets != tt.packets || s.Skipped != tt.skipped || s.Malformed != tt.malformed || s.Dropped != tt.dropped {
				t.Fatalf("stats %+v", s)
			}
			if tt.packets == 1 {
				p := <-out
				if p.DstPort != 9 || !p.Trusted || p.Source != "t" || p.Time != time.Unix(5, 0) {
					t.Fatalf("packet %+v", p)
				}
			}
		})
	}
}

func TestReceiverStopsWhileSending(t *testing.T) {
	syn := ip4{ttl: 64, proto: 6}.with(tcp{sport: 1, dport: 9, flags: 2}.bytes())
	ctx, cancel := context.WithCancel(context.Background())
	r, _ := testReceiver(ctx, make(chan *sources.Packet)) // nobody reads
	go func() {
		time.Sleep(10 * time.Millisecond)
		cancel()
	}()
	if r.hook(nflog.Attribute{Payload: &syn}) == 0 {
		t.Fatal("hook went on after the context ended")
	}
	<-r.done
	if r.err != nil {
		t.Fatalf("stop recorded error %v", r.err)
	}
}

func TestReceiverErrors(t *testing.T) {
	enobufs := &netlink.OpError{Op: "receive", Err: os.NewSyscallError("recvmsg", unix.ENOBUFS)}
	out := make(chan *sources.Packet, 1)
	r, st := testReceiver(context.Background(), out)
	for range 2 { // each ENOBUFS is counted and the loop goes on
		if r.onError(enobufs) != 0 {
			t.Fatal("ENOBUFS stopped the loop")
		}
	}
	if d := st.Dropped.Load(); d != 2 {
		t.Fatalf("dropped %d, want 2", d)
	}
	// the next message shows five lost: two were counted already
	syn := ip4{ttl: 64, proto: 6}.with(tcp{}.bytes())
	r.hook(nflog.Attribute{Payload: &syn, Seq: ptr(uint32(5))})
	if d := st.Dropped.Load(); d != 5 {
		t.Fatalf("dropped %d, want 5", d)
	}
	fatal := &netlink.OpError{Op: "receive", Err: unix.EBADF}
	if r.onError(fatal) == 0 {
		t.Fatal("a fatal error did not stop the loop")
	}
	<-r.done
	if !errors.Is(r.err, unix.EBADF) {
		t.Fatalf("loop error %v", r.err)
	}
}

func TestBindError(t *testing.T) {
	s, _ := New(Config{Group: 5}, nil)
	tests := []struct {
		name string
		err  error
		busy bool
	}{
		{"group held", fmt.Errorf("could not bind to requested group %d: %v", 5, &netlink.OpError{Op: "receive", Err: unix.EPERM}), true},
		{"no privilege", fmt.Errorf("could not unbind existing handlers from socket: %v", &netlink.OpError{Op: "receive", Err: unix.EPERM}), false},
		{"other", errors.New("could not bind to requested group 5: netlink receive: invalid argument"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.bindError(tt.err)
			var ge *GroupError
			if !errors.As(err, &ge) || ge.Group != 5 || errors.Is(err, ErrGroupBusy) != tt.busy || !errors.Is(err, tt.err) {
				t.Fatalf("bindError = %v (busy %v)", err, errors.Is(err, ErrGroupBusy))
			}
		})
	}
}
