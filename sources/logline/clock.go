package logline

import "time"

// futureSlack is how far past the reference time a year-less date may lie
// before it is taken to be from the year before (clock skew, a file's mtime
// a little older than its last line).
const futureSlack = 7 * 24 * time.Hour

// stampCache remembers the last time stamp's text and value: consecutive
// lines mostly share their second.
type stampCache struct {
	text [40]byte
	n    int
	t    time.Time
}

func (c *stampCache) lookup(b []byte) (time.Time, bool) {
	if c.n == 0 || len(b) != c.n || string(b) != string(c.text[:c.n]) {
		return time.Time{}, false
	}
	return c.t, true
}

func (c *stampCache) store(b []byte, t time.Time) {
	if len(b) <= len(c.text) {
		c.n = copy(c.text[:], b)
		c.t = t
	}
}

func month(b []byte) (time.Month, bool) {
	switch string(b) {
	case "Jan":
		return time.January, true
	case "Feb":
		return time.February, true
	case "Mar":
		return time.March, true
	case "Apr":
		return time.April, true
	case "May":
		return time.May, true
	case "Jun":
		return time.June, true
	case "Jul":
		return time.July, true
	case "Aug":
		return time.August, true
	case "Sep":
		return time.September, true
	case "Oct":
		return time.October, true
	case "Nov":
		return time.November, true
	case "Dec":
		return time.December, true
	}
	return 0, false
}

// digits reads a fixed-width decimal field.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(b) > 0
}

// clockOf parses "hh:mm:ss".
func clockOf(b []byte) (h, m, s int, ok bool) {
	if len(b) != 8 || b[2] != ':' || b[5] != ':' {
		return 0, 0, 0, false
	}
	h, ok1 := digits(b[0:2])
	m, ok2 := digits(b[3:5])
	s, ok3 := digits(b[6:8])
	return h, m, s, ok1 && ok2 && ok3 && h < 24 && m < 60 && s < 61
}

// fraction parses the digits after a decimal separator into nanoseconds and
// reports how many bytes it used (0 when b does not start with one).
func fraction(b []byte) (ns int, used int) {
	if len(b) < 2 || (b[0] != '.' && b[0] != ',') {
		return 0, 0
	}
	i, scale := 1, 100_000_000
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		ns += int(b[i]-'0') * scale
		scale /= 10
	}
	if i == 1 {
		return 0, 0
	}
	return ns, i
}

// validDate reports whether time.Date kept the day, i.e. did not roll
// Feb 30 over into March.
func validDate(t time.Time, day int) bool { return t.Day() == day }

// yearFor picks the year of a year-less date: the latest of the reference's
// year and its neighbours that is not more than futureSlack past ref.
func yearFor(ref time.Time, mo time.Month, day, h, mi, s, ns int, loc *time.Location) (time.Time, bool) {
	limit := ref.Add(futureSlack)
	for y := ref.Year() + 1; y >= ref.Year()-1; y-- {
		t := time.Date(y, mo, day, h, mi, s, ns, loc)
		if !t.After(limit) && validDate(t, day) {
			return t, true
		}
	}
	return time.Time{}, false
}
