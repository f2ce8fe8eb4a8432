package alerts

import (
	"net/netip"
	"time"
)

// BlockSource is the path a block came from.
type BlockSource string

// Block sources.
const (
	BlockAuto   BlockSource = "auto"   // an alert at or above the auto-block level
	BlockManual BlockSource = "manual" // `ifw block add`, the applet's Block button
	BlockBulk   BlockSource = "bulk"   // a bulk drop list
)

// Valid reports whether s is one of the block sources.
func (s BlockSource) Valid() bool {
	return s == BlockAuto || s == BlockManual || s == BlockBulk
}

// RemovedWhy is why a block ended.
type RemovedWhy string

// Why blocks end.
const (
	RemovedExpired RemovedWhy = "expired" // its time ran out (the kernel dropped the entry)
	RemovedDeleted RemovedWhy = "deleted" // `ifw block del`
	RemovedKernel  RemovedWhy = "kernel"  // the kernel refused or lost the entry
)

// Valid reports whether w is one of the reasons.
func (w RemovedWhy) Valid() bool {
	return w == RemovedExpired || w == RemovedDeleted || w == RemovedKernel
}

// Block is the record of one address or network blocked in the kernel. A
// prefix has at most one active block (Removed zero) per host at a time.
type Block struct {
	ID int64 `json:"id"` // set by Store.AddBlock
	// Host is the host that decided the block (the Store's Config.Host).
	Host string `json:"host"`
	// Scope is ScopeFleet for a block every host of a fleet applies
	// (alerts/fleet); the blocks a Store keeps leave it "", which means
	// ScopeHost: its host alone applies them (`ifw block list --json` says
	// "host").
	Scope  string       `json:"scope"`
	Prefix netip.Prefix `json:"prefix"`
	Family int          `json:"family"` // 4 or 6, from Prefix
	Reason string       `json:"reason"`
	Level  int          `json:"level"` // danger level behind the block (0: none, manual)
	Source BlockSource  `json:"source"`
	// Created is when the prefix was first blocked; re-blocking an active
	// prefix keeps it.
	Created time.Time `json:"created"`
	// Expires is when the block ends; zero (absent in JSON) means never.
	Expires time.Time `json:"expires,omitzero"`
	// Removed is when the block ended; zero (absent in JSON) while active.
	Removed    time.Time  `json:"removed,omitzero"`
	RemovedWhy RemovedWhy `json:"removed_why,omitempty"`
}

// Permanent reports whether b never expires.
func (b Block) Permanent() bool { return b.Expires.IsZero() }

// Active reports whether b has not been removed.
func (b Block) Active() bool { return b.Removed.IsZero() }

// Due reports whether b's time has run out at now.
func (b Block) Due(now time.Time) bool { return !b.Expires.IsZero() && !now.Before(b.Expires) }

// BlockQuery selects blocks. Zero fields select everything active.
type BlockQuery struct {
	// Host selects the blocks of this host: "" those of the Store's own
	// host (Config.Host; every host for a store opened without one),
	// AllHosts every host's.
	Host           string
	Since          time.Time    // blocks created at or after Since
	Prefix         netip.Prefix // blocks of exactly this prefix (invalid: any)
	IncludeRemoved bool         // ended blocks too, not only the active ones
	Limit          int          // at most this many, newest first (0: no limit)
	oldestFirst    bool         // ActiveBlocks' order
}

// migrationBlocks (schema 2) adds the blocks table. Times are Unix
// nanoseconds; expires is NULL for a permanent block, removed NULL while
// the block is active. The partial unique index keeps one active block per
// prefix and finds the active ones; the other serves repeat-offender
// counts and per-prefix history.
const migrationBlocks = `CREATE TABLE blocks (
		id          INTEGER PRIMARY KEY AUTOINCREMENT,
		prefix      TEXT    NOT NULL,
		family      INTEGER NOT NULL CHECK (family IN (4, 6)),
		reason      TEXT    NOT NULL,
		level       INTEGER NOT NULL,
		source      TEXT    NOT NULL CHECK (source IN ('auto', 'manual', 'bulk')),
		created     INTEGER NOT NULL,
		expires     INTEGER,
		removed     INTEGER,
		removed_why TEXT CHECK (removed_why IN ('expired', 'deleted', 'kernel')),
		CHECK ((removed IS NULL) = (removed_why IS NULL))
	);
	CREATE INDEX blocks_prefix ON blocks(prefix, created);
	CREATE UNIQUE INDEX blocks_active ON blocks(prefix) WHERE removed IS NULL;`
