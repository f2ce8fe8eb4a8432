package rules

import "cmp"

// specificity packs how specific a rule is into a number: of two rules
// matching the same connection the one with the higher number decides.
// From the most significant bit down:
//
//	bit 63      names an executable (a path or unknown)
//	bit 62      has a sha256
//	bits 54-61  destination rank: 0 any; 1+bits for an IPv6 network,
//	            97+bits for an IPv4 one (so a /32 ranks with a /128);
//	            129 for a host name, 121 for *.DOMAIN (as a /24);
//	            130 for a host and a network
//	bits 37-53  port rank: 0 any; else 65536 minus the range's width
//	bit 36      names a protocol
//	bit 35      names a user
//	bit 34      denies or rejects (safety first among equals)
//
// Ties go to the lower ID.
func specificity(r Rule) uint64 {
	var k uint64
	if r.Exe != "" {
		k |= 1 << 63
	}
	if r.SHA256 != "" {
		k |= 1 << 62
	}
	k |= dstRank(r) << 54
	if !r.Ports.Any() {
		k |= (65536 - uint64(r.Ports.Hi-r.Ports.Lo)) << 37
	}
	if r.Proto != ProtoAny {
		k |= 1 << 36
	}
	if r.User != "" {
		k |= 1 << 35
	}
	if r.Action != Allow {
		k |= 1 << 34
	}
	return k
}

func dstRank(r Rule) uint64 {
	switch {
	case r.Host != "" && r.Dst.IsValid():
		return 130
	case IsWildcard(r.Host):
		return 121
	case r.Host != "":
		return 129
	case !r.Dst.IsValid():
		return 0
	case r.Dst.Addr().Is4():
		return 97 + uint64(r.Dst.Bits())
	}
	return 1 + uint64(r.Dst.Bits())
}

// moreSpecific orders entries for Match: most specific first, then lowest
// ID.
func moreSpecific(a, b entry) int {
	if c := cmp.Compare(b.key, a.key); c != 0 {
		return c
	}
	return cmp.Compare(a.rule.ID, b.rule.ID)
}
