package spool

import (
	"encoding/binary"
	"hash/crc32"

	"golang.org/x/sys/unix"
)

// ackName is the file that says how far the oldest segment was delivered:
// its sequence number, the offset past the last delivered record and how
// many records that was, with a CRC. A damaged or missing one means from
// the start (a resend, which the receiver makes harmless).
const (
	ackName = "ack"
	ackLen  = 28
)

type ackState struct {
	seq   uint64
	off   int64
	count int
}

func (s *Spool) readAck() ackState {
	b, _, err := s.dir.readAll(ackName, ackLen)
	if err != nil || len(b) != ackLen {
		return ackState{}
	}
	if crc32.Checksum(b[:24], castagnoli()) != binary.LittleEndian.Uint32(b[24:]) {
		s.log.Warn("spool: ack file damaged; the oldest segment is delivered from its start")
		return ackState{}
	}
	a := ackState{seq: binary.LittleEndian.Uint64(b), off: int64(binary.LittleEndian.Uint64(b[8:]))}
	if a.off < 0 {
		return ackState{}
	}
	return a // count is recounted from the segment
}

// writeAck records s.ack; a failure costs a resend after a restart, no
// more, and is logged.
func (s *Spool) writeAck() {
	var b [ackLen]byte
	binary.LittleEndian.PutUint64(b[0:], s.ack.seq)
	binary.LittleEndian.PutUint64(b[8:], uint64(s.ack.off))
	binary.LittleEndian.PutUint64(b[16:], uint64(s.ack.count))
	binary.LittleEndian.PutUint32(b[24:], crc32.Checksum(b[:24], castagnoli()))
	f, err := s.dir.open(ackName, unix.O_RDWR|unix.O_CREAT)
	if err == nil {
		_, err = f.WriteAt(b[:], 0)
		if err == nil && !s.cfg.NoSync {
			err = f.Sync()
		}
		f.Close()
	}
	if err != nil {
		s.log.Error("spool: delivery position not saved; a restart resends some records", "err", err)
	}
}
