package signatures

import "github.com/ifw/ifw/sources"

// Passive OS guess from a SYN's initial TTL and the layout of its TCP
// options, in the spirit of p0f but kept to layouts that are well known and
// distinctive. Option kinds are written as letters: M MSS, S SACK
// permitted, T timestamps, N NOP, W window scale, E end of list, ? other.
//
//	Linux 2.6+ (and Android)   TTL 64   M S T N W, or M N N S N W without timestamps
//	Windows Vista and later    TTL 128  M N W N N S
//	Windows XP/2003            TTL 128  M N N S
//	macOS / iOS                TTL 64   M N W N N T S E E
//	FreeBSD                    TTL 64   M N W S T
//	OpenBSD                    TTL 64   M N N S N W N N T
//	Solaris / network device   TTL 255  any layout with options
//
// Anything else is "" (unsure); nmap's and masscan's crafted SYNs fall there.
type osSig struct {
	ttl    uint8
	layout string
	name   string
}

var osTable = []osSig{
	{64, "MSTNW", "Linux"},
	{64, "MNNSNW", "Linux"},
	{128, "MNWNNS", "Windows"},
	{128, "MNNS", "Windows"},
	{64, "MNWNNTSEE", "macOS"},
	{64, "MNWST", "FreeBSD"},
	{64, "MNNSNWNNT", "OpenBSD"},
}

// OS names guessOS can return besides the table's.
const osSolarisOrDevice = "Solaris/network device"

// initialTTL rounds an observed TTL up to the usual initial values.
func initialTTL(ttl uint8) uint8 {
	switch {
	case ttl <= 32:
		return 32
	case ttl <= 64:
		return 64
	case ttl <= 128:
		return 128
	}
	return 255
}

// optionLayout writes the option kinds of a TCP options block into buf
// and returns how many it wrote; ok is false for malformed options.
func optionLayout(opts []byte, buf *[40]byte) (n int, ok bool) {
	const letters = "ENMWS???T" // kinds 0..8
	for i := 0; i < len(opts); {
		kind := opts[i]
		if kind < 9 {
			buf[n] = letters[kind]
		} else {
			buf[n] = '?'
		}
		n++
		if kind == 0 || kind == 1 {
			i++
			continue
		}
		if i+1 >= len(opts) || opts[i+1] < 2 {
			return n, false
		}
		i += int(opts[i+1])
	}
	return n, true
}

// guessOS guesses the operating system that sent a SYN, or "".
func guessOS(p *sources.Packet) string {
	if p.Proto != sources.ProtoTCP || tcpClass(p.TCPFlags) != classSYN || p.TCPOptions.Len() == 0 {
		return ""
	}
	var buf [40]byte
	n, ok := optionLayout(p.TCPOptions.Bytes(), &buf)
	if !ok {
		return ""
	}
	ttl := initialTTL(p.TTL)
	if ttl == 255 {
		return osSolarisOrDevice
	}
	for _, s := range osTable {
		if s.ttl == ttl && s.layout == string(buf[:n]) {
			return s.name
		}
	}
	return ""
}
