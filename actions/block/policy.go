package block

import (
	"math"
	"time"

	"github.com/ifw/ifw/signatures"
)

// duration is how long a block r asks for lasts, given the number of
// earlier blocks of its prefix within the repeat window; 0 means
// permanent. c has its defaults.
//
// An explicit r.For is taken as it is (Forever: permanent). Otherwise the
// level's duration is multiplied by RepeatFactor once per earlier block
// and capped by MaxDuration; without a cap, a duration that outgrows
// the longest finite one becomes permanent.
func (c Config) duration(r Request, previous int) time.Duration {
	switch {
	case r.For == Forever:
		return 0
	case r.For > 0:
		return r.For
	}
	base := c.DurationByLevel[min(max(r.Level, 0), signatures.MaxLevel)]
	if base == Forever {
		return c.MaxDuration // 0: permanent
	}
	d := float64(base) * math.Pow(c.RepeatFactor, float64(max(previous, 0)))
	switch {
	case c.MaxDuration > 0 && d > float64(c.MaxDuration):
		return c.MaxDuration
	case d > float64(longest):
		return 0
	}
	return time.Duration(d)
}

// kernelTTL is the timeout a block expiring at expires (zero: never) gets
// in the kernel at now: the time left, or 0 (no timeout) when it is
// permanent or longer than the kernel keeps a timeout (Sync removes it
// when it expires).
func kernelTTL(expires, now time.Time) time.Duration {
	if expires.IsZero() {
		return 0
	}
	left := expires.Sub(now)
	switch {
	case left > MaxTimeout:
		return 0
	case left < time.Second:
		return time.Second
	}
	return left
}
