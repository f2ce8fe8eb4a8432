package signatures

import (
	"encoding/binary"
	"net/netip"

	"github.com/ifw/ifw/sources"
)

// Scanning tools Attacker.Tool can name.
const (
	ToolNmap    = "nmap"
	ToolMasscan = "masscan"
	ToolZmap    = "zmap"
	ToolMirai   = "mirai"
)

// guessTool names the scanner that crafted a SYN packet, or "". The facts:
//
//   - Mirai and its descendants set the TCP sequence number to the target's
//     IPv4 address (needs --log-tcp-sequence).
//   - masscan sets the IP ID to (target address ^ target port ^ sequence)
//     & 0xffff, window 1024 and no TCP option (needs --log-tcp-sequence).
//   - zmap sets the IP ID to 54321 and window 65535 (its TCP options vary
//     by version, so they are not checked).
//   - nmap's raw SYN scan sends window 1024, 2048, 3072 or 4096 and exactly
//     one TCP option, an MSS (needs --log-tcp-options).
func guessTool(p *sources.Packet, dst netip.Addr) string {
	if p.Proto != sources.ProtoTCP || tcpClass(p.TCPFlags) != classSYN {
		return ""
	}
	if dst.Is4() && p.Has(sources.HasSeq) {
		b := dst.As4()
		d := binary.BigEndian.Uint32(b[:])
		if p.Seq == d {
			return ToolMirai
		}
		if p.Window == 1024 && p.TCPOptions.Len() == 0 &&
			p.ID == uint16(d^uint32(p.DstPort)^p.Seq) {
			return ToolMasscan
		}
	}
	if p.ID == 54321 && p.Window == 65535 && dst.Is4() {
		return ToolZmap
	}
	if isNmapWindow(p.Window) && p.TCPOptions.Len() == 4 {
		o := p.TCPOptions.Bytes()
		if o[0] == 2 && o[1] == 4 {
			return ToolNmap
		}
	}
	return ""
}

func isNmapWindow(w uint16) bool {
	return w == 1024 || w == 2048 || w == 3072 || w == 4096
}
