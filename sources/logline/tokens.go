package logline

import "bytes"

// tokens splits the firewall part of a line at spaces.
type tokens struct {
	b []byte
	i int
}

// next returns the next token, or nil at the end.
func (t *tokens) next() []byte {
	for t.i < len(t.b) && t.b[t.i] == ' ' {
		t.i++
	}
	if t.i >= len(t.b) {
		return nil
	}
	rest := t.b[t.i:]
	j := bytes.IndexByte(rest, ' ')
	if j < 0 {
		t.i = len(t.b)
		return rest
	}
	t.i += j + 1
	return rest[:j]
}

// peek returns the next token without consuming it.
func (t *tokens) peek() []byte {
	i := t.i
	tok := t.next()
	t.i = i
	return tok
}
