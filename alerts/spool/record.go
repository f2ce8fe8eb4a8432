package spool

import (
	"encoding/binary"
	"hash/crc32"
	"sync"
)

// A record on disk: magic, payload length, CRC-32C (Castagnoli) over the
// length's four bytes and the payload, then the payload. Little endian.
const magic uint32 = 0x31574649 // "IFW1"

const headerLen = 12

// castagnoli is the CRC-32C table, made on first use: every command of the
// binary runs the package's initialization, and most never touch a spool.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// appendRecord appends p as one record to buf.
func appendRecord(buf, p []byte) []byte {
	var h [headerLen]byte
	binary.LittleEndian.PutUint32(h[0:], magic)
	binary.LittleEndian.PutUint32(h[4:], uint32(len(p)))
	crc := crc32.Update(crc32.Checksum(h[4:8], castagnoli()), castagnoli(), p)
	binary.LittleEndian.PutUint32(h[8:], crc)
	return append(append(buf, h[:]...), p...)
}

// recordAt returns the payload of the record at b[0:] and its whole size,
// or ok false when no intact record starts there (a torn or damaged one).
func recordAt(b []byte, maxRecord int) (p []byte, size int, ok bool) {
	if len(b) < headerLen || binary.LittleEndian.Uint32(b) != magic {
		return nil, 0, false
	}
	n := binary.LittleEndian.Uint32(b[4:])
	if uint64(n) > uint64(maxRecord) || uint64(n) > uint64(len(b)-headerLen) {
		return nil, 0, false
	}
	p = b[headerLen : headerLen+int(n)]
	crc := crc32.Update(crc32.Checksum(b[4:8], castagnoli()), castagnoli(), p)
	if crc != binary.LittleEndian.Uint32(b[8:]) {
		return nil, 0, false
	}
	return p, headerLen + int(n), true
}

// scan calls rec for every intact record of b in order, with its offset
// in b and the offset just past it, and damaged for every span of bytes
// that holds none (a torn tail, flipped bits): the next intact record
// after damage is found by its magic and CRC, so damage loses only the
// records it touched. The payloads alias b.
func scan(b []byte, maxRecord int, rec func(off, end int, p []byte), damaged func(off, n int)) {
	bad := -1 // start of the damaged span under way
	for off := 0; off < len(b); {
		p, size, ok := recordAt(b[off:], maxRecord)
		if !ok {
			if bad < 0 {
				bad = off
			}
			off++
			continue
		}
		if bad >= 0 {
			damaged(bad, off-bad)
			bad = -1
		}
		rec(off, off+size, p)
		off += size
	}
	if bad >= 0 {
		damaged(bad, len(b)-bad)
	}
}
