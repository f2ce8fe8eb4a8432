package logline

import (
	"bytes"

	"github.com/ifw/ifw/sources"
)

// rfc5424 consumes an RFC 5424 header after "<PRI>1 ":
//
//	TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [BOM]MSG
//
// where each of the first five may be the nil value "-" and the structured
// data is "-" or one or more "[ID name="value" …]". A header that does not
// read as one is left to be the log prefix.
func (p *Parser) rfc5424(b []byte, pkt *sources.Packet) ([]byte, error) {
	if w, rest := word(b); string(w) == "-" {
		b = rest
	} else {
		t, n, err := p.isoStamp(b)
		if err != nil || n == 0 {
			return b, err
		}
		pkt.Time, pkt.Fields = t, pkt.Fields|sources.HasTime
		b = b[n+1:]
	}
	host, b := word(b)
	if string(host) != "-" && len(host) > 0 {
		h, ok := p.names.get(slotHost, host)
		if !ok {
			return nil, fail(ReasonEncoding, "host", host)
		}
		pkt.Host = h
	}
	for range 3 { // APP-NAME PROCID MSGID
		_, b = word(b)
	}
	b = skipStructured(b)
	if rest, ok := cut(bytes.TrimLeft(b, " "), "\xef\xbb\xbf"); ok {
		b = rest
	}
	return b, nil
}

// skipStructured skips RFC 5424 structured data: "-", or SD elements in
// which '"', '\' and ']' are escaped with '\' inside quoted values.
func skipStructured(b []byte) []byte {
	if len(b) > 0 && b[0] == '-' && (len(b) == 1 || b[1] == ' ') {
		return b[1:]
	}
	for len(b) > 0 && b[0] == '[' {
		end := sdElementEnd(b)
		if end < 0 {
			return b
		}
		b = b[end+1:]
	}
	return b
}

// sdElementEnd returns the index of the ']' that closes the element b
// opens, or -1.
func sdElementEnd(b []byte) int {
	quoted := false
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			quoted = !quoted
		case ']':
			if !quoted {
				return i
			}
		}
	}
	return -1
}
