package sources

import "sync/atomic"

// Stats are one collector's counters, safe for concurrent use.
type Stats struct {
	Lines     atomic.Uint64 // text lines or netlink messages read
	Packets   atomic.Uint64 // firewall packets sent on
	Skipped   atomic.Uint64 // lines that are not firewall lines
	Malformed atomic.Uint64 // firewall lines that did not parse
	Dropped   atomic.Uint64 // records lost before ifw saw them (kmsg overrun, NFLOG ENOBUFS, kernel queue drops)
	Restarts  atomic.Uint64 // times the supervisor restarted the collector
	LastError atomic.Pointer[string]
}

// StatsSnapshot is Stats at one moment, for status and metrics.
type StatsSnapshot struct {
	Lines     uint64 `json:"lines"`
	Packets   uint64 `json:"packets"`
	Skipped   uint64 `json:"skipped"`
	Malformed uint64 `json:"malformed"`
	Dropped   uint64 `json:"dropped"`
	Restarts  uint64 `json:"restarts"`
	LastError string `json:"last_error,omitempty"`
}

// Snapshot reads every counter.
func (s *Stats) Snapshot() StatsSnapshot {
	snap := StatsSnapshot{
		Lines: s.Lines.Load(), Packets: s.Packets.Load(), Skipped: s.Skipped.Load(),
		Malformed: s.Malformed.Load(), Dropped: s.Dropped.Load(), Restarts: s.Restarts.Load(),
	}
	if e := s.LastError.Load(); e != nil {
		snap.LastError = *e
	}
	return snap
}

// SetError records the latest error a collector met (for status).
func (s *Stats) SetError(err error) {
	if err == nil {
		s.LastError.Store(nil)
		return
	}
	msg := err.Error()
	s.LastError.Store(&msg)
}
