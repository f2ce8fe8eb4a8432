package logline

import "net/netip"

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
// Values are short: a byte loop beats an IndexByte call.
func (c *cursor) field() []byte {
	b, i := c.b, c.i
	for i < len(b) && b[i] != ' ' {
		i++
	}
	v := b[c.i:i]
	c.i = i
	return v
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

// num consumes a decimal value no larger than max and the space after it,
// in one pass; it accepts what decimal accepts.
func (c *cursor) num(max uint64) (uint64, bool) {
	b, i := c.b, c.i
	var n uint64
	limit := maxBeforeDigit(max)
	for ; i < len(b) && b[i] != ' '; i++ {
		d := uint64(b[i] - '0')
		if d > 9 || n > limit {
			return 0, false
		}
		n = n*10 + d
	}
	if i == c.i || i-c.i > 20 || n > max {
		return 0, false
	}
	c.i = i
	if i < len(b) {
		c.i++
	}
	return n, true
}

// keyNum consumes "KEY=" and its decimal value; false when either is not
// there.
func (c *cursor) keyNum(key string, max uint64) (uint64, bool) {
	if !c.lit(key) {
		return 0, false
	}
	return c.num(max)
}

// keyHex is keyNum for a "0x"-prefixed hex value.
func (c *cursor) keyHex(key string, max uint64) (uint64, bool) {
	if !c.lit(key) {
		return 0, false
	}
	return c.hex(max)
}

// hex consumes a "0x"-prefixed hex value no larger than max.
func (c *cursor) hex(max uint64) (uint64, bool) {
	return prefixedHex(c.value(), max)
}

// anyHex consumes a hex value with or without "0x".
func (c *cursor) anyHex(max uint64) (uint64, bool) {
	return anyHex(c.value(), max)
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

// addr consumes an address and the space after it; IPv4 in one pass.
func (c *cursor) addr() (netip.Addr, bool) {
	b, i := c.b, c.i
	var a [4]byte
	field, val, digits := 0, 0, 0
	for ; i < len(b) && b[i] != ' '; i++ {
		ch := b[i]
		switch {
		case ch >= '0' && ch <= '9' && !(digits == 1 && val == 0) && val*10+int(ch-'0') <= 255:
			val, digits = val*10+int(ch-'0'), digits+1
		case ch == '.' && digits > 0 && field < 3:
			a[field], field, val, digits = byte(val), field+1, 0, 0
		default:
			return address(c.value())
		}
	}
	if field != 3 || digits == 0 {
		return address(c.value())
	}
	a[3] = byte(val)
	c.i = i
	if i < len(b) {
		c.i++
	}
	return netip.AddrFrom4(a), true
}
