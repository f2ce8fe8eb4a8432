package logline

import (
	"bytes"

	"github.com/ifw/ifw/sources"
)

// hostTag consumes what a syslog daemon writes between its time stamp and
// the kernel's message:
//
//	kernel:                      journalctl without host, VyOS
//	host kernel:                 rsyslog, syslog-ng, journalctl -o short
//	kern.warn kernel:            OpenWrt logread
//	host user.warn kernel:       busybox syslogd -S… (UniFi)
//	host [RULE] …                UniFi OS's ulogd lines, which have no tag
//	host host [RULE] …           the same, relayed with the host added again
//
// Anything else is left to be the log prefix.
//
// Consecutive lines mostly repeat these bytes: when b starts with the text
// the last line's tag ended with, the answer is the last line's.
func (p *Parser) hostTag(b []byte, pkt *sources.Packet) ([]byte, error) {
	rest, host, ok := p.tag.lookup(b)
	if !ok {
		var err error
		if rest, host, err = p.readHostTag(b); err != nil {
			return nil, err
		}
	}
	if host != "" {
		pkt.Host = host
	}
	return rest, nil
}

// readHostTag is hostTag without the cache.
func (p *Parser) readHostTag(in []byte) ([]byte, string, error) {
	b := bytes.TrimLeft(in, " ")
	if rest, ok := kernelTag(b); ok {
		p.tag.store(in, rest, "")
		return rest, "", nil
	}
	w1, r1 := word(b)
	if facilityLevel(w1) {
		if rest, ok := kernelTag(r1); ok {
			p.tag.store(in, rest, "")
			return rest, "", nil
		}
	}
	if len(w1) == 0 {
		return b, "", nil
	}
	rest, ok := kernelTag(r1)
	if w2, r2 := word(r1); !ok && facilityLevel(w2) {
		rest, ok = kernelTag(r2)
	}
	tagged := ok
	if !ok {
		if rest, ok = untagged(w1, r1); !ok {
			return b, "", nil
		}
	}
	host, valid := p.names.get(slotHost, w1)
	if !valid {
		return nil, "", fail(ReasonEncoding, "host", w1)
	}
	if tagged {
		p.tag.store(in, rest, host)
	}
	return rest, host, nil
}

// tagCache remembers the bytes of the last host and tag read up to
// "kernel:", and the host. Only a tag found by "kernel:" is kept: every
// test on the way to it read no byte past it, so any b that starts with the
// same bytes gets the same answer. (UniFi's untagged form looks past the
// host for '[', and is never kept.)
type tagCache struct {
	text [64]byte
	n    int
	host string
}

func (c *tagCache) lookup(b []byte) ([]byte, string, bool) {
	if c.n == 0 || len(b) < c.n || string(b[:c.n]) != string(c.text[:c.n]) {
		return nil, "", false
	}
	return b[c.n:], c.host, true
}

func (c *tagCache) store(b, rest []byte, host string) {
	n := len(b) - len(rest)
	if n > len(c.text) {
		c.n = 0
		return
	}
	c.n = copy(c.text[:], b[:n])
	c.host = host
}

// untagged recognises UniFi OS's "host [RULE] …" and "host host [RULE] …":
// a host name, maybe twice, then a bracketed log prefix.
func untagged(host, rest []byte) ([]byte, bool) {
	if !hostName(host) {
		return nil, false
	}
	if w, r := word(rest); string(w) == string(host) {
		rest = r
	}
	return rest, len(rest) > 0 && rest[0] == '['
}

// word splits b at its first space: the word and what follows the space.
func word(b []byte) ([]byte, []byte) {
	sp := bytes.IndexByte(b, ' ')
	if sp < 0 {
		return b, nil
	}
	return b[:sp], b[sp+1:]
}

// kernelTag strips a leading "kernel:" syslog tag.
func kernelTag(b []byte) ([]byte, bool) {
	return cut(b, "kernel:")
}

// hostName reports whether b has a host name's shape (letters, digits,
// '-', '.', '_'), which a log prefix like "DENY:" has not.
func hostName(b []byte) bool {
	if len(b) == 0 || len(b) > 253 {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// facilityLevel reports whether b is a syslog "facility.level" word, as
// busybox syslogd and OpenWrt's logread write before the tag.
func facilityLevel(b []byte) bool {
	dot := bytes.IndexByte(b, '.')
	if dot <= 0 {
		return false
	}
	switch string(b[:dot]) {
	case "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
		"ftp", "ntp", "security", "console", "local0", "local1", "local2", "local3", "local4", "local5",
		"local6", "local7":
	default:
		return false
	}
	switch string(b[dot+1:]) {
	case "emerg", "panic", "alert", "crit", "err", "error", "warn", "warning", "notice", "info", "debug":
		return true
	}
	return false
}
