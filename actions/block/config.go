package block

import (
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/ifw/ifw/etc"
	"github.com/ifw/ifw/signatures"
)

// Forever, as a duration (Config.DurationByLevel, Request.For), means a
// block that never expires.
const Forever time.Duration = -1

// Defaults of the zero Config fields.
const (
	// DefaultDuration is psad's AUTO_BLOCK_TIMEOUT (3600 s).
	DefaultDuration = time.Hour
	// DefaultMinLevel is psad's AUTO_IDS_DANGER_LEVEL.
	DefaultMinLevel     = 5
	DefaultRepeatFactor = 2.0
	DefaultRepeatWindow = 7 * 24 * time.Hour
	DefaultSyncInterval = 10 * time.Second
)

// Limits.
const (
	// MaxTimeout is the longest timeout the kernel keeps for an entry
	// (UINT_MAX/2 milliseconds); longer blocks enter the kernel without
	// timeout and Sync removes them when they expire.
	MaxTimeout = 2147483 * time.Second
	// MaxRepeatFactor bounds Config.RepeatFactor.
	MaxRepeatFactor = 1000
	// longest is the finite duration a repeat offender's block grows to
	// without MaxDuration; past it the block is permanent.
	longest = 50 * 365 * 24 * time.Hour
)

// ErrConfig matches every error Config.Validate and SetsConfig.Validate
// return: an *etc.ConfigError whose Key is the [block] key.
var ErrConfig = errors.New("block: invalid config")

// Config is the blocking policy (the [block] section).
type Config struct {
	// Auto turns auto-blocking on: Auto blocks the source of every alert
	// at or above MinLevel.
	Auto bool
	// MinLevel is the lowest danger level Auto blocks (1-5); 0 means
	// DefaultMinLevel.
	MinLevel int
	// DurationByLevel is how long a block lasts, by danger level (index
	// 0: manual blocks without a level). 0 means DefaultDuration, Forever
	// a permanent block.
	DurationByLevel [signatures.MaxLevel + 1]time.Duration
	// RepeatFactor multiplies the duration once per earlier block of the
	// same prefix within RepeatWindow (1: no growth); 0 means
	// DefaultRepeatFactor.
	RepeatFactor float64
	// RepeatWindow is how far back earlier blocks count; 0 means
	// DefaultRepeatWindow.
	RepeatWindow time.Duration
	// MaxDuration caps the durations the policy gives (a Forever level
	// included); 0 means no cap: a repeat offender's block may grow to
	// permanent. An explicit Request.For is never capped.
	MaxDuration time.Duration
	// SyncInterval is how often Run reconciles the store with the kernel;
	// 0 means DefaultSyncInterval.
	SyncInterval time.Duration
}

// Validate checks c without touching the system.
func (c Config) Validate() error {
	if c.MinLevel < 0 || c.MinLevel > signatures.MaxLevel {
		return etc.Invalid(ErrConfig, "min_level", "min level %d is not 1-%d", c.MinLevel, signatures.MaxLevel)
	}
	for level, d := range c.DurationByLevel {
		if d != Forever && d != 0 && d < time.Second {
			return etc.Invalid(ErrConfig, "durations", "duration of level %d: %s is neither permanent nor at least 1s", level, d)
		}
	}
	if c.RepeatFactor != 0 && !(c.RepeatFactor >= 1 && c.RepeatFactor <= MaxRepeatFactor) { // NaN too
		return etc.Invalid(ErrConfig, "repeat_factor", "repeat factor %g is not 1-%d", c.RepeatFactor, MaxRepeatFactor)
	}
	if c.RepeatWindow < 0 {
		return etc.Invalid(ErrConfig, "repeat_window", "repeat window %s is negative", c.RepeatWindow)
	}
	if c.MaxDuration != 0 && c.MaxDuration < time.Second {
		return etc.Invalid(ErrConfig, "max_duration", "max duration %s is below 1s", c.MaxDuration)
	}
	if c.SyncInterval != 0 && (c.SyncInterval < 100*time.Millisecond || c.SyncInterval > time.Hour) {
		return etc.Invalid(ErrConfig, "sync_interval", "sync interval %s is not 100ms-1h", c.SyncInterval)
	}
	return nil
}

