package nfq

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// packetMsg builds a queue packet message as the kernel sends it.
func packetMsg(attrs ...attr) []byte {
	b := make([]byte, nlmsgHdrLen+nfgenLen)
	for _, a := range attrs {
		b = putAttr(b, a.typ, a.data)
	}
	putHeader(b, len(b), msgPacket, 0, 0, 3)
	return b
}

func idAttr(id uint32) attr {
	return attr{attrPacketHdr, append(be32(id), 0x08, 0x00, 3)} // id, ETH_P_IP, NF_INET_LOCAL_OUT
}

func TestVerdictMessage(t *testing.T) {
	var b [verdictMarkLen]byte
	got := putVerdict(b[:], 3, 0x01020304, Accept, 0, false)
	want := []byte{
		32, 0, 0, 0, 0x01, 0x03, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, // len, NFQNL_MSG_VERDICT, NLM_F_REQUEST
		0, 0, 0, 3, // AF_UNSPEC, v0, queue 3 (big endian)
		12, 0, 2, 0, 0, 0, 0, 1, 1, 2, 3, 4, // NFQA_VERDICT_HDR: NF_ACCEPT, id
	}
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		t.Skip("the literal is little-endian")
	}
	if !bytes.Equal(got, want) {
		t.Errorf("verdict message\n got %v\nwant %v", got, want)
	}
	got = putVerdict(b[:], 3, 7, Repeat, 0x10000000, true)
	if len(got) != 40 || !bytes.Equal(got[32:], []byte{8, 0, 3, 0, 0x10, 0, 0, 0}) || got[27] != Repeat || got[0] != 40 {
		t.Errorf("verdict with mark: %v", got)
	}
}

func TestConfigMessage(t *testing.T) {
	b := configMsg(9, 5, cmdAttr(cmdBind), paramsAttr(256), attr{cfgMask, be32(FlagUIDGID)}, attr{cfgFlags, be32(FlagUIDGID)})
	m, rest, err := nextMessage(b)
	if err != nil || len(rest) != 0 {
		t.Fatalf("%v, %d bytes left", err, len(rest))
	}
	if m.typ != msgConfig || m.seq != 9 || binary.NativeEndian.Uint16(b[6:]) != flagRequest|flagAck {
		t.Fatalf("header: type %#x seq %d flags %#x", m.typ, m.seq, binary.NativeEndian.Uint16(b[6:]))
	}
	if binary.BigEndian.Uint16(m.body[2:]) != 5 {
		t.Errorf("queue %d", binary.BigEndian.Uint16(m.body[2:]))
	}
	// the params attribute is 5 bytes long, padded to 8
	want := []byte{8, 0, 1, 0, cmdBind, 0, 0, 0, 9, 0, 2, 0, 0, 0, 1, 0, copyPacket, 0, 0, 0}
	if !bytes.Equal(m.body[nfgenLen:nfgenLen+len(want)], want) {
		t.Errorf("attributes\n got %v\nwant %v", m.body[nfgenLen:nfgenLen+len(want)], want)
	}
}

func TestParsePacket(t *testing.T) {
	payload := []byte{0x45, 0, 0, 20}
	b := packetMsg(idAttr(42), attr{attrMark, be32(1)}, attr{attrOutDev, be32(7)},
		attr{attrPayload | 0x4000, payload}, attr{attrUID, be32(1000)}, attr{attrGID, be32(100)}, attr{99, []byte{1, 2, 3}})
	m, _, err := nextMessage(b)
	if err != nil {
		t.Fatal(err)
	}
	p, err := parsePacket(m.body)
	if err != nil {
		t.Fatal(err)
	}
	want := Packet{ID: 42, Payload: payload, UID: 1000, GID: 100, HasUID: true, HasGID: true, OutDev: 7}
	if p.ID != want.ID || !bytes.Equal(p.Payload, payload) || p.UID != 1000 || p.GID != 100 || !p.HasUID || !p.HasGID || p.OutDev != 7 {
		t.Errorf("got %+v, want %+v", p, want)
	}
	// no uid attribute: a packet without a local socket
	m, _, _ = nextMessage(packetMsg(idAttr(1), attr{attrPayload, payload}))
	if p, err := parsePacket(m.body); err != nil || p.HasUID || p.HasGID {
		t.Errorf("without uid: %+v %v", p, err)
	}
}

func TestParsePacketMalformed(t *testing.T) {
	good := packetMsg(idAttr(1), attr{attrPayload, []byte{0x45}})
	cases := map[string][]byte{
		"no id":               packetMsg(attr{attrPayload, []byte{0x45}}),
		"short id":            packetMsg(attr{attrPacketHdr, []byte{1, 2}}),
		"attribute too long":  func() []byte { b := bytes.Clone(good); b[20] = 200; return b }(),
		"attribute too short": func() []byte { b := bytes.Clone(good); b[20] = 2; return b }(),
		"cut in an attribute": good[:len(good)-6],
	}
	for name, b := range cases {
		n := len(b)
		binary.NativeEndian.PutUint32(b, uint32(n))
		m, _, err := nextMessage(b)
		if err == nil {
			_, err = parsePacket(m.body)
		}
		if !errors.Is(err, ErrMessage) {
			t.Errorf("%s: %v, want ErrMessage", name, err)
		}
	}
	for _, n := range []int{0, 15, len(good) + 1} {
		b := bytes.Clone(good)
		binary.NativeEndian.PutUint32(b, uint32(n))
		if _, _, err := nextMessage(b); !errors.Is(err, ErrMessage) {
			t.Errorf("message length %d: %v", n, err)
		}
	}
}

// TestDatagram: a datagram's packets reach the handler in order; the
// kernel's error about a verdict goes to onErr, which may forgive it.
func TestDatagram(t *testing.T) {
	errMsg := make([]byte, nlmsgHdrLen+4+nlmsgHdrLen)
	binary.NativeEndian.PutUint32(errMsg, uint32(len(errMsg)))
	binary.NativeEndian.PutUint16(errMsg[4:], nlmsgError)
	enoent := -int32(unix.ENOENT)
	binary.NativeEndian.PutUint32(errMsg[16:], uint32(enoent))
	var d []byte
	d = append(d, packetMsg(idAttr(1), attr{attrPayload, []byte{0x45}})...)
	d = append(d, errMsg...)
	d = append(d, packetMsg(idAttr(2), attr{attrPayload, []byte{0x60}})...)
	q := &Queue{queue: 3}
	var ids []uint32
	var errs []error
	err := q.datagram(d, func(p Packet) { ids = append(ids, p.ID) }, func(err error) bool { errs = append(errs, err); return true })
	if err != nil || len(ids) != 2 || ids[0] != 1 || ids[1] != 2 {
		t.Fatalf("ids %v, err %v", ids, err)
	}
	var ke *KernelError
	if len(errs) != 1 || !errors.As(errs[0], &ke) || !errors.Is(errs[0], unix.ENOENT) {
		t.Fatalf("errors %v", errs)
	}
	err = q.datagram(d, func(Packet) {}, func(error) bool { return false })
	if !errors.Is(err, unix.ENOENT) {
		t.Errorf("unforgiven: %v", err)
	}
}
