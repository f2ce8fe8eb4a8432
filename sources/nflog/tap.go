package nflog

import (
	"context"
	"log/slog"

	nflog "github.com/florianl/go-nflog/v2"
	"github.com/ifw/ifw/sources"
)

// Raw is one logged packet as the kernel gave it: the packet from its
// network header (Payload, valid only during the call that gets it) and
// the netfilter hook it was logged at (HasHook false when the kernel gave
// none), and the uid of its local socket.
type Raw struct {
	Payload []byte
	Hook    uint8
	HasHook bool
	// UID of the packet's local socket (HasUID false without one).
	UID    uint32
	HasUID bool
}

// Tap reads one NFLOG group raw, for a reader that needs the packets'
// contents (the DNS watcher) rather than decoded headers. It shares
// Source's socket handling: Config's CopyRange should then hold the
// payload wanted.
type Tap struct{ src *Source }

// NewTap checks cfg and returns a Tap; it touches nothing until Run.
func NewTap(cfg Config, log *slog.Logger) (*Tap, error) {
	s, err := New(cfg, log)
	if err != nil {
		return nil, err
	}
	return &Tap{src: s}, nil
}

// Stats returns the tap's counters (Lines: messages, Dropped: lost).
func (t *Tap) Stats() *sources.Stats { return &t.src.stats }

// Run binds the group and calls fn for each packet until ctx ends (then
// returns nil); errors as Source.Run's.
func (t *Tap) Run(ctx context.Context, fn func(Raw)) error {
	s := t.src
	ns, err := openNetNS(s.cfg.NetNS)
	if err != nil {
		return err
	}
	defer ns.Close()
	nf, err := s.open(ns)
	if err != nil {
		return err
	}
	r := newReceiver(ctx, nil, &s.stats, s.log, meta{})
	r.raw = func(a *nflog.Attribute) {
		if a.Payload == nil || !isIP(a.HwProtocol) {
			s.stats.Skipped.Add(1)
			return
		}
		raw := Raw{Payload: *a.Payload}
		if a.Hook != nil {
			raw.Hook, raw.HasHook = *a.Hook, true
		}
		if a.UID != nil {
			raw.UID, raw.HasUID = *a.UID, true
		}
		s.stats.Packets.Add(1)
		fn(raw)
	}
	return s.serve(ctx, nf, r, "nflog: tap listening")
}
