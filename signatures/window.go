package signatures

import (
	"net/netip"
	"time"
)

// Window is one attacker's scan window: its state from its first packet
// until the state expires. Alerts are raised when the picture changes, so
// the latest alert of a window may count fewer packets than the window
// has: Windows gives the counts as they are now.
type Window struct {
	Src       netip.Addr `json:"src"`
	FirstSeen time.Time  `json:"first_seen"`
	LastSeen  time.Time  `json:"last_seen"`
	Packets   int        `json:"packets"`
	Level     int        `json:"danger_level"`
}

// Windows returns the windows of the attackers (level 1 or more) whose
// last packet came within d of the latest packet the engine saw, most
// recently seen first. It walks the sources from the most recently seen
// and stops at the first older one, so a short d costs little however
// many sources there are.
func (e *Engine) Windows(d time.Duration) []Window {
	var out []Window
	for s := e.lru.head; s != nil && e.latest-s.last <= int64(d); s = s.next {
		if s.level > 0 {
			out = append(out, Window{Src: s.addr, FirstSeen: unixTime(s.first), LastSeen: unixTime(s.last),
				Packets: int(s.packets), Level: int(s.level)})
		}
	}
	return out
}