// ValidateWiden checks the prefix lengths LoadBulk widens bulk entries
// to: 0 (no widening) up to an address's length.
func ValidateWiden(widen4, widen6 int) error {
	if widen4 < 0 || widen4 > 32 {
		return etc.Invalid(ErrConfig, "bulk_widen4", "widen to /%d is not 0-32", widen4)
	}
	if widen6 < 0 || widen6 > 128 {
		return etc.Invalid(ErrConfig, "bulk_widen6", "widen to /%d is not 0-128", widen6)
	}
	return nil
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.MinLevel == 0 {
		c.MinLevel = DefaultMinLevel
	}
	for i, d := range c.DurationByLevel {
		if d == 0 {
			c.DurationByLevel[i] = DefaultDuration
		}
	}
	if c.RepeatFactor == 0 {
		c.RepeatFactor = DefaultRepeatFactor
	}
	if c.RepeatWindow == 0 {
		c.RepeatWindow = DefaultRepeatWindow
	}
	if c.SyncInterval == 0 {
		c.SyncInterval = DefaultSyncInterval
	}
	return c
}

// Default set names and sizes.
const (
	DefaultBlock4      = "ifw-block4"
	DefaultBlock6      = "ifw-block6"
	DefaultBulk4       = "ifw-bulk4"
	DefaultBulk6       = "ifw-bulk6"
	DefaultMaxElem     = 65536
	DefaultBulkMaxElem = 1 << 20
	// MaxSetName is the longest set name: ipset's 31 bytes less the
	// suffix of the temporary set a bulk load fills (tempSuffix).
	MaxSetName = 31 - len(tempSuffix)
)

// SetsConfig names and sizes the kernel sets.
type SetsConfig struct {
	// Block4 and Block6 hold the timed blocks; empty means DefaultBlock4,
	// DefaultBlock6.
	Block4, Block6 string
	// Bulk4 and Bulk6 hold the bulk drop lists; empty means DefaultBulk4,
	// DefaultBulk6.
	Bulk4, Bulk6 string
	// MaxElem is the capacity of each block set, fixed when it is created;
	// 0 means DefaultMaxElem.
	MaxElem uint32
	// BulkMaxElem bounds each bulk set (a longer list is refused); 0 means
	// DefaultBulkMaxElem.
	BulkMaxElem uint32
	// NetNS, when set, is the network namespace the sets live in, as a
	// path such as /var/run/netns/NAME; empty means the daemon's own.
	NetNS string
}

// Validate checks c without touching the system.
func (c SetsConfig) Validate() error {
	d := c.withDefaults()
	names := []string{d.Block4, d.Block6, d.Bulk4, d.Bulk6}
	for i, n := range names {
		if len(n) > MaxSetName || strings.ContainsFunc(n, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
			return etc.Invalid(ErrConfig, "set_name", "set name %q is not 1-%d printable bytes without spaces", n, MaxSetName)
		}
		for _, m := range names[:i] {
			if n == m {
				return etc.Invalid(ErrConfig, "set_name", "set name %q is used twice", n)
			}
		}
	}
	if c.NetNS != "" && !filepath.IsAbs(c.NetNS) {
		return etc.Invalid(ErrConfig, "netns", "netns %q is not an absolute path", c.NetNS)
	}
	return nil
}

// withDefaults fills the zero fields.
func (c SetsConfig) withDefaults() SetsConfig {
	for _, f := range []struct {
		field *string
		def   string
	}{{&c.Block4, DefaultBlock4}, {&c.Block6, DefaultBlock6}, {&c.Bulk4, DefaultBulk4}, {&c.Bulk6, DefaultBulk6}} {
		if *f.field == "" {
			*f.field = f.def
		}
	}
	if c.MaxElem == 0 {
		c.MaxElem = DefaultMaxElem
	}
	if c.BulkMaxElem == 0 {
		c.BulkMaxElem = DefaultBulkMaxElem
	}
	return c
}
