package signatures

import "github.com/ifw/ifw/sources"

// ICMP validity: a type is valid when it is assigned and in use (IANA
// registries; deprecated, reserved and unassigned types are invalid), and
// its code is one the type defines. Anything else is crafted.

// codeSpec lists the valid codes of a type: 0..max, plus extra codes.
type codeSpec struct {
	ok    bool
	max   uint8
	extra uint8 // one more valid code, 0 when none (0 is always in 0..max)
	any   bool  // every code is valid (experimental types)
}

// icmpCodes is indexed by ICMP (IPv4) type.
var icmpCodes = func() (t [256]codeSpec) {
	t[0] = codeSpec{ok: true}                                                     // echo reply
	t[3] = codeSpec{ok: true, max: 15}                                            // destination unreachable
	t[4] = codeSpec{ok: true}                                                     // source quench (deprecated, still sent)
	t[5] = codeSpec{ok: true, max: 3}                                             // redirect
	t[8] = codeSpec{ok: true}                                                     // echo request
	t[9] = codeSpec{ok: true, extra: 16}                                          // router advertisement (0, 16)
	t[10] = codeSpec{ok: true}                                                    // router solicitation
	t[11] = codeSpec{ok: true, max: 1}                                            // time exceeded
	t[12] = codeSpec{ok: true, max: 2}                                            // parameter problem
	t[13], t[14] = codeSpec{ok: true}, codeSpec{ok: true}                         // timestamp, reply
	t[15], t[16] = codeSpec{ok: true}, codeSpec{ok: true}                         // information request, reply
	t[17], t[18] = codeSpec{ok: true}, codeSpec{ok: true}                         // address mask request, reply
	t[40] = codeSpec{ok: true, max: 5}                                            // photuris
	t[42] = codeSpec{ok: true}                                                    // extended echo request
	t[43] = codeSpec{ok: true, max: 4}                                            // extended echo reply
	t[253], t[254] = codeSpec{ok: true, any: true}, codeSpec{ok: true, any: true} // RFC 4727 experiments
	return t
}()

// icmp6Codes is indexed by ICMPv6 type.
var icmp6Codes = func() (t [256]codeSpec) {
	t[1] = codeSpec{ok: true, max: 8}  // destination unreachable
	t[2] = codeSpec{ok: true}          // packet too big
	t[3] = codeSpec{ok: true, max: 1}  // time exceeded
	t[4] = codeSpec{ok: true, max: 10} // parameter problem
	for _, ty := range []int{100, 101, 127, 200, 201, 255} {
		t[ty] = codeSpec{ok: true, any: true} // private experimentation, reserved for expansion
	}
	for ty := 128; ty <= 137; ty++ {
		t[ty] = codeSpec{ok: true} // echo, MLD, router/neighbour discovery, redirect
	}
	t[138] = codeSpec{ok: true, max: 1, extra: 255} // router renumbering
	t[139] = codeSpec{ok: true, max: 2}             // node information query
	t[140] = codeSpec{ok: true, max: 2}             // node information response
	for ty := 141; ty <= 153; ty++ {
		t[ty] = codeSpec{ok: true} // inverse ND, MLDv2, mobile IPv6, SEND, multicast router discovery
	}
	t[150] = codeSpec{}                    // unassigned
	t[155] = codeSpec{ok: true, any: true} // RPL control
	t[157] = codeSpec{ok: true, max: 4}    // duplicate address request
	t[158] = codeSpec{ok: true, max: 4}    // duplicate address confirmation
	t[160] = codeSpec{ok: true}            // extended echo request
	t[161] = codeSpec{ok: true, max: 4}    // extended echo reply
	return t
}()

// validICMP reports whether an ICMP (proto 1) or ICMPv6 (proto 58) type and
// code go together.
func validICMP(proto, typ, code uint8) bool {
	spec := icmpCodes[typ]
	if proto == sources.ProtoICMPv6 {
		spec = icmp6Codes[typ]
	}
	switch {
	case !spec.ok:
		return false
	case spec.any, code <= spec.max:
		return true
	}
	return spec.extra != 0 && code == spec.extra
}
