package logline

import "encoding/binary"

// key is a word the fast path expects next ("SRC=", "DF ", "PROTO="), kept
// as the little-endian word of its first eight bytes and a mask, so that
// matching it is one load and one compare. (A string compare through an
// inlined helper calls memequal: the compiler sees a variable, not the
// constant.)
type key struct {
	w, mask uint64
	s       string
	long    bool // longer than a word: HOPLIMIT=
}

func newKey(s string) key {
	k := key{s: s, long: len(s) > 8}
	for i := min(len(s), 8) - 1; i >= 0; i-- {
		k.w = k.w<<8 | uint64(s[i])
		k.mask = k.mask<<8 | 0xff
	}
	return k
}

// at reports whether b starts with k.
func (k *key) at(b []byte) bool {
	if len(b) >= 8 && !k.long {
		return binary.LittleEndian.Uint64(b)&k.mask == k.w
	}
	return k.slowAt(b)
}

// slowAt is at for a key longer than a word, or near the end of the line.
func (k *key) slowAt(b []byte) bool {
	return len(b) >= len(k.s) && string(b[:len(k.s)]) == k.s
}

// The words of the kernel's common layout, in the order it writes them.
var (
	kIN       = newKey("IN=")
	kOUT      = newKey(" OUT=")
	kMAC      = newKey("MAC=")
	kSRC      = newKey("SRC=")
	kDST      = newKey("DST=")
	kLEN      = newKey("LEN=")
	kTOS      = newKey("TOS=")
	kPREC     = newKey("PREC=")
	kTTL      = newKey("TTL=")
	kID       = newKey("ID=")
	kCE       = newKey("CE ")
	kDF       = newKey("DF ")
	kMF       = newKey("MF ")
	kOPT      = newKey("OPT (")
	kTC       = newKey("TC=")
	kHOPLIMIT = newKey("HOPLIMIT=")
	kFLOWLBL  = newKey("FLOWLBL=")
	kPROTO    = newKey("PROTO=")
	kTCP      = newKey("TCP ")
	kUDP      = newKey("UDP ")
	kUDPLITE  = newKey("UDPLITE ")
	kICMP     = newKey("ICMP ")
	kICMPv6   = newKey("ICMPv6 ")
	kSPT      = newKey("SPT=")
	kDPT      = newKey("DPT=")
	kSEQ      = newKey("SEQ=")
	kACK      = newKey("ACK=")
	kWINDOW   = newKey("WINDOW=")
	kRES      = newKey("RES=")
	kAE       = newKey("AE ")
	kURGP     = newKey("URGP=")
	kTYPE     = newKey("TYPE=")
	kCODE     = newKey("CODE=")
	kUID      = newKey("UID=")
	kGID      = newKey("GID=")
	kMARK     = newKey("MARK=")
)
