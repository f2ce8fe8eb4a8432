// Package alerts makes detections durable: Alert is a signatures.Detection
// with the host and collector it came from and the outcomes of the actions
// that ran for it; Store keeps alerts, outcomes, blocks, the closed
// questions of the outbound module (Question) and small named blobs (the
// engine's state, collector positions) in SQLite (modernc.org/sqlite, pure
// Go) or in PostgreSQL. Reports (alerts/report) are queries over it.
//
// # Storage
//
// The database runs in WAL mode with synchronous=NORMAL: a commit appends to
// the write-ahead log and returns without an fsync, so AddAlert costs a
// write(2), not a disk flush. A committed alert survives any crash of ifw
// itself (panic, kill -9, OOM): it is in the log file, which the next
// Open replays. What NORMAL gives up is the last commits before a power
// loss or kernel crash (never the database's integrity): they roll back
// together. ifw accepts that by default because what its actions did is
// lost with the power too (ipset entries live in the kernel) and because a
// scan produces bursts of alerts that an fsync each would queue behind a
// slow disk. Config.FullSync selects synchronous=FULL (an fsync per commit)
// for those who want alerts to survive a power loss as well.
//
// Writes go through one connection, in order; reads use a small pool of
// their own, and in WAL mode they neither wait for the writer nor block it.
//
// # PostgreSQL
//
// With Config.URL the same tables live in PostgreSQL (pgx's database/sql
// driver), shared by a fleet's daemons. There is one list of migrations;
// dialect renders each statement for PostgreSQL from a small explicit
// table of differences rather than keeping a second schema that could
// drift. Migrations run under an advisory lock, so daemons starting
// together migrate once. Each row says which host made it: a Store is
// opened with its host and keeps that host's blocks, questions, windows and
// state apart from the others' (one active block per host and prefix);
// alerts carry the host that logged the packets and are read for every
// host unless a query names one. Alerts get a unique id from their writer
// (NewUID), so a write sent again after an outage, whose first answer may
// have been lost, stores the alert once. A server that cannot be reached
// is FaultUnavailable (ErrUnavailable, what the outage spool keys on); the
// pool replaces the connections it dropped, so the store works again when
// the server does, without being reopened. A SQLite database is one
// machine's: its daemon adopts the rows of another host name on open.
//
// # Faults
//
// Every failure of the database underneath (disk full, read-only file or
// file system, closed store, corruption, I/O error, a lock held too long by
// another process) is a *StorageError, which errors.Is matches against
// ErrStorage and against the fault's own sentinel (ErrFull, ErrReadOnly,
// ErrClosed, ErrCorrupt, ErrBusy). A failed write changes nothing: what was
// stored before stays readable.
package alerts
