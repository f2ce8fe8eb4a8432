package logline

import (
	"bytes"
	"time"
)

// bsdStamp parses "Mar 11 20:35:11" (day space- or zero-padded), with an
// optional fraction ("Mar 11 20:35:11.123456", journalctl short-precise), at
// the start of b. It returns the time and the bytes used; 0 when b does not
// start with such a stamp.
func (p *Parser) bsdStamp(b []byte) (time.Time, int, error) {
	if len(b) < 16 || b[3] != ' ' || b[6] != ' ' {
		return time.Time{}, 0, nil
	}
	mo, ok := month(b[0:3])
	if !ok {
		return time.Time{}, 0, nil
	}
	_, used := fraction(b[15:])
	end := 15 + used
	if end >= len(b) || b[end] != ' ' {
		return time.Time{}, 0, nil
	}
	if t, ok := p.stamps.lookup(b[:end]); ok {
		return t, end, nil
	}
	t, ok := p.hour.lookup(b[:end])
	if !ok {
		var err error
		if t, err = p.bsdValue(b[:end], mo); err != nil {
			return time.Time{}, 0, err
		}
		p.hour.fill(b[:end], mo, p.opt.Reference, p.opt.Location)
	}
	p.stamps.store(b[:end], t)
	return t, end, nil
}

func (p *Parser) bsdValue(b []byte, mo time.Month) (time.Time, error) {
	dayText := b[4:6]
	if dayText[0] == ' ' {
		dayText = dayText[1:]
	}
	day, ok := digits(dayText)
	h, mi, s, ok2 := clockOf(b[7:15])
	ns, _ := fraction(b[15:])
	if !ok || !ok2 || day < 1 || day > 31 {
		return time.Time{}, fail(ReasonTime, "time", b)
	}
	t, ok := yearFor(p.opt.Reference, mo, day, h, mi, s, ns, p.opt.Location)
	if !ok {
		return time.Time{}, fail(ReasonTime, "time", b)
	}
	return t, nil
}

// isoStamp parses an RFC 3339 style stamp at the start of b:
// "2015-03-07T05:09:30.045015+02:00" (rsyslog), "2026-11-21T23:30:36+0000"
// (journalctl short-iso), "2015-03-07T05:09:30,045015+02:00" (dmesg iso).
func (p *Parser) isoStamp(b []byte) (time.Time, int, error) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' {
		return time.Time{}, 0, nil
	}
	end := bytes.IndexByte(b, ' ')
	if end < 19 {
		return time.Time{}, 0, nil
	}
	if t, ok := p.stamps.lookup(b[:end]); ok {
		return t, end, nil
	}
	t, err := p.isoValue(b[:end])
	if err != nil {
		return time.Time{}, 0, err
	}
	p.stamps.store(b[:end], t)
	return t, end, nil
}

func (p *Parser) isoValue(b []byte) (time.Time, error) {
	y, ok1 := digits(b[0:4])
	mo, ok2 := digits(b[5:7])
	d, ok3 := digits(b[8:10])
	h, mi, s, ok4 := clockOf(b[11:19])
	ns, used := fraction(b[19:])
	loc, ok5 := p.zone(b[19+used:])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || mo < 1 || mo > 12 || d < 1 {
		return time.Time{}, fail(ReasonTime, "time", b)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, ns, loc)
	if !validDate(t, d) {
		return time.Time{}, fail(ReasonTime, "time", b)
	}
	return t, nil
}

// zone parses "Z", "+hh:mm", "+hhmm" or nothing (local time), caching the
// fixed zones it makes.
func (p *Parser) zone(b []byte) (*time.Location, bool) {
	switch {
	case len(b) == 0:
		return p.opt.Location, true
	case len(b) == 1 && (b[0] == 'Z' || b[0] == 'z'):
		return time.UTC, true
	case len(b) != 5 && len(b) != 6, b[0] != '+' && b[0] != '-':
		return nil, false
	}
	hm, mAt := b[1:], 2
	if len(hm) == 5 {
		if hm[2] != ':' {
			return nil, false
		}
		mAt = 3
	}
	h, ok1 := digits(hm[0:2])
	m, ok2 := digits(hm[mAt : mAt+2])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return nil, false
	}
	off := (h*60 + m) * 60
	if b[0] == '-' {
		off = -off
	}
	return p.fixedZone(off), true
}

func (p *Parser) fixedZone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if loc, ok := p.zones[off]; ok {
		return loc
	}
	loc := time.FixedZone("", off)
	if len(p.zones) < 64 {
		p.zones[off] = loc
	}
	return loc
}

// uptimeStamp parses the kernel's "[  463.251762]" at the start of b, in
// one pass: spaces, the seconds (what decimal takes, at most 1<<33), '.',
// the fraction, ']'.
func uptimeStamp(b []byte) (time.Duration, int, bool) {
	if len(b) < 4 || b[0] != '[' {
		return 0, 0, false
	}
	i := 1
	for i < len(b) && b[i] == ' ' {
		i++
	}
	start := i
	var sec uint64
	for ; i < len(b) && b[i]-'0' <= 9; i++ {
		if i-start == 20 || sec > maxUptime {
			return 0, 0, false
		}
		sec = sec*10 + uint64(b[i]-'0')
	}
	if i == start || sec > maxUptime || i >= len(b) || b[i] != '.' {
		return 0, 0, false
	}
	i++
	start = i
	ns := 0
	for ; i < len(b) && b[i]-'0' <= 9; i++ {
		if i-start < 9 {
			ns = ns*10 + int(b[i]-'0')
		}
	}
	if i == start || i >= len(b) || b[i] != ']' {
		return 0, 0, false
	}
	ns *= nanoScale[min(i-start, 9)]
	return time.Duration(sec)*time.Second + time.Duration(ns), i + 1, true
}

// maxUptime bounds the seconds of an uptime stamp (about 272 years).
const maxUptime = 1 << 33

// nanoScale[n] turns n fraction digits into nanoseconds.
var nanoScale = [10]int{1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1}

// kmsgRecord parses the "prio,seq,usec,flags[,…];" head of a /dev/kmsg
// record in one pass and returns the uptime and the bytes used.
func kmsgRecord(b []byte) (time.Duration, int, bool) {
	i := 0
	var nums [3]uint64
	for f := range nums {
		start := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if i-start == 19 {
				return 0, 0, false
			}
			nums[f] = nums[f]*10 + uint64(b[i]-'0')
		}
		if i == start || i >= len(b) || b[i] != ',' {
			return 0, 0, false
		}
		i++
	}
	for ; i < len(b) && i < 256 && b[i] != 0; i++ {
		if b[i] == ';' {
			if nums[0] >= 1<<31 || nums[2] >= 1<<62 {
				return 0, 0, false
			}
			return time.Duration(nums[2]) * time.Microsecond, i + 1, true
		}
	}
	return 0, 0, false
}
