package logline

import "net/netip"

// The fast path reads a line front to back with a plain index that stays in
// a register: each step takes the line and the index and returns the index
// past what it read, or -1 once the line leaves the kernel's common layout.
// Every step passes a -1 on unread, so a run of steps needs one check at its
// end. (A cursor struct behind a pointer kept the index in memory: a load
// and a store per step, on the path every byte waits for.)

// skip returns the index past k when b continues with k at i, else -1.
func skip(b []byte, i int, k *key) int {
	if i >= 0 && k.at(b[i:]) {
		return i + len(k.s)
	}
	return -1
}

// opt is skip for an optional word: it returns i unchanged when k is not
// there (and -1 for -1), and reports whether k was read.
func opt(b []byte, i int, k *key) (int, bool) {
	j := skip(b, i, k)
	return max(i, j), j >= 0
}

// field returns the bytes from i up to the next space (or the end) and
// where that space is. Values are short: a byte loop beats an IndexByte call.
func field(b []byte, i int) ([]byte, int) {
	start := i
	for i < len(b) && b[i] != ' ' {
		i++
	}
	return b[start:i], i
}

// value reads "VALUE " after a key the caller matched: the value ends at a
// single space or the end of the line, and the index returned is past it.
func value(b []byte, i int) ([]byte, int) {
	if i < 0 {
		return nil, -1
	}
	v, i := field(b, i)
	if i < len(b) {
		i++
	}
	return v, i
}

// num reads a decimal value no larger than max and the space after it; it
// accepts what decimal accepts.
func num(b []byte, i int, max uint64) (uint64, int) {
	return keyNum(b, i, nil, max)
}

// keyNum reads "KEY=" (none when k is nil) and its decimal value, in one
// call. (Eight digits at a time in one word measured slower: most values
// are one to five digits.)
func keyNum(b []byte, i int, k *key, max uint64) (uint64, int) {
	if k != nil {
		i = skip(b, i, k)
	}
	if i < 0 {
		return 0, -1
	}
	var n uint64
	j := i
	for ; j < len(b); j++ {
		d := b[j] - '0'
		if d > 9 {
			break
		}
		n = n*10 + uint64(d)
	}
	switch {
	case j == i || (j < len(b) && b[j] != ' '):
		return 0, -1
	case j-i >= 20: // n may have wrapped
		return numSlow(b, i, max)
	case n > max:
		return 0, -1
	case j < len(b):
		j++
	}
	return n, j
}

// numSlow is num with decimal's checks at every digit, for a value of 20
// digits or more.
func numSlow(b []byte, i int, max uint64) (uint64, int) {
	v, j := field(b, i)
	n, ok := decimal(v, max)
	if j < len(b) {
		j++
	}
	return n, okAt(j, ok)
}

// keyHex reads "KEY=" and its "0x"-prefixed hex value; keyAnyHex takes the
// value with or without "0x". "0x00", by far the most common value of TOS
// and PREC, is read without a parse.
func keyHex(b []byte, i int, key *key, max uint64) (uint64, int) {
	if i = skip(b, i, key); i >= 0 && len(b)-i >= 5 && string(b[i:i+5]) == "0x00 " {
		return 0, i + 5
	}
	v, i := value(b, i)
	n, ok := prefixedHex(v, max)
	return n, okAt(i, ok)
}

func keyAnyHex(b []byte, i int, key *key, max uint64) (uint64, int) {
	if i = skip(b, i, key); i >= 0 && len(b)-i >= 5 && string(b[i:i+5]) == "0x00 " {
		return 0, i + 5
	}
	v, i := value(b, i)
	n, ok := anyHex(v, max)
	return n, okAt(i, ok)
}

// okAt returns i when ok, else -1.
func okAt(i int, ok bool) int {
	if !ok {
		return -1
	}
	return i
}

// blank reports whether only spaces are left after i.
func blank(b []byte, i int) bool {
	if i < 0 {
		return false
	}
	for _, ch := range b[i:] {
		if ch != ' ' {
			return false
		}
	}
	return true
}

// more returns i when a non-space byte follows a single separating space
// (two spaces in a row are left to the general decoder), else -1.
func more(b []byte, i int) int {
	if i >= 0 && i < len(b) && b[i] != ' ' {
		return i
	}
	return -1
}

// addrAt reads an address and the space after it: IPv4 and the kernel's
// full IPv6 form in one pass, anything else through netip.
func addrAt(b []byte, i int) (netip.Addr, int) {
	if i < 0 {
		return netip.Addr{}, -1
	}
	if a, j := ipv4At(b, i); j >= 0 {
		return a, j
	}
	if a, j := ipv6At(b, i); j >= 0 {
		return a, j
	}
	v, i := value(b, i)
	a, ok := address(v)
	return a, okAt(i, ok)
}

// ipv4At reads a dotted quad at i the way netip does (no leading zeros,
// no empty or over-long fields) up to a space or the end; -1 when it
// cannot, and the caller asks netip. (Each field as one four-byte word
// measured slower than this loop.)
func ipv4At(b []byte, i int) (netip.Addr, int) {
	var u uint32 // the address, built in a register: four byte stores read back as one word stall the load
	for f := range 4 {
		if f > 0 {
			if i >= len(b) || b[i] != '.' {
				return netip.Addr{}, -1
			}
			i++
		}
		start, v := i, 0
		for i < len(b) && i-start < 3 && b[i]-'0' <= 9 {
			v = v*10 + int(b[i]-'0')
			i++
		}
		if i == start || v > 255 || (b[start] == '0' && i-start > 1) {
			return netip.Addr{}, -1
		}
		u = u<<8 | uint32(v)
	}
	if i < len(b) {
		if b[i] != ' ' {
			return netip.Addr{}, -1
		}
		i++
	}
	return netip.AddrFrom4([4]byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)}), i
}

// ipv6Len is the length of the kernel's IPv6 form (%pI6): eight groups of
// four hex digits, never shortened.
const ipv6Len = 8*5 - 1

// ipv6At reads an IPv6 address in the kernel's full form at i, followed by
// a space or the end; -1 for any other form, which netip then reads.
func ipv6At(b []byte, i int) (netip.Addr, int) {
	if len(b)-i < ipv6Len || (len(b)-i > ipv6Len && b[i+ipv6Len] != ' ') {
		return netip.Addr{}, -1
	}
	s := b[i : i+ipv6Len]
	var a [16]byte
	for g := range 8 {
		q := s[g*5 : g*5+4]
		h0, h1, h2, h3 := hexValues[q[0]], hexValues[q[1]], hexValues[q[2]], hexValues[q[3]]
		if h0|h1|h2|h3 == 0xff || (g < 7 && s[g*5+4] != ':') {
			return netip.Addr{}, -1
		}
		a[g*2], a[g*2+1] = h0<<4|h1, h2<<4|h3
	}
	i += ipv6Len
	if i < len(b) {
		i++
	}
	return netip.AddrFrom16(a), i
}
