package notify

import (
	"context"
	"net/netip"
	"slices"

	"github.com/ifw/ifw/alerts"
)

// alertEvent is the event of alert a: the configured buttons, and when
// the source is blocked already (Config.Blocked), the block and Unblock in
// the place of Block.
func (h *Hub) alertEvent(ctx context.Context, a alerts.Alert) Event {
	ev := Event{Kind: KindAlert, Alert: a, Actions: slices.Clone(h.cfg.Actions)}
	if h.cfg.Blocked == nil || !a.Src.IsValid() {
		return ev
	}
	blk := h.cfg.Blocked(ctx, a.Src.Unmap())
	if blk == nil {
		return ev
	}
	ev.Blocked = blk
	if i := slices.Index(ev.Actions, ActionBlock); i >= 0 {
		ev.Actions[i] = ActionUnblock
	}
	return ev
}

// supersede marks the earlier alert events of src answered, keeping
// event keep: the applets replaced their bubbles with keep's, so a late
// click on an old one (an applet that does not replace) is refused with
// ErrSuperseded instead of acting on an outdated alert.
func (h *Hub) supersede(src netip.Addr, keep uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, p := range h.events {
		if id != keep && p.ev.Kind == KindAlert && p.ev.Alert.Src == src && !p.answered {
			p.answered, p.superseded = true, true
		}
	}
}
