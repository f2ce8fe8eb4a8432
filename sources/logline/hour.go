package logline

import "time"

// hourCache holds the hour of the last BSD time stamp ("Nov 20 00"), so
// that the next stamp of that hour costs an addition instead of the up to
// three time.Date calls of yearFor. Lines are mostly in order: a stamp's
// second changes every few lines, its hour seldom.
//
// An hour is kept only when adding the minutes and seconds to its first
// second gives exactly what yearFor gives: the hour has one UTC offset,
// days from any change of it; the whole hour lies before the reference's
// limit; and each year yearFor tries first lies days past that limit. A
// second of 60 (a leap second) is never served from here.
type hourCache struct {
	key  [9]byte // "Mmm dd hh", exactly as the stamp spells it
	ok   bool
	base time.Time // the hour's first second
}

// hourMargin is how far an hour must be from a zone change, and the years
// yearFor refuses from its limit, for the cache to keep it: more than any
// UTC offset, so no second of the hour can be read under another.
const hourMargin = 3 * 24 * time.Hour

// lookup returns the time of b, a whole BSD stamp "Mmm dd hh:mm:ss[.frac]"
// that bsdStamp has checked the shape of, when its hour is the one kept.
func (c *hourCache) lookup(b []byte) (time.Time, bool) {
	if !c.ok || len(b) < 15 || string(b[:9]) != string(c.key[:]) || b[9] != ':' || b[12] != ':' {
		return time.Time{}, false
	}
	mi, ok1 := digits(b[10:12])
	s, ok2 := digits(b[13:15])
	if !ok1 || !ok2 || mi > 59 || s > 59 {
		return time.Time{}, false
	}
	ns, _ := fraction(b[15:])
	return c.base.Add(time.Duration(mi*60+s)*time.Second + time.Duration(ns)), true
}

// fill keeps the hour of b, a stamp bsdValue has just read (month mo), when
// it qualifies; otherwise the cache is emptied.
func (c *hourCache) fill(b []byte, mo time.Month, ref time.Time, loc *time.Location) {
	c.ok = false
	dayText := b[4:6]
	if dayText[0] == ' ' {
		dayText = dayText[1:]
	}
	day, ok1 := digits(dayText)
	h, ok2 := digits(b[7:9])
	if !ok1 || !ok2 {
		return
	}
	if base, ok := hourBase(ref, mo, day, h, loc); ok {
		copy(c.key[:], b[:9])
		c.base, c.ok = base, true
	}
}

// hourBase returns the first second of the hour a year-less stamp names,
// walking the years as yearFor does, when every second of that hour is
// that second plus its offset into the hour (see hourCache).
func hourBase(ref time.Time, mo time.Month, day, h int, loc *time.Location) (time.Time, bool) {
	limit := ref.Add(futureSlack)
	for y := ref.Year() + 1; y >= ref.Year()-1; y-- {
		t := time.Date(y, mo, day, h, 0, 0, 0, loc)
		if !t.After(limit) && validDate(t, day) {
			start, end := t.ZoneBounds()
			steady := (start.IsZero() || t.Sub(start) >= hourMargin) && (end.IsZero() || end.Sub(t) >= hourMargin)
			return t, steady && !t.Add(time.Hour).After(limit)
		}
		if !t.After(limit.Add(hourMargin)) {
			return time.Time{}, false // refused for a reason another second of the hour might not share
		}
	}
	return time.Time{}, false
}
