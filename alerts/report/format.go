package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ifw/ifw/alerts"
)

// Words and numbers as every renderer writes them.

// stamp is t to the minute in loc, "-" for the zero time.
func stamp(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// zone names the time zone of t as the report shows times: "UTC", "CET",
// "UTC+05:30" for a zone without a name.
func zone(t time.Time) string {
	name, _ := t.Zone()
	if name == "" || name[0] == '+' || name[0] == '-' {
		return "UTC" + t.Format("-07:00")
	}
	return name
}

// when is t to the minute with its zone, "-" for the zero time.
func when(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return stamp(t, loc) + " " + zone(t.In(loc))
}

// spanText writes a duration in days, hours and minutes: "24h", "7d",
// "3d 6h", "90m"; hours up to two days.
func spanText(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	if days < 2 {
		days, hours = 0, hours+24*days
	}
	var parts []string
	if days > 0 {
		parts = append(parts, fmt.Sprintf("%dd", days))
	}
	if hours > 0 {
		parts = append(parts, fmt.Sprintf("%dh", hours))
	}
	if mins > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%dm", mins))
	}
	return strings.Join(parts, " ")
}

// periodText is "2024-03-01 00:00 to 2024-03-02 00:00 UTC (24h)".
func periodText(p Period) string {
	loc := p.From.Location()
	return fmt.Sprintf("%s to %s %s (%s)", stamp(p.From, loc), stamp(p.To, loc), zone(p.From), spanText(p.Duration()))
}

// delta is the change from prev to cur: "+23 (+30%)", "-5 (-10%)", "0",
// "+3 (new)".
func delta(cur, prev int) string {
	d := cur - prev
	switch {
	case d == 0:
		return "0"
	case prev == 0:
		return fmt.Sprintf("%+d (new)", d)
	}
	return fmt.Sprintf("%+d (%+.0f%%)", d, 100*float64(d)/float64(prev))
}

// num writes an integer.
func num[T int | int32 | int64 | uint64](n T) string { return strconv.FormatInt(int64(n), 10) }

// list joins names with ", ", "-" when there is none.
func list(names []string) string {
	if len(names) == 0 {
		return "-"
	}
	return strings.Join(names, ", ")
}

// orDash is s on one line, or "-" when empty.
func orDash(s string) string {
	if s = strings.TrimSpace(alerts.OneLine(s)); s == "" {
		return "-"
	}
	return s
}

// hoursText names a bucket width: "hour", "3 hours", "day", "week".
func hoursText(h int) string {
	switch {
	case h == 1:
		return "hour"
	case h == 24:
		return "day"
	case h == 168:
		return "week"
	case h%24 == 0:
		return fmt.Sprintf("%d days", h/24)
	}
	return fmt.Sprintf("%d hours", h)
}

// plural is "1 alert", "2 alerts".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return num(n) + " " + word + "s"
}
