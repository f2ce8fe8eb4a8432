package logline

import "time"

// ctimeLen is the length of a ctime(3) stamp, "Tue Dec 29 11:52:40 2015".
const ctimeLen = 24

// ctimeStamp parses a ctime(3) stamp at the start of b: in brackets as
// dmesg -T writes it ("[Tue Dec 29 11:52:40 2015] "), or bare as OpenWrt's
// logread does ("Mon Jan 15 20:22:01 2018 kern.warn kernel: "). The day may
// be space-padded. It returns the time and the bytes used (0: no stamp).
func (p *Parser) ctimeStamp(b []byte, bracketed bool) (time.Time, int, error) {
	s, end := b, ctimeLen
	if bracketed {
		s, end = b[1:], ctimeLen+2
		if len(b) < end || b[end-1] != ']' {
			return time.Time{}, 0, nil
		}
	}
	if len(s) <= ctimeLen || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ' || (!bracketed && s[ctimeLen] != ' ') {
		return time.Time{}, 0, nil
	}
	mo, ok := month(s[4:7])
	if !ok || !weekday(s[0:3]) {
		return time.Time{}, 0, nil
	}
	if t, ok := p.stamps.lookup(b[:end]); ok {
		return t, end, nil
	}
	t, err := p.ctimeValue(s[:ctimeLen], mo)
	if err != nil {
		return time.Time{}, 0, err
	}
	p.stamps.store(b[:end], t)
	return t, end, nil
}

func (p *Parser) ctimeValue(s []byte, mo time.Month) (time.Time, error) {
	dayText := s[8:10]
	if dayText[0] == ' ' {
		dayText = dayText[1:]
	}
	day, ok1 := digits(dayText)
	h, mi, sec, ok2 := clockOf(s[11:19])
	y, ok3 := digits(s[20:24])
	if !ok1 || !ok2 || !ok3 || day < 1 {
		return time.Time{}, fail(ReasonTime, "time", s)
	}
	t := time.Date(y, mo, day, h, mi, sec, 0, p.opt.Location)
	if !validDate(t, day) {
		return time.Time{}, fail(ReasonTime, "time", s)
	}
	return t, nil
}

func weekday(b []byte) bool {
	switch string(b) {
	case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
		return true
	}
	return false
}

// epochStamp parses seconds since the epoch, maybe with a fraction, and the
// space after them ("1701592740 host kernel: ", rsyslog's
// date-unixtimestamp as DShield's template writes it). Nine or ten digits
// (1973 to 2286) tell it from a bare number.
func epochStamp(b []byte) (time.Time, int) {
	i := 0
	var sec int64
	for ; i < len(b) && i < 11 && b[i] >= '0' && b[i] <= '9'; i++ {
		sec = sec*10 + int64(b[i]-'0')
	}
	if i < 9 || i > 10 {
		return time.Time{}, 0
	}
	ns, used := fraction(b[i:])
	i += used
	if i >= len(b) || b[i] != ' ' {
		return time.Time{}, 0
	}
	return time.Unix(sec, int64(ns)), i
}
