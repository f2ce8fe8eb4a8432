package verdict

// Stats are the module's counters, for `ifw status`.
type Stats struct {
	Queue    uint16 `json:"queue"`
	Mode     Mode   `json:"mode"`
	FailOpen bool   `json:"fail_open"`
	// Verdicts given.
	Packets  uint64 `json:"packets"`
	Accepted uint64 `json:"accepted"`
	Dropped  uint64 `json:"dropped"`
	Rejected uint64 `json:"rejected"`
	ByRule   uint64 `json:"by_rule"`
	// Questions opened, packets merged into open ones, answered, timed out,
	// open now.
	Asked    uint64 `json:"asked"`
	Merged   uint64 `json:"merged"`
	Answered uint64 `json:"answered"`
	TimedOut uint64 `json:"timed_out"`
	Open     int    `json:"open"`
	Rules    int    `json:"rules"`
	// Trouble: connections of unknown processes, unreadable packets,
	// packets given the fail verdict for lack of room, verdicts the kernel
	// refused, lookup failures, ENOBUFS and other read errors.
	Unknown    uint64 `json:"unknown_process"`
	Unreadable uint64 `json:"unreadable"`
	Overflow   uint64 `json:"overflow"`
	// UIDLimited: of Overflow, packets whose uid had its share of the
	// questions (MaxQuestionsPerUID) open.
	UIDLimited  uint64 `json:"uid_limited"`
	VerdictErrs uint64 `json:"verdict_errors"`
	LookupErrs  uint64 `json:"lookup_errors"`
	ENOBUFS     uint64 `json:"enobufs"`
	ReadErrs    uint64 `json:"read_errors"`
	// Kernel is the queue's line of /proc/net/netfilter/nfnetlink_queue
	// (nil when nobody is bound or it cannot be read).
	Kernel *KernelStats `json:"kernel,omitempty"`
}

// Stats returns the counters and the kernel's view of the queue.
func (m *Module) Stats() Stats {
	s := Stats{Queue: m.cfg.Queue, Mode: m.cfg.Mode, FailOpen: m.cfg.FailOpen,
		Packets: m.st.packets.Load(), Accepted: m.st.accepted.Load(), Dropped: m.st.dropped.Load(),
		Rejected: m.st.rejected.Load(), ByRule: m.st.byRule.Load(), Asked: m.st.asked.Load(),
		Merged: m.st.merged.Load(), Answered: m.st.answered.Load(), TimedOut: m.st.timedOut.Load(),
		Open: len(m.qs.list()), Rules: m.deps.Rules.Len(), Unknown: m.st.unknown.Load(),
		Unreadable: m.st.unreadable.Load(), Overflow: m.st.overflow.Load(), UIDLimited: m.st.uidLimited.Load(),
		VerdictErrs: m.st.verdictErrs.Load(), LookupErrs: m.st.lookupErrs.Load(),
		ENOBUFS: m.st.enobufs.Load(), ReadErrs: m.st.readErrs.Load()}
	if k, ok, err := ReadKernelStats(m.cfg.Queue); err == nil && ok {
		s.Kernel = &k
	}
	return s
}
