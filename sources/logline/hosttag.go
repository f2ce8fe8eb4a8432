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
func (p *Parser) hostTag(b []byte, pkt *sources.Packet) ([]byte, error) {
	b = bytes.TrimLeft(b, " ")
	if rest, ok := kernelTag(b); ok {
		return rest, nil
	}
	w1, r1 := word(b)
	if facilityLevel(w1) {
		if rest, ok := kernelTag(r1); ok {
			return rest, nil
		}
	}
	if len(w1) == 0 {
		return b, nil
	}
	rest, ok := kernelTag(r1)
	if w2, r2 := word(r1); !ok && facilityLevel(w2) {
		rest, ok = kernelTag(r2)
	}
	if !ok {
		if rest, ok = untagged(w1, r1); !ok {
			return b, nil
		}
	}
	host, valid := p.names.get(slotHost, w1)
	if !valid {
		return nil, fail(ReasonEncoding, "host", w1)
	}
	pkt.Host = host
	return rest, nil
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
