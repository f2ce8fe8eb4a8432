// Package spool is a durable, bounded, append-only queue of records on
// local disk: what a daemon could not write to its shared database (an
// outage of PostgreSQL) waits here, in order, until it can be delivered.
//
// Why its own format and not SQLite: the spool must keep working when the
// reason the database is unreachable is local too (a full disk refuses
// SQLite's journal and page writes alike), must never load more than one
// bounded piece into memory, and must survive a crash mid-write losing only
// the record being written. An append-only log of length-prefixed records,
// each with a magic word and a CRC-32C over its length and payload, does
// all three: a torn tail or flipped bits are found by the CRC, skipped up
// to the next record whose magic and CRC hold, and reported (file:offset).
//
// Records live in segment files (SegmentBytes each): a delivered segment
// is removed, so disk space is freed as the queue drains, and dropping the
// oldest records when the spool is full (MaxBytes, MaxRecords) is the
// removal of the oldest segment, as journald and logrotate drop old logs:
// what is happening now is what an admin looks at. Drops are counted.
//
// How far delivery got in the oldest segment is kept in a small file
// (ack), so a restart resends at most the records delivered but not yet
// acknowledged: delivery is at least once, and the receiver makes a resend
// harmless (the alert store's globally unique alert ids).
//
// Local users are hostile: the directory must be owned by the process's
// user and writable by no one else (it is made 0700), every file is opened
// relative to the directory's descriptor with O_NOFOLLOW, created with
// O_EXCL and mode 0600, and only regular files with one link and our owner
// are read: a symlink or hard link planted in the directory never makes
// root read or write elsewhere.
//
// The spool runs no goroutine: the caller appends, and its own drain loop
// peeks, delivers and acknowledges.
package spool
