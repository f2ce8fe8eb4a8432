package nfq

import (
	"encoding/binary"
	"fmt"
)

// The kernel's netlink and nfnetlink_queue numbers (linux/netlink.h,
// linux/netfilter/nfnetlink.h, linux/netfilter/nfnetlink_queue.h).
const (
	nlmsgHdrLen = 16
	nfgenLen    = 4
	nlaHdrLen   = 4

	nlmsgError = 2
	nlmsgDone  = 3

	flagRequest = 0x1
	flagAck     = 0x4

	subsysQueue = 3
	msgPacket   = subsysQueue << 8   // NFQNL_MSG_PACKET (0)
	msgVerdict  = subsysQueue<<8 | 1 // NFQNL_MSG_VERDICT
	msgConfig   = subsysQueue<<8 | 2 // NFQNL_MSG_CONFIG

	// packet attributes (NFQA_*)
	attrPacketHdr = 1
	attrVerdict   = 2
	attrMark      = 3
	attrOutDev    = 6
	attrPayload   = 10
	attrUID       = 16
	attrGID       = 17

	// config attributes (NFQA_CFG_*)
	cfgCmd     = 1
	cfgParams  = 2
	cfgMaxLen  = 3
	cfgMask    = 4
	cfgFlags   = 5
	cmdBind    = 1
	cmdUnbind  = 2
	copyPacket = 2 // NFQNL_COPY_PACKET

	attrTypeMask = 0x3fff // without NLA_F_NESTED and NLA_F_NET_BYTEORDER
)

// Queue flags (NFQA_CFG_F_*).
const (
	FlagFailOpen = 0x01 // accept, not drop, when the kernel's queue is full
	FlagGSO      = 0x04 // hand over GSO packets whole
	FlagUIDGID   = 0x08 // give the sending socket's uid and gid
)

// Verdicts (NF_*).
const (
	Drop   = 0
	Accept = 1
	Repeat = 4 // the packet goes through the hook again (with a new mark)
)

// Packet is one queued packet. Payload points into the reader's buffer:
// it is valid only until the handler returns.
type Packet struct {
	ID       uint32
	Payload  []byte
	UID, GID uint32
	HasUID   bool
	HasGID   bool
	OutDev   uint32 // the outgoing interface's index, 0 when none
}

// align4 rounds n up to netlink's 4-byte alignment.
func align4(n int) int { return (n + 3) &^ 3 }

// putHeader writes a netlink header and an nfgenmsg for queue at the
// start of b (which has room for them).
func putHeader(b []byte, length int, typ, flags uint16, seq uint32, queue uint16) {
	binary.NativeEndian.PutUint32(b[0:], uint32(length))
	binary.NativeEndian.PutUint16(b[4:], typ)
	binary.NativeEndian.PutUint16(b[6:], flags)
	binary.NativeEndian.PutUint32(b[8:], seq)
	binary.NativeEndian.PutUint32(b[12:], 0)
	b[16], b[17] = 0, 0 // AF_UNSPEC, NFNETLINK_V0
	binary.BigEndian.PutUint16(b[18:], queue)
}

