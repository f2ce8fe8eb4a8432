package logline

import (
	"bytes"
	"net/netip"

	"github.com/ifw/ifw/sources"
)

func (d *decoder) addr(bit uint64, field string, val []byte, dst *netip.Addr) error {
	if err := d.mark(bit, field, val); err != nil {
		return err
	}
	a, ok := address(val)
	if !ok {
		return fail(ReasonAddress, field, val)
	}
	*dst = a
	return nil
}

// num reads a decimal value; a value that is all digits but too large is a
// range error, anything else a syntax error.
func (d *decoder) num(bit uint64, field string, val []byte, max uint64, set func(uint64)) error {
	if err := d.mark(bit, field, val); err != nil {
		return err
	}
	n, ok := decimal(val, max)
	if !ok {
		return numberError(field, val)
	}
	set(n)
	return nil
}

func numberError(field string, val []byte) error {
	if _, ok := decimal(val, ^uint64(0)); ok || (len(val) > 20 && allDigits(val)) {
		return fail(ReasonRange, field, val)
	}
	return fail(ReasonSyntax, field, val)
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// hexPrefixed reads "0x"-prefixed hex (TOS, PREC, RES, SPI, MARK).
func (d *decoder) hexPrefixed(bit uint64, field string, val []byte, max uint64, set func(uint64)) error {
	if err := d.mark(bit, field, val); err != nil {
		return err
	}
	n, ok := prefixedHex(val, max)
	if !ok {
		return fail(ReasonSyntax, field, val)
	}
	set(n)
	return nil
}

// hexEither reads hex with or without "0x" (TOS, MARK, VPROTO).
func (d *decoder) hexEither(bit uint64, field string, val []byte, max uint64, set func(uint64)) error {
	if err := d.mark(bit, field, val); err != nil {
		return err
	}
	n, ok := anyHex(val, max)
	if !ok {
		return fail(ReasonSyntax, field, val)
	}
	set(n)
	return nil
}

// hexBare reads hex digits without "0x" (MACPROTO, POINTER).
func (d *decoder) hexBare(bit uint64, field string, val []byte, max uint64, set func(uint64)) error {
	if err := d.mark(bit, field, val); err != nil {
		return err
	}
	n, ok := hexadecimal(val, max)
	if !ok {
		return fail(ReasonSyntax, field, val)
	}
	set(n)
	return nil
}

// mac reads MAC=dst:src:type (Ethernet, 14 bytes) or any other link
// header's bytes, which are checked but not kept; "MAC=" may be empty.
func (d *decoder) mac(val, tok []byte) error {
	if err := d.mark(fMAC, "MAC", tok); err != nil {
		return err
	}
	if len(val) == 0 {
		return nil
	}
	var raw [64]byte
	n := 0
	for i := 0; i < len(val); i += 3 {
		if n == len(raw) || i+2 > len(val) || (i+2 < len(val) && val[i+2] != ':') {
			return fail(ReasonSyntax, "MAC", val)
		}
		hi, ok1 := hexDigit(val[i])
		lo, ok2 := hexDigit(val[i+1])
		if !ok1 || !ok2 {
			return fail(ReasonSyntax, "MAC", val)
		}
		raw[n] = hi<<4 | lo
		n++
	}
	if n == 14 {
		m := &d.pkt.MAC
		copy(m.Dst[:], raw[0:6])
		copy(m.Src[:], raw[6:12])
		m.EtherType = uint16(raw[12])<<8 | uint16(raw[13])
		d.pkt.Fields |= sources.HasMAC
	}
	return nil
}

// macAddr reads one "aa:bb:cc:dd:ee:ff" (--log-macdecode).
func (d *decoder) macAddr(bit uint64, field string, val []byte, dst *[6]byte) error {
	if err := d.mark(bit, field, val); err != nil {
		return err
	}
	if !macBytes(val, dst) {
		return fail(ReasonSyntax, field, val)
	}
	if d.seen&(fMACSrc|fMACDst) == fMACSrc|fMACDst {
		d.pkt.Fields |= sources.HasMAC
	}
	return nil
}

// macBytes reads "aa:bb:cc:dd:ee:ff" into dst.
func macBytes(val []byte, dst *[6]byte) bool {
	if len(val) != 17 {
		return false
	}
	for i := range 6 {
		hi, ok1 := hexDigit(val[i*3])
		lo, ok2 := hexDigit(val[i*3+1])
		if !ok1 || !ok2 || (i < 5 && val[i*3+2] != ':') {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func (d *decoder) phys(bit uint64, field string, val []byte, dst *string) error {
	if err := d.mark(bit, field, val); err != nil {
		return err
	}
	s, ok := d.p.names.get(slotPhys, val)
	if !ok || len(val) > 15 {
		return fail(ReasonEncoding, field, val)
	}
	*dst = s
	return nil
}

// tunnel checks "TUNNEL=a.b.c.d->e.f.g.h" (IPv6 over a sit device).
func (d *decoder) tunnel(val, tok []byte) error {
	if err := d.mark(fTunnel, "TUNNEL", tok); err != nil {
		return err
	}
	arrow := bytes.Index(val, []byte("->"))
	if arrow < 0 {
		return fail(ReasonSyntax, "TUNNEL", val)
	}
	a, ok1 := address(val[:arrow])
	b, ok2 := address(val[arrow+2:])
	if !ok1 || !ok2 || !a.Is4() || !b.Is4() {
		return fail(ReasonAddress, "TUNNEL", val)
	}
	return nil
}
