package logline

import (
	"net/netip"
	"unsafe"
)

// decimal parses an unsigned decimal number no larger than max. It accepts
// digits only: no sign, no spaces, nothing empty, at most 20 digits.
func decimal(b []byte, max uint64) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		d := uint64(c - '0')
		if d > 9 || n > maxBeforeDigit(max) {
			return 0, false
		}
		n = n*10 + d
	}
	return n, n <= max
}

// maxBeforeDigit is the largest value that may take one more digit without
// passing max; for the small maxima of log fields it is max itself, which
// needs no division.
func maxBeforeDigit(max uint64) uint64 {
	if max < 1<<59 {
		return max
	}
	return (^uint64(0) - 9) / 10
}

// hexadecimal parses hex digits (either case) into a number no larger than max.
func hexadecimal(b []byte, max uint64) (uint64, bool) {
	if len(b) == 0 || len(b) > 16 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		d := hexValues[c]
		if d == 0xff {
			return 0, false
		}
		n = n<<4 | uint64(d)
	}
	return n, n <= max
}

// prefixedHex parses "0x" followed by hex digits.
func prefixedHex(b []byte, max uint64) (uint64, bool) {
	if len(b) < 3 || b[0] != '0' || (b[1] != 'x' && b[1] != 'X') {
		return 0, false
	}
	return hexadecimal(b[2:], max)
}

// anyHex parses hex with or without "0x": the kernel writes TOS and MARK
// with it, ulogd2's LOG emulation without (TOS=%02X, MARK=%x), and the
// kernel's VPROTO=%04x has none either.
func anyHex(b []byte, max uint64) (uint64, bool) {
	if n, ok := prefixedHex(b, max); ok {
		return n, true
	}
	return hexadecimal(b, max)
}

// hexValues maps a byte to its hex digit value, or 0xff.
var hexValues = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range "0123456789abcdef" {
		t[c] = byte(i)
	}
	for i, c := range "ABCDEF" {
		t[c] = byte(i + 10)
	}
	return t
}()

func hexDigit(c byte) (byte, bool) {
	v := hexValues[c]
	return v, v != 0xff
}

// ipv4 parses dotted-quad IPv4 the way netip does (no leading zeros, no
// empty or over-long fields) in one pass; false sends the caller to netip.
func ipv4(b []byte) (netip.Addr, bool) {
	var a [4]byte
	field, val, digits := 0, 0, 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if digits == 1 && val == 0 {
				return netip.Addr{}, false
			}
			val, digits = val*10+int(c-'0'), digits+1
			if val > 255 {
				return netip.Addr{}, false
			}
		case c == '.' && digits > 0 && field < 3:
			a[field], field, val, digits = byte(val), field+1, 0, 0
		default:
			return netip.Addr{}, false
		}
	}
	if field != 3 || digits == 0 {
		return netip.Addr{}, false
	}
	a[3] = byte(val)
	return netip.AddrFrom4(a), true
}

// hexBytes decodes an even run of hex digits into dst, reporting the count.
func hexBytes(dst []byte, b []byte) (int, bool) {
	if len(b)%2 != 0 || len(b)/2 > len(dst) {
		return 0, false
	}
	for i := 0; i < len(b); i += 2 {
		hi, ok1 := hexDigit(b[i])
		lo, ok2 := hexDigit(b[i+1])
		if !ok1 || !ok2 {
			return 0, false
		}
		dst[i/2] = hi<<4 | lo
	}
	return len(b) / 2, true
}

// address parses an IPv4 or IPv6 address without allocating. Zones are
// refused: the kernel never logs one.
func address(b []byte) (netip.Addr, bool) {
	if len(b) == 0 || len(b) > 64 {
		return netip.Addr{}, false
	}
	if a, ok := ipv4(b); ok {
		return a, true
	}
	// ParseAddr keeps its argument only in the error it returns, which is
	// dropped here, so a string aliasing b does not escape.
	a, err := netip.ParseAddr(unsafe.String(&b[0], len(b)))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a, true
}
