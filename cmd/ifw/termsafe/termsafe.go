package termsafe

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Writer passes what is written to W with control characters escaped,
// except the newlines and tabs of ifw's own layout.
type Writer struct{ W io.Writer }

// Write writes p to W, escaped; it reports len(p) when all of it went out.
func (s Writer) Write(p []byte) (int, error) {
	if !needsEscape(p, true) {
		return s.W.Write(p)
	}
	if _, err := io.WriteString(s.W, escape(string(p), true)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Field shows every control character of s escaped, newlines and tabs
// too: for a value printed inside a line.
func Field(s string) string {
	if !needsEscape([]byte(s), false) {
		return s
	}
	return escape(s, false)
}

// needsEscape is the fast path: whether p holds anything escape changes.
func needsEscape(p []byte, layout bool) bool {
	for i, c := range p {
		switch {
		case c == '\n' || c == '\t':
			if !layout {
				return true
			}
		case c < 0x20 || c == 0x7f:
			return true
		case c == 0xc2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9f: // C1 controls
			return true
		case c == 0xe2 && i+2 < len(p) && isBidi(p[i+1], p[i+2]):
			return true
		}
	}
	return false
}

// isBidi reports the UTF-8 tail of U+202A–U+202E and U+2066–U+2069, the
// direction overrides that can make text read backwards.
func isBidi(b1, b2 byte) bool {
	return b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae || b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9
}

func escape(s string, layout bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case layout && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
