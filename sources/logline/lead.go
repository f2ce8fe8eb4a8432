package logline

import (
	"bytes"
	"time"

	"github.com/ifw/ifw/sources"
)

// lead parses what stands before the firewall header: the transport's time
// stamp, host and tag, the kernel's uptime, and the log prefix.
func (p *Parser) lead(b []byte, pkt *sources.Packet) error {
	b = skipPriority(b)
	stamped, err := p.stamp(&b, pkt)
	if err != nil {
		return err
	}
	if stamped {
		if b, err = p.hostTag(b, pkt); err != nil {
			return err
		}
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

// stamp consumes the leading time stamp of any known form.
func (p *Parser) stamp(b *[]byte, pkt *sources.Packet) (bool, error) {
	s := *b
	if len(s) == 0 {
		return false, nil
	}
	if s[0] >= '0' && s[0] <= '9' {
		if up, n, ok := kmsgRecord(s); ok {
			pkt.Uptime, pkt.Fields = up, pkt.Fields|sources.HasUptime
			*b = s[n:]
			return false, nil
		}
		t, n, err := p.isoStamp(s)
		return p.took(b, pkt, t, n, err)
	}
	if s[0] == '[' {
		if up, n, ok := uptimeStamp(s); ok {
			pkt.Uptime, pkt.Fields = up, pkt.Fields|sources.HasUptime
			*b = s[n:]
		}
		return false, nil
	}
	t, n, err := p.bsdStamp(s)
	return p.took(b, pkt, t, n, err)
}

// took records a wall-clock stamp of n bytes, if one was found.
func (p *Parser) took(b *[]byte, pkt *sources.Packet, t time.Time, n int, err error) (bool, error) {
	if err != nil || n == 0 {
		return false, err
	}
	pkt.Time, pkt.Fields = t, pkt.Fields|sources.HasTime
	*b = (*b)[n:]
	return true, nil
}

// hostTag consumes "host kernel: " or "kernel: " after a time stamp.
func (p *Parser) hostTag(b []byte, pkt *sources.Packet) ([]byte, error) {
	b = bytes.TrimLeft(b, " ")
	if rest, ok := kernelTag(b); ok {
		return rest, nil
	}
	sp := bytes.IndexByte(b, ' ')
	if sp <= 0 {
		return b, nil
	}
	rest, ok := kernelTag(b[sp+1:])
	if !ok {
		return b, nil
	}
	host, ok := p.names.get(slotHost, b[:sp])
	if !ok {
		return nil, fail(ReasonEncoding, "host", b[:sp])
	}
	pkt.Host = host
	return rest, nil
}

// kernelTag strips a leading "kernel:" syslog tag.
func kernelTag(b []byte) ([]byte, bool) {
	const tag = "kernel:"
	if len(b) >= len(tag) && string(b[:len(tag)]) == tag {
		return b[len(tag):], true
	}
	return b, false
}

// skipPriority strips a "<N>" syslog priority, as /proc/kmsg and some
// relays write it.
func skipPriority(b []byte) []byte {
	if len(b) < 3 || b[0] != '<' {
		return b
	}
	end := bytes.IndexByte(b[:min(len(b), 6)], '>')
	if end < 2 {
		return b
	}
	if _, ok := decimal(b[1:end], 1<<10); !ok {
		return b
	}
	return b[end+1:]
}
