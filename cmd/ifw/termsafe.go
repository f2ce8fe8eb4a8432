package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// What ifw prints comes in part from others: an executable path chosen by
// any local user, a log prefix an attacker's packet or a forger's `logger`
// line carries. Printed raw, "\r\x1b[2K" in a path redraws the line to
// look like root's apt-get. Every stream of the CLI therefore goes through
// safeWriter, which shows control characters escaped; fields that could
// carry a newline of their own (and so forge a whole row) are escaped
// first by escapeField.

// safeWriter passes what is written to w with control characters escaped,
// except the newlines and tabs of ifw's own layout.
type safeWriter struct{ w io.Writer }

// newEnv is the CLI's env over the process's streams, output made safe.
func newEnv(stdin io.Reader, stdout, stderr io.Writer) env {
	return env{stdin: stdin, stdout: safeWriter{stdout}, stderr: safeWriter{stderr}}
}

func (s safeWriter) Write(p []byte) (int, error) {
	if !needsEscape(p, true) {
		return s.w.Write(p)
	}
	if _, err := io.WriteString(s.w, escape(string(p), true)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// escapeField shows every control character of s escaped, newlines and
// tabs too: for a value printed inside a line.
func escapeField(s string) string {
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
