// Package kmsg is a sources.Source that reads the kernel's log records from
// /dev/kmsg, where the LOG target's lines first appear.
//
// Only the kernel (and root) can write /dev/kmsg, so every packet is marked
// Trusted. One read returns one record, "prio,seq,usec,flags;message", with
// optional dictionary lines after it; only the message line is parsed. When
// the kernel's ring buffer overwrites records before they are read, the gap
// in sequence numbers is counted in Stats.Dropped.
//
// A Source remembers the sequence number of the last record it handed on
// (Position), so that a restarted Run, or a daemon that saved the Position,
// resumes after it instead of reading the ring again. Sequence numbers start
// over at each boot; a Position carries the boot ID it belongs to.
package kmsg
