package logline

import (
	"bytes"
	"time"

	"github.com/ifw/ifw/sources"
)

// lead parses what stands before the firewall header: the transport's time
// stamp, host and tag (or an RFC 5424 header), the kernel's uptime, and the
// log prefix.
func (p *Parser) lead(b []byte, pkt *sources.Packet) error {
	b, v1 := skipPriority(b)
	var err error
	if v1 {
		b, err = p.rfc5424(b, pkt)
	} else {
		var kind stampKind
		if kind, err = p.stamp(&b, pkt); err == nil && kind == syslogStamp {
			b, err = p.hostTag(b, pkt)
		}
	}
	if err != nil {
		return err
	}
	b = bytes.TrimLeft(b, " ")
	if pkt.Fields&sources.HasUptime == 0 {
		if up, n, ok := uptimeStamp(b); ok {
			pkt.Uptime = up
			pkt.Fields |= sources.HasUptime
			b = b[n:]
		}
	}
	prefix, ok := p.names.get(slotPrefix, bytes.TrimSpace(b))
	if !ok {
		return fail(ReasonEncoding, "prefix", b)
	}
	pkt.Prefix = prefix
	return nil
}

// stampKind says what follows a leading time stamp.
type stampKind uint8

const (
	noStamp     stampKind = iota
	syslogStamp           // a syslog daemon's: host and tag may follow
	bareStamp             // dmesg's own (-T, --time-format=iso): the message follows
)

// stamp consumes the leading time stamp of any known form.
func (p *Parser) stamp(b *[]byte, pkt *sources.Packet) (stampKind, error) {
	s := *b
	if len(s) == 0 {
		return noStamp, nil
	}
	switch c := s[0]; {
	case c >= '0' && c <= '9':
		if up, n, ok := kmsgRecord(s); ok {
			pkt.Uptime, pkt.Fields = up, pkt.Fields|sources.HasUptime
			*b = s[n:]
			return noStamp, nil
		}
		if t, n, err := p.isoStamp(s); err != nil || n > 0 {
			kind := syslogStamp
			if s[19] == ',' { // dmesg --time-format=iso
				kind = bareStamp
			}
			return p.took(b, pkt, t, n, err, kind)
		}
		t, n := epochStamp(s)
		return p.took(b, pkt, t, n, nil, syslogStamp)
	case c == '[':
		if up, n, ok := uptimeStamp(s); ok {
			pkt.Uptime, pkt.Fields = up, pkt.Fields|sources.HasUptime
			*b = s[n:]
			return noStamp, nil
		}
		t, n, err := p.ctimeStamp(s, true)
		return p.took(b, pkt, t, n, err, bareStamp)
	}
	t, n, err := p.bsdStamp(s)
	if n == 0 && err == nil {
		t, n, err = p.ctimeStamp(s, false)
	}
	return p.took(b, pkt, t, n, err, syslogStamp)
}

// took records a wall-clock stamp of n bytes, if one was found.
func (p *Parser) took(b *[]byte, pkt *sources.Packet, t time.Time, n int, err error, kind stampKind) (stampKind, error) {
	if err != nil || n == 0 {
		return noStamp, err
	}
	pkt.Time, pkt.Fields = t, pkt.Fields|sources.HasTime
	*b = (*b)[n:]
	return kind, nil
}

// skipPriority strips a "<N>" syslog priority, as /proc/kmsg and some
// relays write it, and reports whether RFC 5424's version "1 " follows
// (which it strips too).
func skipPriority(b []byte) ([]byte, bool) {
	if len(b) < 3 || b[0] != '<' {
		return b, false
	}
	end := bytes.IndexByte(b[:min(len(b), 6)], '>')
	if end < 2 {
		return b, false
	}
	if _, ok := decimal(b[1:end], 1<<10); !ok {
		return b, false
	}
	if rest, ok := cut(b[end+1:], "1 "); ok {
		return rest, true
	}
	return b[end+1:], false
}