// putAttr appends an attribute to b.
func putAttr(b []byte, typ uint16, data []byte) []byte {
	var h [nlaHdrLen]byte
	binary.NativeEndian.PutUint16(h[0:], uint16(nlaHdrLen+len(data)))
	binary.NativeEndian.PutUint16(h[2:], typ)
	b = append(b, h[:]...)
	b = append(b, data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// be32 is v in network byte order.
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// configMsg is an NFQNL_MSG_CONFIG request for queue carrying attrs
// (type, data pairs), with an ack asked for.
func configMsg(seq uint32, queue uint16, attrs ...attr) []byte {
	b := make([]byte, nlmsgHdrLen+nfgenLen, 64)
	for _, a := range attrs {
		b = putAttr(b, a.typ, a.data)
	}
	putHeader(b, len(b), msgConfig, flagRequest|flagAck, seq, queue)
	return b
}

type attr struct {
	typ  uint16
	data []byte
}

// cmdAttr is an NFQA_CFG_CMD attribute.
func cmdAttr(cmd uint8) attr { return attr{cfgCmd, []byte{cmd, 0, 0, 0}} }

// paramsAttr is an NFQA_CFG_PARAMS attribute: copy the packet, up to
// copyRange bytes.
func paramsAttr(copyRange uint32) attr {
	return attr{cfgParams, append(be32(copyRange), copyPacket)}
}

// verdictLen is the length of a verdict message, with and without a mark.
const (
	verdictLen     = nlmsgHdrLen + nfgenLen + nlaHdrLen + 8
	verdictMarkLen = verdictLen + nlaHdrLen + 4
)

// putVerdict writes the verdict v for packet id of queue into b
// (verdictMarkLen bytes at least) and returns the message: with an
// NFQA_MARK of mark when withMark.
func putVerdict(b []byte, queue uint16, id, v, mark uint32, withMark bool) []byte {
	n := verdictLen
	if withMark {
		n = verdictMarkLen
	}
	b = b[:n]
	putHeader(b, n, msgVerdict, flagRequest, 0, queue)
	binary.NativeEndian.PutUint16(b[20:], nlaHdrLen+8)
	binary.NativeEndian.PutUint16(b[22:], attrVerdict)
	binary.BigEndian.PutUint32(b[24:], v)
	binary.BigEndian.PutUint32(b[28:], id)
	if withMark {
		binary.NativeEndian.PutUint16(b[32:], nlaHdrLen+4)
		binary.NativeEndian.PutUint16(b[34:], attrMark)
		binary.BigEndian.PutUint32(b[36:], mark)
	}
	return b
}

// message is one netlink message of a datagram.
type message struct {
	typ  uint16
	seq  uint32
	body []byte // after the netlink header
}

// nextMessage splits the first message off datagram b.
func nextMessage(b []byte) (message, []byte, error) {
	if len(b) < nlmsgHdrLen {
		return message{}, nil, fmt.Errorf("%w: %d bytes left, short of a header", ErrMessage, len(b))
	}
	n := int(binary.NativeEndian.Uint32(b[0:]))
	if n < nlmsgHdrLen || n > len(b) {
		return message{}, nil, fmt.Errorf("%w: length %d of %d bytes", ErrMessage, n, len(b))
	}
	m := message{typ: binary.NativeEndian.Uint16(b[4:]), seq: binary.NativeEndian.Uint32(b[8:]), body: b[nlmsgHdrLen:n]}
	rest := b[min(align4(n), len(b)):]
	return m, rest, nil
}

// errnoOf is the error code of an NLMSG_ERROR message's body (0: an ack).
func errnoOf(body []byte) (int32, error) {
	if len(body) < 4 {
		return 0, fmt.Errorf("%w: short error message", ErrMessage)
	}
	return -int32(binary.NativeEndian.Uint32(body)), nil
}

// parsePacket reads an NFQNL_MSG_PACKET body (after the netlink header).
func parsePacket(body []byte) (Packet, error) {
	var p Packet
	if len(body) < nfgenLen {
		return p, fmt.Errorf("%w: short packet message", ErrMessage)
	}
	hasID := false
	for b := body[nfgenLen:]; len(b) > 0; {
		if len(b) < nlaHdrLen {
			return p, fmt.Errorf("%w: %d bytes left, short of an attribute", ErrMessage, len(b))
		}
		n := int(binary.NativeEndian.Uint16(b[0:]))
		if n < nlaHdrLen || n > len(b) {
			return p, fmt.Errorf("%w: attribute length %d of %d bytes", ErrMessage, n, len(b))
		}
		data := b[nlaHdrLen:n]
		switch binary.NativeEndian.Uint16(b[2:]) & attrTypeMask {
		case attrPacketHdr:
			if len(data) < 4 {
				return p, fmt.Errorf("%w: short packet header", ErrMessage)
			}
			p.ID, hasID = binary.BigEndian.Uint32(data), true
		case attrPayload:
			p.Payload = data
		case attrUID:
			p.UID, p.HasUID = be32Of(data)
		case attrGID:
			p.GID, p.HasGID = be32Of(data)
		case attrOutDev:
			p.OutDev, _ = be32Of(data)
		}
		b = b[min(align4(n), len(b)):]
	}
	if !hasID {
		return p, fmt.Errorf("%w: no packet id", ErrMessage)
	}
	return p, nil
}

// be32Of reads a 4-byte big-endian attribute.
func be32Of(data []byte) (uint32, bool) {
	if len(data) != 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(data), true
}
