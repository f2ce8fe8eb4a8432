package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/signatures"
)

// blockSettings is the [block] section.
type blockSettings struct {
	enabled   bool
	policy    block.Config
	sets      block.SetsConfig
	whitelist string
	bulk      []string
	widen4    int
	widen6    int
}

func defaultBlockSettings() blockSettings {
	return blockSettings{enabled: true, whitelist: "/etc/ifw/whitelist"}
}

// readBlock applies the [block] section.
func readBlock(c *confFile, b *blockSettings) error {
	if err := c.readSection("block", func(k, v string) error { return applyBlockKey(k, v, b) }); err != nil {
		return err
	}
	if err := b.policy.Validate(); err != nil {
		return &ConfError{File: c.path, Line: c.lines["block"], Msg: err.Error()}
	}
	return nil
}

func applyBlockKey(key, v string, b *blockSettings) error {
	switch key {
	case "enabled", "auto":
		on, err := yesNo(v)
		if key == "enabled" {
			b.enabled = on
		} else {
			b.policy.Auto = on
		}
		return err
	case "min_level":
		return intRange(v, 1, signatures.MaxLevel, &b.policy.MinLevel)
	case "durations":
		return blockDurations(v, &b.policy.DurationByLevel)
	case "repeat_factor":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 1 || f > 1000 {
			return fmt.Errorf("%q: want a factor from 1 to 1000", v)
		}
		b.policy.RepeatFactor = f
	case "repeat_window":
		return duration(v, &b.policy.RepeatWindow)
	case "max_duration":
		return durationOrZero(v, &b.policy.MaxDuration)
	case "whitelist":
		b.whitelist = v
		return absPath(v)
	case "bulk":
		b.bulk = words(v)
		return absPaths(v)
	case "bulk_widen4":
		return intRange(v, 0, 32, &b.widen4)
	case "bulk_widen6":
		return intRange(v, 0, 128, &b.widen6)
	default:
		return errors.New("unknown key")
	}
	return nil
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

func durationOrZero(v string, dst *time.Duration) error {
	if v == "0" {
		*dst = 0
		return nil
	}
	return duration(v, dst)
}

func yesNo(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "yes", "true", "on", "1":
		return true, nil
	case "no", "false", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q: want yes or no", v)
}

func intRange(v string, lo, hi int, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return fmt.Errorf("%q: want a whole number from %d to %d", v, lo, hi)
	}
	*dst = n
	return nil
}
