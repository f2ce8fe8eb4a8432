package logline

import (
	"bytes"
	"time"
	"unicode/utf8"

	"github.com/ifw/ifw/sources"
)

// envelope is what a journal entry says about its message: the time the
// journal received it and the host.
type envelope struct {
	time    time.Time
	hasTime bool
	host    string
}

// apply gives pkt the envelope's time and host; the journal's time wins
// over anything the message carries (a kernel message carries none).
func (e *envelope) apply(pkt *sources.Packet) {
	if e.hasTime {
		pkt.Time, pkt.Fields = e.time, pkt.Fields|sources.HasTime
	}
	if e.host != "" && pkt.Host == "" {
		pkt.Host = e.host
	}
}

// wrapped reports whether a line starting with c may be a journal export
// field, a journal JSON entry (json, json-seq) or an entry's end.
func wrapped(c byte) bool { return c == '_' || c == 'M' || c == '{' || c == 0x1e }

// unwrap returns the message a journal line carries and its envelope; a
// plain line comes back unchanged. Export fields other than MESSAGE= are
// noted for the entry's message and return ErrNotFirewall.
func (p *Parser) unwrap(line []byte) ([]byte, envelope, error) {
	switch {
	case len(line) == 0:
		p.entry = envelope{} // an empty line ends an export entry
		return nil, envelope{}, ErrNotFirewall
	case line[0] == 'M':
		if rest, ok := cut(line, "MESSAGE="); ok {
			return rest, p.entry, nil
		}
		return line, envelope{}, nil
	case line[0] == '_':
		p.exportField(line)
		return nil, envelope{}, ErrNotFirewall
	case line[0] == 0x1e: // json-seq
		line = line[1:]
	}
	if len(line) == 0 || line[0] != '{' {
		return line, envelope{}, nil
	}
	return p.jsonEntry(line)
}

// exportField notes the fields of `journalctl -o export` that the entry's
// MESSAGE= needs; __CURSOR= opens an entry.
func (p *Parser) exportField(line []byte) {
	if v, ok := cut(line, "__REALTIME_TIMESTAMP="); ok {
		p.entry.time, p.entry.hasTime = journalTime(v)
	} else if v, ok := cut(line, "_HOSTNAME="); ok {
		p.entry.host, _ = p.names.get(slotHost, v)
	} else if _, ok := cut(line, "__CURSOR="); ok {
		p.entry = envelope{}
	}
}

// journalTime reads microseconds since the epoch.
func journalTime(v []byte) (time.Time, bool) {
	n, ok := decimal(v, 1<<62)
	if !ok {
		return time.Time{}, false
	}
	return time.UnixMicro(int64(n)), true
}

// jsonEntry reads a `journalctl -o json` entry: its MESSAGE (a string; a
// message the journal holds as bytes is no firewall line), time and host.
func (p *Parser) jsonEntry(line []byte) ([]byte, envelope, error) {
	msg, ok := jsonString(line, `"MESSAGE"`)
	if !ok || firstHeader(msg) < 0 {
		return nil, envelope{}, ErrNotFirewall
	}
	var env envelope
	if ts, ok := jsonString(line, `"__REALTIME_TIMESTAMP"`); ok {
		env.time, env.hasTime = journalTime(ts)
	}
	if h, ok := jsonString(line, `"_HOSTNAME"`); ok && bytes.IndexByte(h, '\\') < 0 {
		env.host, _ = p.names.get(slotHost, h)
	}
	if bytes.IndexByte(msg, '\\') >= 0 {
		if msg, ok = p.unescape(msg); !ok {
			return nil, envelope{}, fail(ReasonSyntax, "MESSAGE", msg)
		}
	}
	return msg, env, nil
}

// jsonString returns the raw (still escaped) string value of key in a flat
// JSON object, with or without spaces around the colon.
func jsonString(line []byte, key string) ([]byte, bool) {
	for i := 0; ; {
		j := bytes.Index(line[i:], []byte(key))
		if j < 0 {
			return nil, false
		}
		at, end := i+j, i+j+len(key)
		i = end
		if !afterKeyStart(line[:at]) {
			continue
		}
		v := bytes.TrimLeft(line[end:], " ")
		if len(v) == 0 || v[0] != ':' {
			continue
		}
		v = bytes.TrimLeft(v[1:], " ")
		if len(v) == 0 || v[0] != '"' {
			return nil, false
		}
		for k := 1; k < len(v); k++ {
			switch v[k] {
			case '\\':
				k++
			case '"':
				return v[1:k], true
			}
		}
		return nil, false
	}
}

// afterKeyStart reports whether a key may start after b: an object's "{"
// or a member's ",", spaces aside.
func afterKeyStart(b []byte) bool {
	b = bytes.TrimRight(b, " ")
	return len(b) > 0 && (b[len(b)-1] == '{' || b[len(b)-1] == ',')
}

// unescape decodes a JSON string's escapes into the Parser's scratch
// buffer, which the returned slice aliases until the next call.
func (p *Parser) unescape(s []byte) ([]byte, bool) {
	out := p.unesc[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i++; i >= len(s) {
			return nil, false
		}
		switch s[i] {
		case '"', '\\', '/':
			out = append(out, s[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n, ok := jsonRune(s[i+1:])
			if !ok {
				return nil, false
			}
			out, i = utf8.AppendRune(out, r), i+n
		default:
			return nil, false
		}
	}
	p.unesc = out
	return out, true
}

// jsonRune reads the XXXX of \uXXXX (and a low surrogate's \uXXXX after a
// high one), returning the rune and the bytes used.
func jsonRune(b []byte) (rune, int, bool) {
	hi, ok := hex4(b)
	if !ok {
		return 0, 0, false
	}
	if hi < 0xd800 || hi > 0xdbff {
		return rune(hi), 4, true
	}
	if len(b) >= 10 && b[4] == '\\' && b[5] == 'u' {
		if lo, ok := hex4(b[6:]); ok && lo >= 0xdc00 && lo <= 0xdfff {
			return 0x10000 + (rune(hi)-0xd800)<<10 + rune(lo) - 0xdc00, 10, true
		}
	}
	return utf8.RuneError, 4, true
}

func hex4(b []byte) (uint64, bool) {
	if len(b) < 4 {
		return 0, false
	}
	return hexadecimal(b[:4], 0xffff)
}

// cut returns b after prefix when b starts with it.
func cut(b []byte, prefix string) ([]byte, bool) {
	if len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix {
		return b[len(prefix):], true
	}
	return nil, false
}
