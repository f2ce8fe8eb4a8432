package kmsg

import (
	"time"

	"golang.org/x/sys/unix"
)

// bootClock estimates when the system booted, on the clock that stamps
// kernel log records.
type bootClock func() time.Time

// monotonicBoot is now minus CLOCK_MONOTONIC. The kernel stamps records
// with its local clock, which, like CLOCK_MONOTONIC and unlike the btime of
// /proc/stat, stops while the system is suspended; and this estimate is
// finer than btime's whole seconds.
func monotonicBoot() time.Time {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return time.Time{}
	}
	return time.Now().Add(-time.Duration(ts.Nano()))
}

// bootDrift is how far the estimate may move before packets are stamped
// from the new one: more than scheduling noise, less than a clock step or
// a suspend.
const bootDrift = 100 * time.Millisecond

// drifted reports whether now differs from was by more than bootDrift.
func drifted(was, now time.Time) bool {
	d := now.Sub(was)
	return d > bootDrift || d < -bootDrift
}
