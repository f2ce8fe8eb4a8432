package logline

import (
	"github.com/ifw/ifw/sources"
)

// transportPair handles a KEY=value after PROTO.
func (d *decoder) transportPair(key, val, tok []byte) error {
	pkt := d.pkt
	switch proto := pkt.Proto; {
	case proto == sources.ProtoTCP:
		if done, err := d.tcpPair(key, val, tok); done {
			return err
		}
	case proto == sources.ProtoICMP || proto == sources.ProtoICMPv6:
		if done, err := d.icmpPair(key, val, tok); done {
			return err
		}
	case proto == sources.ProtoUDP || proto == sources.ProtoUDPLite:
		if string(key) == "LEN" {
			return d.num(fUDPLen, "LEN", val, 65535, func(n uint64) { pkt.UDPLen = uint16(n); pkt.Fields |= sources.HasUDPLen })
		}
	}
	switch string(key) {
	case "SPT", "DPT":
		if !sources.HasPortsProto(pkt.Proto) {
			return fail(ReasonUnknown, string(key), tok)
		}
		return d.port(key, val)
	case "SPI":
		return d.hexPrefixed(fSPI, "SPI", val, 0xffffffff, func(n uint64) { pkt.SPI = uint32(n); pkt.Fields |= sources.HasSPI })
	}
	return d.ownerPair(key, val, tok)
}

func (d *decoder) port(key, val []byte) error {
	pkt := d.pkt
	if key[0] == 'S' {
		return d.num(fSPort, "SPT", val, 65535, func(n uint64) { pkt.SrcPort = uint16(n); pkt.Fields |= sources.HasPorts })
	}
	return d.num(fDPort, "DPT", val, 65535, func(n uint64) { pkt.DstPort = uint16(n); pkt.Fields |= sources.HasPorts })
}

// ownerPair handles what the kernel appends to the outer packet only.
func (d *decoder) ownerPair(key, val, tok []byte) error {
	pkt := d.pkt
	if d.inner {
		return fail(ReasonUnknown, string(key), tok)
	}
	switch string(key) {
	case "UID":
		return d.num(fUID, "UID", val, 0xffffffff, func(n uint64) { pkt.UID = uint32(n); pkt.Fields |= sources.HasUID })
	case "GID":
		return d.num(fGID, "GID", val, 0xffffffff, func(n uint64) { pkt.GID = uint32(n) })
	case "MARK":
		return d.hexEither(fMark, "MARK", val, 0xffffffff, func(n uint64) { pkt.Mark = uint32(n); pkt.Fields |= sources.HasMark })
	}
	return fail(ReasonUnknown, string(key), tok)
}

func (d *decoder) tcpPair(key, val, tok []byte) (bool, error) {
	pkt := d.pkt
	switch string(key) {
	case "SEQ":
		return true, d.num(fSeq, "SEQ", val, 0xffffffff, func(n uint64) { pkt.Seq = uint32(n); pkt.Fields |= sources.HasSeq })
	case "ACK":
		return true, d.num(fAck, "ACK", val, 0xffffffff, func(n uint64) { pkt.Ack = uint32(n) })
	case "WINDOW":
		return true, d.num(fWindow, "WINDOW", val, 65535, func(n uint64) { pkt.Window = uint16(n); pkt.Fields |= sources.HasTCP })
	case "RES":
		return true, d.hexPrefixed(fRes, "RES", val, 0xff, func(n uint64) { pkt.Res |= uint8(n) })
	case "URGP":
		return true, d.num(fUrgp, "URGP", val, 65535, func(n uint64) { pkt.Urgp = uint16(n) })
	}
	return false, nil
}

func (d *decoder) icmpPair(key, val, tok []byte) (bool, error) {
	pkt := d.pkt
	switch string(key) {
	case "TYPE":
		return true, d.num(fType, "TYPE", val, 255, func(n uint64) { pkt.ICMPType = uint8(n); pkt.Fields |= sources.HasICMP })
	case "CODE":
		return true, d.num(fCode, "CODE", val, 255, func(n uint64) { pkt.ICMPCode = uint8(n) })
	case "ID":
		return true, d.num(fEchoID, "ID", val, 65535, func(n uint64) { pkt.ICMPID = uint16(n); pkt.Fields |= sources.HasICMPEcho })
	case "SEQ":
		return true, d.num(fEchoSeq, "SEQ", val, 65535, func(n uint64) { pkt.ICMPSeq = uint16(n) })
	case "MTU":
		return true, d.num(fMTU, "MTU", val, 0xffffffff, func(n uint64) { pkt.MTU = uint32(n); pkt.Fields |= sources.HasMTU })
	case "PARAMETER":
		return true, d.num(fParameter, "PARAMETER", val, 255, func(n uint64) { pkt.Parameter = uint32(n); pkt.Fields |= sources.HasParameter })
	case "POINTER":
		return true, d.hexBare(fParameter, "POINTER", val, 0xffffffff, func(n uint64) { pkt.Parameter = uint32(n); pkt.Fields |= sources.HasParameter })
	case "GATEWAY":
		if err := d.addr(fGateway, "GATEWAY", val, &pkt.Gateway); err != nil || !pkt.Gateway.Is4() {
			return true, orAddr(err, val)
		}
		pkt.Fields |= sources.HasGateway
		return true, nil
	}
	return false, nil
}

func orAddr(err error, val []byte) error {
	if err != nil {
		return err
	}
	return fail(ReasonAddress, "GATEWAY", val)
}
