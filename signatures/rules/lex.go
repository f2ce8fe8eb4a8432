package rules

import (
	"errors"
	"fmt"
	"strings"
)

// token is one keyword of an ifw rule: key, key OP value, or a bare key.
type token struct {
	key, op, val string
	bare         bool
	quoted       bool
}

// tokenize splits an ifw rule line into tokens, appended to toks (a
// parser reuses one slice for every line); # outside quotes starts a
// comment.
func tokenize(toks []token, s string) ([]token, error) {
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) || s[i] == '#' {
			return toks, nil
		}
		t, n, err := nextToken(s[i:])
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		i += n
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

var operators = []string{"!=", "<=", ">=", "=", "<", ">"}

func nextToken(s string) (token, int, error) {
	j := 0
	for j < len(s) && isKeyChar(s[j]) {
		j++
	}
	if j == 0 {
		return token{}, 0, fmt.Errorf("unexpected %q", snippet(s))
	}
	t := token{key: strings.ToLower(s[:j])}
	if j == len(s) || isSpace(s[j]) || s[j] == '#' {
		t.bare = true
		return t, j, nil
	}
	for _, op := range operators {
		if strings.HasPrefix(s[j:], op) {
			t.op = op
			break
		}
	}
	if t.op == "" {
		return t, 0, fmt.Errorf("%s: expected =, !=, <, >, <= or >= after it, not %q", t.key, snippet(s[j:]))
	}
	j += len(t.op)
	n, err := t.readValue(s[j:])
	return t, j + n, err
}

// readValue reads a token's value, quoted or up to the next blank.
func (t *token) readValue(s string) (int, error) {
	if strings.HasPrefix(s, `"`) {
		val, n, err := unquote(s)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", t.key, err)
		}
		if n < len(s) && !isSpace(s[n]) {
			return 0, fmt.Errorf("%s: space expected after the closing quote", t.key)
		}
		t.val, t.quoted = val, true
		return n, nil
	}
	n := 0
	for n < len(s) && !isSpace(s[n]) {
		n++
	}
	if t.val = s[:n]; t.val == "" {
		return 0, fmt.Errorf("%s: %w", t.key, errEmpty)
	}
	return n, nil
}

var errUnterminated = errors.New("unterminated quoted string")

// unquote reads a double-quoted string at the start of s, where \" and \\
// are escapes, and returns it and the bytes consumed.
func unquote(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 == len(s) || (s[i+1] != '"' && s[i+1] != '\\') {
				return "", 0, errors.New(`bad escape: only \" and \\ are allowed`)
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errUnterminated
}

// quote is the inverse of unquote.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func snippet(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
