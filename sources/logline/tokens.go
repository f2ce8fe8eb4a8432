package logline

import (
	"encoding/binary"
	"math/bits"
)

// tokens splits the firewall part of a line at spaces.
type tokens struct {
	b []byte
	i int
}

const (
	ones   = 0x0101010101010101
	highs  = 0x8080808080808080
	spaces = 0x2020202020202020
	equals = 0x3d3d3d3d3d3d3d3d
)

// zeroBytes marks (with 0x80) the bytes of x that are zero; the lowest mark
// is exact, which is all that is used.
func zeroBytes(x uint64) uint64 { return (x - ones) &^ x & highs }

// next returns the next token and the offset of its first '=' (-1 when it
// has none), or nil at the end. It reads eight bytes at a time: tokens are
// short, so this beats both a byte loop and two IndexByte calls.
func (t *tokens) next() ([]byte, int) {
	b, i := t.b, t.i
	for i < len(b) && b[i] == ' ' {
		i++
	}
	start, eq := i, -1
	for ; i+8 <= len(b); i += 8 {
		v := binary.LittleEndian.Uint64(b[i:])
		sp := zeroBytes(v ^ spaces)
		if eq < 0 {
			if e := zeroBytes(v ^ equals); e != 0 && (sp == 0 || bits.TrailingZeros64(e) < bits.TrailingZeros64(sp)) {
				eq = i - start + bits.TrailingZeros64(e)/8
			}
		}
		if sp != 0 {
			i += bits.TrailingZeros64(sp) / 8
			return t.done(start, i, eq)
		}
	}
	for ; i < len(b) && b[i] != ' '; i++ {
		if b[i] == '=' && eq < 0 {
			eq = i - start
		}
	}
	return t.done(start, i, eq)
}

func (t *tokens) done(start, end, eq int) ([]byte, int) {
	t.i = end
	if start == end {
		return nil, -1
	}
	return t.b[start:end], eq
}

// word returns the next token, for callers that do not care about '='.
func (t *tokens) word() []byte {
	tok, _ := t.next()
	return tok
}

// peek returns the next token without consuming it.
func (t *tokens) peek() []byte {
	i := t.i
	tok := t.word()
	t.i = i
	return tok
}
