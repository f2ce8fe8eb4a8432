package logline

import "bytes"

// cursor reads a line front to back for the fast path.
type cursor struct {
	b []byte
	i int
}

// lit consumes s if the line continues with it.
func (c *cursor) lit(s string) bool {
	if len(c.b)-c.i >= len(s) && string(c.b[c.i:c.i+len(s)]) == s {
		c.i += len(s)
		return true
	}
	return false
}

// field consumes and returns the bytes up to the next space (or the end).
func (c *cursor) field() []byte {
	rest := c.b[c.i:]
	n := bytes.IndexByte(rest, ' ')
	if n < 0 {
		n = len(rest)
	}
	c.i += n
	return rest[:n]
}

// value consumes "VALUE " after a key the caller matched; the value ends
// at a single space or the end of the line.
func (c *cursor) value() []byte {
	v := c.field()
	if c.i < len(c.b) {
		c.i++
	}
	return v
}

// num consumes a decimal value no larger than max.
func (c *cursor) num(max uint64) (uint64, bool) {
	return decimal(c.value(), max)
}

// hex consumes a "0x"-prefixed hex value no larger than max.
func (c *cursor) hex(max uint64) (uint64, bool) {
	return prefixedHex(c.value(), max)
}

// end reports whether only spaces are left.
func (c *cursor) end() bool {
	for _, ch := range c.b[c.i:] {
		if ch != ' ' {
			return false
		}
	}
	return true
}

// more reports whether a non-space byte follows a single separating space
// (two spaces in a row are left to the general decoder).
func (c *cursor) more() bool {
	return c.i < len(c.b) && c.b[c.i] != ' '
}
