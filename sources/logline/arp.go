package logline

import "net/netip"

// EtherTypes of the two IP versions.
const (
	etherIPv4 = 0x0800
	etherIPv6 = 0x86dd
)

// resAE is the AE (accurate ECN) bit as the kernel's RES= showed it before
// it logged the flag by name: the same packet reads the same from either.
const resAE = 0x04

// arp checks what the kernel's ARP logger (nf_log_arp: the arp, bridge and
// netdev families) writes after the link-layer fields:
//
//	ARP HTYPE=%d PTYPE=0x%04x OPCODE=%d
//
// then, for Ethernet and IPv4, " MACSRC=%pM IPSRC=%pI4 MACDST=%pM
// IPDST=%pI4" or " INCOMPLETE [%zu bytes]". A well formed line carries no
// IP packet: ErrNotIP.
func (d *decoder) arp(tok []byte) error {
	if d.l4 || d.inner || d.seen&^linkFields != 0 {
		return fail(ReasonUnknown, "word", tok)
	}
	if err := d.arpHeader(); err != nil {
		return err
	}
	next, _ := d.t.next()
	switch string(next) {
	case "":
		return ErrNotIP
	case "INCOMPLETE":
		if err := d.arpIncomplete(); err != nil {
			return err
		}
	default:
		if err := d.arpPayload(next); err != nil {
			return err
		}
	}
	if rest := d.t.word(); rest != nil {
		return fail(ReasonUnknown, "ARP", rest)
	}
	return ErrNotIP
}

// arpHeader reads "HTYPE=%d PTYPE=0x%04x OPCODE=%d".
func (d *decoder) arpHeader() error {
	for _, key := range [...]string{"HTYPE=", "PTYPE=", "OPCODE="} {
		tok := d.t.word()
		val, ok := cut(tok, key)
		if !ok {
			return fail(ReasonSyntax, "ARP", tok)
		}
		if key == "PTYPE=" {
			_, ok = prefixedHex(val, 0xffff)
		} else {
			_, ok = decimal(val, 0xffff)
		}
		if !ok {
			return fail(ReasonSyntax, key[:len(key)-1], val)
		}
	}
	return nil
}

// arpPayload reads "MACSRC= IPSRC= MACDST= IPDST=", first holding the
// first token.
func (d *decoder) arpPayload(first []byte) error {
	tok := first
	for i, key := range [...]string{"MACSRC=", "IPSRC=", "MACDST=", "IPDST="} {
		if i > 0 {
			tok = d.t.word()
		}
		val, ok := cut(tok, key)
		if !ok {
			return fail(ReasonSyntax, "ARP", tok)
		}
		if i%2 == 0 {
			var mac [6]byte
			ok = macBytes(val, &mac)
		} else {
			var a netip.Addr
			a, ok = address(val)
			ok = ok && a.Is4()
		}
		if !ok {
			return fail(ReasonSyntax, key[:len(key)-1], val)
		}
	}
	return nil
}

// arpIncomplete reads "[N bytes]" after INCOMPLETE.
func (d *decoder) arpIncomplete() error {
	n, unit := d.t.word(), d.t.word()
	if len(n) < 2 || n[0] != '[' || string(unit) != "bytes]" {
		return fail(ReasonSyntax, "INCOMPLETE", n)
	}
	if _, ok := decimal(n[1:], 0xffffffff); !ok {
		return fail(ReasonSyntax, "INCOMPLETE", n)
	}
	return nil
}
