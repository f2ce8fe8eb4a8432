package analyze

import (
	"fmt"
	"time"
)

// ParseWhen reads a time as --since and --until take it (here and in
// ifw report): RFC 3339, "2006-01-02 15:04:05", "2006-01-02" (local time),
// or a duration back from now ("24h"). "" is the zero time: no bound.
func ParseWhen(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (2026-11-21, 2026-11-21 08:00:00, RFC 3339) or a duration (24h)", s)
}
