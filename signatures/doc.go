// Package signatures is ifw's detection engine: it turns logged packets
// (sources.Packet) into attackers with psad-compatible danger levels, scan
// classes, signature hits, a scanning-tool guess and a passive OS guess.
//
// Engine is synchronous and pure: Observe does no I/O and never reads the
// clock. Time comes from the packet (Time, else Uptime counted from the Unix
// epoch, else the time of the last packet that had one), so replaying a log
// gives the same answer every time. Observe never keeps the *Packet it is
// given nor anything aliasing it.
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
// # State across restarts
//
// MarshalState writes the whole state (sources, retained attackers, latest
// time, counters) in a compact versioned binary form with a checksum;
// RestoreState reads it into a new engine, which then goes on exactly as
// the old one would have. A damaged or foreign blob is refused with a
// *StateError and leaves the engine empty.
package signatures
