package dnsnames

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// Record types and the class ifw reads.
const (
	TypeA     uint16 = 1
	TypeCNAME uint16 = 5
	TypeAAAA  uint16 = 28
	ClassIN   uint16 = 1
)

// Limits of the parser.
const (
	// MaxMessage is the longest DNS message (the TCP length prefix).
	MaxMessage = 65535
	// MaxRecords bounds the answer records read of one message; the
	// others are ignored.
	MaxRecords = 64
	// MaxPointers bounds the compression pointers followed in one name.
	MaxPointers = 16
	// maxNameWire is the longest name in wire form.
	maxNameWire = 255
	headerLen   = 12
)

// ErrMessage matches every error Parse returns.
var ErrMessage = errors.New("dnsnames: bad DNS message")

// Message is what ifw reads of a DNS message: the header, the single
// question, and the A, AAAA and CNAME records of the answer section
// (others are skipped).
type Message struct {
	ID       uint16
	Response bool
	RCode    uint8
	// Question: Name is normalised (see Normalize); Class and Type as sent.
	Name        string
	Type, Class uint16
	Answers     []Record
}

// Record is an answer record: A or AAAA (Addr), or CNAME (Target).
type Record struct {
	Name   string // normalised owner name; "" when not a valid host name
	Type   uint16
	TTL    uint32
	Addr   netip.Addr
	Target string // CNAME: normalised; "" when not a valid host name
}

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMessage}, args...)...)
}

// Parse reads a DNS message. It needs exactly one question with a valid
// host name; answer records past MaxRecords are ignored, a record that
// does not fit is an error.
func Parse(b []byte) (Message, error) {
	var m Message
	if len(b) > MaxMessage {
		return m, bad("%d bytes", len(b))
	}
	if len(b) < headerLen {
		return m, bad("short header")
	}
	m.ID = binary.BigEndian.Uint16(b[0:2])
	flags := binary.BigEndian.Uint16(b[2:4])
	m.Response = flags&0x8000 != 0
	m.RCode = uint8(flags & 0x000f)
	if op := (flags >> 11) & 0xf; op != 0 {
		return m, bad("opcode %d", op)
	}
	qd, an := binary.BigEndian.Uint16(b[4:6]), binary.BigEndian.Uint16(b[6:8])
	if qd != 1 {
		return m, bad("%d questions", qd)
	}
	name, off, err := readName(b, headerLen)
	if err != nil {
		return m, err
	}
	if m.Name = Normalize(name); m.Name == "" {
		return m, bad("question is not a host name")
	}
	if off+4 > len(b) {
		return m, bad("short question")
	}
	m.Type, m.Class = binary.BigEndian.Uint16(b[off:]), binary.BigEndian.Uint16(b[off+2:])
	off += 4
	for i := 0; i < int(an) && i < MaxRecords; i++ {
		var r Record
		var keep bool
		if r, off, keep, err = readRecord(b, off); err != nil {
			return m, err
		}
		if keep {
			m.Answers = append(m.Answers, r)
		}
	}
	return m, nil
}

// readRecord reads the resource record at off; keep is false for records
// ifw does not use (other types or classes).
func readRecord(b []byte, off int) (Record, int, bool, error) {
	var r Record
	name, off, err := readName(b, off)
	if err != nil {
		return r, 0, false, err
	}
	if off+10 > len(b) {
		return r, 0, false, bad("short record")
	}
	r.Type = binary.BigEndian.Uint16(b[off:])
	class := binary.BigEndian.Uint16(b[off+2:])
	r.TTL = binary.BigEndian.Uint32(b[off+4:])
	n := int(binary.BigEndian.Uint16(b[off+8:]))
	off += 10
	if off+n > len(b) {
		return r, 0, false, bad("record data past the end")
	}
	data, end := b[off:off+n], off+n
	if class != ClassIN {
		return r, end, false, nil
	}
	r.Name = Normalize(name)
	switch r.Type {
	case TypeA:
		if n != 4 {
			return r, 0, false, bad("A record of %d bytes", n)
		}
		r.Addr = netip.AddrFrom4([4]byte(data))
	case TypeAAAA:
		if n != 16 {
			return r, 0, false, bad("AAAA record of %d bytes", n)
		}
		r.Addr = netip.AddrFrom16([16]byte(data))
	case TypeCNAME:
		target, tend, err := readName(b, off)
		if err != nil {
			return r, 0, false, err
		}
		if tend > end {
			return r, 0, false, bad("CNAME target past its record")
		}
		r.Target = Normalize(target)
	default:
		return r, end, false, nil
	}
	return r, end, true, nil
}

// readName reads the (possibly compressed) name at off in wire form and
// returns it dotted, as sent (not yet normalised), with the offset after
// it. Pointers must point before the label they are found at, at most
// MaxPointers of them; the name is at most 255 bytes in wire form.
func readName(b []byte, off int) (string, int, error) {
	var buf [maxNameWire]byte
	n, wire, end, jumps := 0, 0, -1, 0
	for {
		if off >= len(b) {
			return "", 0, bad("name past the end")
		}
		l := int(b[off])
		switch l & 0xc0 {
		case 0x00:
		case 0xc0:
			if off+1 >= len(b) {
				return "", 0, bad("short pointer")
			}
			ptr := int(binary.BigEndian.Uint16(b[off:]) & 0x3fff)
			if jumps++; jumps > MaxPointers || ptr >= off {
				return "", 0, bad("bad compression pointer")
			}
			if end < 0 {
				end = off + 2
			}
			off = ptr
			continue
		default:
			return "", 0, bad("label type %#x", l&0xc0)
		}
		if wire += l + 1; wire > maxNameWire {
			return "", 0, bad("name longer than 255 bytes")
		}
		if l == 0 {
			if end < 0 {
				end = off + 1
			}
			return string(buf[:n]), end, nil
		}
		if off+1+l > len(b) {
			return "", 0, bad("label past the end")
		}
		if n > 0 {
			buf[n] = '.'
			n++
		}
		for _, c := range b[off+1 : off+1+l] {
			if c == '.' {
				c = 0 // a dot inside a label: not a host name (Normalize refuses NUL)
			}
			buf[n] = c
			n++
		}
		off += 1 + l
	}
}
