package config

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/signatures"
)

// Block is the [block] section.
type Block struct {
	Enabled bool
	Policy  block.Config
	Sets    block.SetsConfig
	// Whitelist is the whitelist file.
	Whitelist string
	// Bulk are the drop lists; Widen4 and Widen6 the prefix lengths their
	// entries are widened to (0: as written).
	Bulk           []string
	Widen4, Widen6 int
	// AutoRegex, when set, limits auto-blocking to the sources one of
	// whose log prefixes matched it (psad's ENABLE_AUTO_IDS_REGEX and
	// AUTO_BLOCK_REGEX); nil: blocking by level alone.
	AutoRegex *regexp.Regexp
	// Share is ShareLocal (this host's blocks stay here) or ShareFleet
	// (every block decided here is applied on every host of the fleet,
	// and theirs here; needs [store] url).
	Share string
}

// Where blocks are shared ([block] share).
const (
	ShareLocal = "local"
	ShareFleet = "fleet"
)

// maxAutoRegex bounds the auto_regex pattern.
const maxAutoRegex = 1024

func defaultBlock() Block {
	return Block{Enabled: true, Whitelist: "/etc/ifw/whitelist", Share: ShareLocal}
}

// checkShare: blocks are shared through the fleet's database, so share =
// fleet needs [store] url.
func checkShare(f *file, c *Config) error {
	if c.Block.Share == ShareFleet && c.Store.URL == "" {
		return f.errorf("block", "share", "fleet shares blocks through the fleet's database: set [store] url")
	}
	return nil
}

var blockKeys = keys[Block]{
	"enabled":       func(v string, b *Block) error { return yesNo(v, &b.Enabled) },
	"auto":          func(v string, b *Block) error { return yesNo(v, &b.Policy.Auto) },
	"min_level":     func(v string, b *Block) error { return positive(v, &b.Policy.MinLevel) },
	"durations":     func(v string, b *Block) error { return blockDurations(v, &b.Policy.DurationByLevel) },
	"repeat_factor": func(v string, b *Block) error { return factor(v, &b.Policy.RepeatFactor) },
	"repeat_window": func(v string, b *Block) error { return duration(v, &b.Policy.RepeatWindow) },
	"max_duration":  func(v string, b *Block) error { return durationOrZero(v, &b.Policy.MaxDuration) },
	"whitelist":     func(v string, b *Block) error { return absPath(v, &b.Whitelist) },
	"bulk":          func(v string, b *Block) error { return absPaths(v, &b.Bulk) },
	"bulk_widen4":   func(v string, b *Block) error { return whole(v, &b.Widen4) },
	"bulk_widen6":   func(v string, b *Block) error { return whole(v, &b.Widen6) },
	"auto_regex":    func(v string, b *Block) error { return autoRegex(v, &b.AutoRegex) },
	"share":         func(v string, b *Block) error { return oneOf(v, &b.Share, ShareLocal, ShareFleet) },
}

// autoRegex compiles the auto-block regex (Go's RE2 syntax, unanchored
// as psad's Perl match); empty: none.
func autoRegex(v string, dst **regexp.Regexp) error {
	if v == "" {
		*dst = nil
		return nil
	}
	if len(v) > maxAutoRegex {
		return fmt.Errorf("regex of %d bytes: at most %d", len(v), maxAutoRegex)
	}
	re, err := regexp.Compile(v)
	if err != nil {
		return fmt.Errorf("%q is not a regular expression (Go RE2 syntax): %w", v, err)
	}
	*dst = re
	return nil
}

func (b *Block) validate() error {
	if err := b.Policy.Validate(); err != nil {
		return err
	}
	if err := b.Sets.Validate(); err != nil {
		return err
	}
	return block.ValidateWiden(b.Widen4, b.Widen6)
}

// blockDurations reads five durations, for danger levels 1-5; "0" or
// "forever" is a permanent block.
func blockDurations(v string, dst *[signatures.MaxLevel + 1]time.Duration) error {
	f := words(v)
	if len(f) != signatures.MaxLevel {
		return fmt.Errorf("want %d durations for levels 1-%d, got %d", signatures.MaxLevel, signatures.MaxLevel, len(f))
	}
	for i, s := range f {
		if s == "0" || s == "forever" {
			dst[i+1] = block.Forever
			continue
		}
		if err := duration(s, &dst[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// factor reads a positive number; its bounds are block.Config.Validate's.
func factor(v string, dst *float64) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0) {
		return fmt.Errorf("%q is not a positive number", v)
	}
	*dst = f
	return nil
}
