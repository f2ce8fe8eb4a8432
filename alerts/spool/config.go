package spool

import (
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/ifw/ifw/etc"
)

// ErrConfig matches every error Config.Validate returns (an
// *etc.ConfigError naming the field).
var ErrConfig = errors.New("spool: invalid config")

// Defaults of the zero Config fields.
const (
	DefaultMaxBytes     = 256 << 20
	DefaultMaxRecords   = 1_000_000
	DefaultSegmentBytes = 4 << 20
	DefaultMaxRecord    = 1 << 20
)

// Config says where the spool lives and how much it may hold. Zero fields
// take their defaults.
type Config struct {
	// Dir is the spool's directory, absolute (e.g. /var/lib/ifw/spool).
	// It is created 0700 when missing; an existing one must be a directory
	// (not a symlink) owned by this process's user and writable by no one
	// else.
	Dir string
	// MaxBytes bounds the records kept on disk (DefaultMaxBytes); at least
	// two segments.
	MaxBytes int64
	// MaxRecords bounds how many records are kept (DefaultMaxRecords).
	MaxRecords int
	// SegmentBytes is the size at which a new segment file is started
	// (DefaultSegmentBytes).
	SegmentBytes int64
	// MaxRecord bounds one record's payload (DefaultMaxRecord); a larger
	// one is refused (ErrTooLarge) and a length beyond it on disk is
	// damage.
	MaxRecord int
	// NoSync skips the fsync after each append: a record then survives a
	// crash of the process but not a power loss (benchmarks, tests).
	NoSync bool
	// SyncEvery, when set, fsyncs an append only when the last fsync is
	// at least this old (group commit, as SQLite's synchronous=NORMAL):
	// every record is written before Append returns (it survives a crash
	// of the process), and a power loss loses at most the records of the
	// last SyncEvery, or since the caller's last Sync. 0: fsync each.
	SyncEvery time.Duration
}

// Validate checks c without I/O.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Dir == "" || !filepath.IsAbs(c.Dir) || strings.ContainsRune(c.Dir, 0):
		return etc.Invalid(ErrConfig, "dir", "%q is not an absolute path", c.Dir)
	case c.MaxRecord < 1 || c.MaxRecord > 64<<20:
		return etc.Invalid(ErrConfig, "max_record", "%d is not 1-64MiB", c.MaxRecord)
	case c.SegmentBytes < int64(c.MaxRecord)+headerLen || c.SegmentBytes > 1<<30:
		return etc.Invalid(ErrConfig, "segment_bytes", "%d is not one record (%d) to 1GiB", c.SegmentBytes, c.MaxRecord+headerLen)
	case c.MaxBytes < 2*c.SegmentBytes:
		return etc.Invalid(ErrConfig, "max_bytes", "%d is less than two segments (%d)", c.MaxBytes, 2*c.SegmentBytes)
	case c.MaxRecords < 1:
		return etc.Invalid(ErrConfig, "max_records", "%d is not positive", c.MaxRecords)
	case c.SyncEvery < 0 || c.SyncEvery > time.Minute:
		return etc.Invalid(ErrConfig, "sync_every", "%v is not 0-1m", c.SyncEvery)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxRecords == 0 {
		c.MaxRecords = DefaultMaxRecords
	}
	if c.SegmentBytes == 0 {
		c.SegmentBytes = DefaultSegmentBytes
	}
	if c.MaxRecord == 0 {
		c.MaxRecord = DefaultMaxRecord
	}
	return c
}
