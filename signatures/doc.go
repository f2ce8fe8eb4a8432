// Package signatures is ifw's detection engine: it turns logged packets
// (sources.Packet) into attackers with psad-compatible danger levels, scan
// classes, signature hits, a scanning-tool guess and a passive OS guess.
//
// Engine is synchronous and pure: Observe does no I/O and never reads the
// clock. Time comes from the packet (Time, else Uptime counted from the Unix
// epoch, else the time of the last packet that had one) and, for live
// sources, from the host clock the caller passes in (SetNow), so replaying
// a log gives the same answer every time. Observe never keeps the *Packet
// it is given nor anything aliasing it.
//
// # Time
//
// A packet's time is a claim: a misdated line, or one anyone wrote with
// logger(1), can say anything a parser accepts (a year-less syslog stamp up
// to 7 days ahead, an RFC 3339 one any year). When one packet's time ended
// every other source's state, one such line dated days ahead expired every
// attacker and hid the new ones until the log caught up. So states are
// judged against the engine's clock, never against one packet's time:
//
//   - Live (the daemon calls SetNow with the host's time before each
//     packet): a packet dated more than Config.MaxClockAhead after the
//     host's time counts at that bound, and the clock follows the packets,
//     so it never runs ahead of the host by more than that. SetNow also
//     pulls back a clock restored ahead of it.
//   - An archive (ifw analyze; there is no host clock to compare with): the
//     clock moves to the earliest time of the last three packets: it moves
//     where three packets in a row agree time has come, so one or two
//     outliers never move it, while a log that really goes on later (a
//     quiet night, a machine off for a weekend) moves it three packets on.
//     Agreement rather than bounded steps: a step small enough to be
//     harmless (well under ScanTimeout) would leave the clock behind a log
//     that really jumps for hundreds of packets, counting them all at wrong
//     times; and a step large enough to follow such a log is itself a wipe.
//     A packet keeps its own time (an outlier's own source may live long;
//     memory stays bounded by MaxSources).
//   - Trusted state ages only with trusted packets: a source all of whose
//     packets were trusted is judged by a second clock that only trusted
//     packets move, so untrusted lines, however many and however dated,
//     never expire it (a forged line naming it makes it untrusted, as any
//     forged line does, but does not end it).
//   - A window ends when both the packet at hand and the source's clock say
//     ScanTimeout has passed since its last packet; a packet dated ahead may
//     start a new window for its own source (when it may judge it: a
//     trusted packet, or any for an untrusted source), never end another's,
//     and a packet dated behind the clock (a log read out of order) ends
//     none.
//
// Stats.FutureTimes counts the packets dated over MaxClockAhead after the
// host clock, or, without one, over a day after the engine's clock. The
// cost is a lag: without a host clock, expiry runs up to two packets late.
//
// # Danger levels (psad semantics by default)
//
//   - Per source→destination pair, packets since the scan began reach
//     5/15/150/1500/10000 → level 1–5 (Config.DangerLevels), but only once the
//     pair is eligible: its TCP/UDP/UDPLITE destination-port range is at least
//     Config.MinPortRange (a pair with no such port above 0, ICMP only for
//     one, counts its packets as its range, as psad does), or the source
//     used Config.MinProtocols IP protocols, or it touched
//     Config.MinDestinations destinations.
//   - Distinct destinations of a source reach 10/20/50/100/500 → level 1–5
//     (Config.SweepLevels), reported as a "sweep" scan per protocol.
//   - A signature match raises the source to the rule's level; an invalid
//     ICMP or ICMPv6 type/code raises it to Config.InvalidICMPLevel.
//   - An auto_dl entry without protocol pins the source's level; one with a
//     protocol/port raises it for matching packets; level 0 ignores.
//   - A source's level never decreases while its state lives. State expires
//     Config.ScanTimeout after the source's last packet.
//
// Packets with the ACK or RST flag (the "ack", "maimon" and "rst" classes)
// are what expired connections leave in firewall logs. They count towards a
// pair only once one of those classes reached Config.AckScanMinPorts distinct
// destination ports to that destination.
//
// Memory is bounded: at most Config.MaxSources sources (least recently seen
// evicted first), Config.MaxDestinations destinations and
// Config.MaxSignatures signature hits per source, a fixed number of scan
// records per pair, and at most Config.MaxPortBitmaps 8 KiB port bitmaps in
// the whole engine.
//
// Packets per port (Attacker.Ports) are counted per source and protocol
// with ports in fixed room, 16 counters (Misra–Gries): exact while the
// source hit at most 16 ports of the protocol; beyond, every port that
// got more than 1/17 of its packets is kept, each count a lower bound
// short by at most that much, and a port is listed only if it was hit.
//
// # Trust
//
// Every packet says whether it came over a transport only the kernel can
// write (sources.Packet.Trusted: kmsg, NFLOG, the journal's kernel
// transport) or not (a syslog file, which any local user can append forged
// lines to). Attacker.Trusted is true while every packet counted for the
// source was trusted; whoever acts on an attacker (auto-blocking inside
// HOME_NET) can refuse untrusted evidence.
//
// # Several cores
//
// Sources are independent but for time, so Shards shares one log among N
// engines by source address: one timeline dates the packets in log order
// (the clock every packet moves, the verdict of the lists, how far expiry
// reached since each engine's last packet), and each engine counts its
// packets at those dates, in its own goroutine (the caller's: the engine
// starts none). Settle at the end ends the windows that are over wherever
// they are, and Attackers and Stats are those of the one engine that read
// the whole log: the retained attackers are kept by a total order of danger
// (level, packets, then address and window), and the windows of one
// address merged by it, so that neither depends on the order windows ended
// in. Where a log is read out of order, a window's end may be met at
// another packet (expiry walks each engine's LRU from its tail); the
// bounds (MaxSources, MaxPortBitmaps) are shared among the engines.
//
// # One-packet sources
//
// Most sources of a real log are one packet of Internet noise, and their
// cost was cache misses, not instructions: a source state, a map entry and
// record arrays each touched once, then again an hour of log later to
// expire them. With Config.CompactNoise (ifw analyze), a new source is
// counted in one reused scratch state; if its packet left it at level 0,
// what replaying the packet takes is appended to a ring (64 bytes, in the
// order of the LRU's ticks) with an 8-byte slot in an index by address,
// and its second packet promotes it by replaying the first (noise.go).
// Expiry and eviction walk the ring and the LRU together, oldest first, so
// every report, detection and saved state is what it was without it
// (TestCompactNoiseSameReport, FuzzCompactNoise). The daemon leaves it off
// (MarshalState and Reconfigure would promote every record first).
//
// # State across restarts
//
// MarshalState writes the whole state (sources, retained attackers, latest
// time, counters) in a compact versioned binary form with a checksum;
// RestoreState reads it into a new engine, which then goes on exactly as
// the old one would have. A damaged or foreign blob is refused with a
// *StateError and leaves the engine empty.
package signatures
