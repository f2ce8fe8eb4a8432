package sources

import (
	"net/netip"
	"time"
)

// IP protocol numbers that ifw names.
const (
	ProtoICMP    uint8 = 1
	ProtoTCP     uint8 = 6
	ProtoUDP     uint8 = 17
	ProtoGRE     uint8 = 47
	ProtoESP     uint8 = 50
	ProtoAH      uint8 = 51
	ProtoICMPv6  uint8 = 58
	ProtoSCTP    uint8 = 132
	ProtoUDPLite uint8 = 136
)

// Chain is where in netfilter a packet was logged, inferred from its
// interfaces: IN only is input, IN and OUT is forward, OUT only is output.
type Chain uint8

// Chains.
const (
	ChainUnknown Chain = iota
	ChainInput
	ChainForward
	ChainOutput
)

func (c Chain) String() string {
	switch c {
	case ChainInput:
		return "input"
	case ChainForward:
		return "forward"
	case ChainOutput:
		return "output"
	}
	return "unknown"
}

// ChainOf infers the chain from the logged interfaces.
func ChainOf(in, out string) Chain {
	switch {
	case in != "" && out != "":
		return ChainForward
	case in != "":
		return ChainInput
	case out != "":
		return ChainOutput
	}
	return ChainUnknown
}

// Field records which optional fields a Packet carries. Zero values of
// fields whose bit is clear mean "not logged", not zero.
type Field uint32

// Optional fields.
const (
	HasTime       Field = 1 << iota // Time is a wall-clock time
	HasUptime                       // Uptime (time since boot) is set
	HasMAC                          // MAC holds a decoded Ethernet header
	HasPorts                        // SrcPort and DstPort (TCP, UDP, UDPLITE, SCTP)
	HasSeq                          // Seq and Ack (--log-tcp-sequence)
	HasTCP                          // Window, Res, TCPFlags, Urgp
	HasUDPLen                       // UDPLen
	HasICMP                         // ICMPType and ICMPCode
	HasICMPEcho                     // ICMPID and ICMPSeq
	HasMTU                          // MTU (fragmentation needed, packet too big)
	HasParameter                    // Parameter (IPv4 PARAMETER, ICMPv6 POINTER)
	HasGateway                      // Gateway (ICMP redirect)
	HasEmbedded                     // Embedded: the packet quoted by an ICMP error
	HasIncomplete                   // Incomplete: the header was cut, N bytes left
	HasUID                          // UID and GID (--log-uid)
	HasMark                         // Mark
	HasSPI                          // SPI (AH, ESP)
	HasFragID                       // FragID (IPv6 fragment header)
	Truncated                       // the kernel printed TRUNCATED
)

// IPFlags are the IPv4 header flags the kernel logs.
type IPFlags uint8

// IPv4 flags.
const (
	FlagCE IPFlags = 1 << iota // congestion experienced (the reserved bit)
	FlagDF                     // don't fragment
	FlagMF                     // more fragments (also IPv6's INCOMPLETE)
)

// TCPFlags is the TCP flags byte, bit for bit as on the wire.
type TCPFlags uint8

// TCP flags.
const (
	FIN TCPFlags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
)

var tcpFlagNames = [8]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"}

// String lists the set flags in the kernel's order, or NULL when none is set.
func (f TCPFlags) String() string {
	if f == 0 {
		return "NULL"
	}
	s := ""
	for i := 7; i >= 0; i-- {
		if f&(1<<i) != 0 {
			if s != "" {
				s += " "
			}
			s += tcpFlagNames[i]
		}
	}
	return s
}

// Options is up to 40 bytes of IP or TCP options, kept inline so that a
// reused Packet needs no allocation.
type Options struct {
	n uint8
	b [40]byte
}

// Bytes returns the option bytes; the slice aliases o.
func (o *Options) Bytes() []byte { return o.b[:o.n] }

// Len is the number of option bytes.
func (o *Options) Len() int { return int(o.n) }

// Set replaces the options; it reports false when b is longer than 40 bytes.
func (o *Options) Set(b []byte) bool {
	if len(b) > len(o.b) {
		return false
	}
	o.n = uint8(copy(o.b[:], b))
	return true
}

// MAC is a decoded Ethernet header (the kernel's MAC= or MACSRC=/MACDST=).
type MAC struct {
	Dst, Src  [6]byte
	EtherType uint16
}

// Embedded is the header an ICMP or ICMPv6 error quotes ([SRC=… DST=… …]).
// Its fields never leak into the outer Packet.
type Embedded struct {
	Src, Dst         netip.Addr
	Proto            uint8
	Len              uint32
	TTL              uint8
	ID               uint16
	SrcPort, DstPort uint16
	TCPFlags         TCPFlags
	ICMPType         uint8
	ICMPCode         uint8
}

// Packet is one packet the firewall logged. It holds no reference to the
// text or buffer it was parsed from.
type Packet struct {
	Fields Field

	Time   time.Time     // wall clock (HasTime)
	Uptime time.Duration // kernel time since boot (HasUptime)

	Source  string // collector name
	Trusted bool   // came over a transport only the kernel can write

	Host   string // syslog host name, when the line names one
	Prefix string // log prefix, trimmed
	Chain  Chain

	In, Out, PhysIn, PhysOut string
	MAC                      MAC

	Version   uint8 // 4 or 6
	Src, Dst  netip.Addr
	Proto     uint8
	Len       uint32 // IP total length (IPv6: payload plus 40)
	TOS       uint8  // IPv4 TOS bits, IPv6 traffic class
	Prec      uint8  // IPv4 precedence bits
	TTL       uint8  // IPv4 TTL, IPv6 hop limit
	ID        uint16 // IPv4 identification
	FlowLabel uint32 // IPv6
	IPFlags   IPFlags
	FragOff   uint16 // fragment offset (IPv4: 8-byte units; IPv6: bytes)
	FragID    uint32 // IPv6 fragment identification
	IPOptions Options

	SrcPort, DstPort uint16
	Seq, Ack         uint32
	Window           uint16
	Res              uint8
	TCPFlags         TCPFlags
	Urgp             uint16
	TCPOptions       Options
	UDPLen           uint16

	ICMPType, ICMPCode uint8
	ICMPID, ICMPSeq    uint16
	MTU                uint32
	Parameter          uint32
	Gateway            netip.Addr
	Embedded           Embedded

	Incomplete uint32 // bytes left when the header was cut
	UID, GID   uint32
	Mark       uint32
	SPI        uint32
}

// Has reports whether all the given fields are set.
func (p *Packet) Has(f Field) bool { return p.Fields&f == f }

// Reset clears p for reuse.
func (p *Packet) Reset() { *p = Packet{} }

// IsFragment reports whether p is a non-first fragment, which has no
// transport header.
func (p *Packet) IsFragment() bool { return p.FragOff != 0 }
