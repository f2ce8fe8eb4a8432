// Package block blocks attackers in the kernel with ipset and keeps a
// record of every block in the alert store, the two always in agreement.
//
// Two layers:
//
//   - Sets is the kernel: four hash:net sets in one network namespace (the
//     daemon's own unless SetsConfig.NetNS names another). ifw-block4 and
//     ifw-block6 hold timed blocks (created with timeout support: each entry
//     carries its own timeout, 0 is permanent); ifw-bulk4 and ifw-bulk6 hold
//     the bulk drop lists. Ensure creates missing sets and refuses existing
//     ones of another type or family, or without timeout support (a
//     *SetError). The firewall rules that drop what the sets match are
//     `ifw setup`'s business, not this package's.
//   - Blocker is the policy: the never-block Guard first, then how long
//     (per danger level, longer for repeat offenders, capped), then the
//     record, then the kernel entry. Auto blocks the source of an alert
//     when auto-blocking is on and the alert's level is high enough.
//
// # Libraries
//
// Every kernel operation goes through github.com/vishvananda/netlink, which
// reads the kernel's answer, so a missing set, a full set or a refused
// entry is an error (*KernelError) instead of silence: create, list, test,
// add, delete and swap through its Handle, opened in the configured
// namespace. Bulk lists are written with ipset's own batch protocol (one
// netlink message carries up to ~2,500 entries in an IPSET_ATTR_ADT
// container, as `ipset restore` does), built with the same library's nl
// package and acknowledged message by message: 100,000 entries load in
// well under the 0.5 s target, where one message per entry (netlink in a
// loop, or github.com/nadoo/ipset, which also never reads errors and only
// knows its own process-wide socket) takes 0.65-0.8 s.
//
// # Store and kernel agree
//
// A block is written to the store before it reaches the kernel; when the
// kernel refuses it, the record is closed at once (removed_why "kernel").
// The kernel expires entries on its own; Sync (every Config.SyncInterval
// from Run) closes the records whose entry is gone at its time
// ("expired"), puts back entries that vanished before their time (an
// ipset del or flush: counted in Totals().PutBack) and deletes kernel
// entries no record accounts for, so neither the store nor List ever
// shows a block the kernel no longer has. Restore, at start, puts back every
// record still due with its remaining time and closes the others. Blocks
// longer than the kernel's largest timeout (about 24.8 days) go into the
// kernel without timeout, and Sync removes them when their record expires.
//
// # One owner per set
//
// Sets.Lock binds one abstract unix socket per set ("@ifw-ipset:NAME") in
// the sets' namespace. Abstract names belong to a network namespace and
// vanish with their process (kill -9 included), so the lock is exactly
// "this set in this namespace" and never goes stale; a refused Lock
// connects to the holder and names its PID (SO_PEERCRED). Without it, a
// second daemon with a store of its own would take the first one's
// entries for strays and delete them.
//
// Bulk lists are not recorded entry by entry: their files are their record,
// and LoadBulk replaces a bulk set's whole content atomically (a temporary
// set filled then swapped in), so a reload never leaves a gap.
package block
