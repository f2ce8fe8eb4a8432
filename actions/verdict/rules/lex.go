package rules

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// field is one key=value of a rule line.
type field struct{ key, val string }

// splitLine cuts a rule line into its action word and its key=value
// fields. Blanks (space, tab) separate them; a # outside double quotes
// starts a comment. A value may be double-quoted with Go escapes.
// An empty or comment-only line gives "" and no fields.
func splitLine(s string) (string, []field, error) {
	var action string
	var fields []field
	for i := 0; ; {
		for i < len(s) && isBlank(s[i]) {
			i++
		}
		if i == len(s) || s[i] == '#' {
			return action, fields, nil
		}
		if action == "" {
			n := wordEnd(s[i:])
			action, i = s[i:i+n], i+n
			continue
		}
		f, n, err := readField(s[i:])
		if err != nil {
			return "", nil, err
		}
		fields = append(fields, f)
		i += n
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// wordEnd is the length of the word at the start of s: up to a blank,
// a comment or the end.
func wordEnd(s string) int {
	n := 0
	for n < len(s) && !isBlank(s[n]) && s[n] != '#' {
		n++
	}
	return n
}

// readField reads key=value at the start of s and returns the bytes used.
func readField(s string) (field, int, error) {
	eq := strings.IndexByte(s, '=')
	end := strings.IndexAny(s, " \t#")
	if eq < 0 || end >= 0 && end < eq {
		if end < 0 {
			end = len(s)
		}
		return field{}, 0, fmt.Errorf("%q: want key=value", snippet(s[:end]))
	}
	f := field{key: s[:eq]}
	if !validKey(f.key) {
		return field{}, 0, fmt.Errorf("%q: bad key", snippet(f.key))
	}
	val, n, err := readValue(s[eq+1:])
	if err != nil {
		return field{}, 0, &FieldError{Key: f.key, Err: err}
	}
	if val == "" {
		return field{}, 0, &FieldError{Key: f.key, Err: errors.New("empty value")}
	}
	f.val = val
	return f, eq + 1 + n, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if (k[i] < 'a' || k[i] > 'z') && (i == 0 || k[i] < '0' || k[i] > '9') {
			return false
		}
	}
	return true
}

// readValue reads a value, quoted or up to the next blank or #, and the
// bytes it used.
func readValue(s string) (string, int, error) {
	if strings.HasPrefix(s, `"`) {
		return readQuoted(s)
	}
	n := 0
	for n < len(s) && !isBlank(s[n]) && s[n] != '#' {
		switch c := s[n]; {
		case c == '"':
			return "", 0, errors.New("quote inside an unquoted value (quote the whole value)")
		case c < ' ' || c == 0x7f:
			return "", 0, fmt.Errorf("control character %q in an unquoted value", c)
		}
		n++
	}
	return s[:n], n, nil
}

// readQuoted reads the double-quoted string at the start of s.
func readQuoted(s string) (string, int, error) {
	end := -1
	for i := 1; i < len(s); i++ {
		if s[i] == '\\' {
			i++
		} else if s[i] == '"' {
			end = i + 1
			break
		}
	}
	if end < 0 {
		return "", 0, errors.New("unterminated quoted value")
	}
	val, err := strconv.Unquote(s[:end])
	if err != nil {
		return "", 0, fmt.Errorf("bad quoted value %s: %w", snippet(s[:end]), err)
	}
	if end < len(s) && !isBlank(s[end]) && s[end] != '#' {
		return "", 0, errors.New("blank expected after the closing quote")
	}
	return val, end, nil
}

// quoteValue writes v as a value: bare when it reads back the same,
// else quoted with Go escapes.
func quoteValue(v string) string {
	if v == "" || !utf8.ValidString(v) {
		return strconv.Quote(v)
	}
	for _, r := range v {
		if r == ' ' || r == '"' || r == '#' || r == '\\' || !unicode.IsPrint(r) {
			return strconv.Quote(v)
		}
	}
	return v
}

func snippet(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}
