package logfile

import "github.com/ifw/ifw/sources/logline"

// tailLen is how many bytes before the position are kept to recognise the
// same content again (a copytruncate copy, a file rewritten in place).
const tailLen = 128

// verdict is what became of a line ending.
type verdict uint8

const (
	whole    verdict = iota // a complete line to hand on
	overlong                // a line longer than logline.MaxLineLen: count it
	skipped                 // the end of a line already counted as overlong
)

// splitter assembles lines that span reads. It holds at most
// logline.MaxLineLen bytes of an unfinished line; a longer one is dropped up
// to its newline.
type splitter struct {
	part     []byte // the unfinished line so far
	skipping bool   // dropping an overlong line up to its newline
	tail     []byte // the last bytes before the last line end
}

// complete ends the line whose last piece (without its newline) is piece.
// The line it returns is valid until the next call.
func (s *splitter) complete(piece []byte) ([]byte, verdict) {
	if s.skipping {
		s.skipping = false
		return nil, skipped
	}
	if len(s.part) == 0 {
		if len(piece) > logline.MaxLineLen {
			return nil, overlong
		}
		return piece, whole
	}
	s.addTail(s.part)
	if len(s.part)+len(piece) > logline.MaxLineLen {
		s.part = s.part[:0]
		return nil, overlong
	}
	line := append(s.part, piece...)
	s.part = s.part[:0]
	return line, whole
}

// hold keeps rest, the start of a line whose newline has not come yet. It
// reports true when rest made that line overlong (count it once).
func (s *splitter) hold(rest []byte) bool {
	if s.skipping || len(rest) == 0 {
		return false
	}
	if len(s.part)+len(rest) > logline.MaxLineLen {
		s.part, s.skipping, s.tail = s.part[:0], true, s.tail[:0]
		return true
	}
	s.part = append(s.part, rest...)
	return false
}

// addTail appends b, the bytes just read up to a line end, to the tail.
func (s *splitter) addTail(b []byte) {
	if len(b) >= tailLen {
		s.tail = append(s.tail[:0], b[len(b)-tailLen:]...)
		return
	}
	if over := len(s.tail) + len(b) - tailLen; over > 0 {
		s.tail = s.tail[:copy(s.tail, s.tail[over:])]
	}
	s.tail = append(s.tail, b...)
}

// reset forgets everything; it reports whether an unfinished line (not
// already counted as overlong) was dropped.
func (s *splitter) reset() bool {
	dropped := len(s.part) > 0
	s.part, s.skipping, s.tail = s.part[:0], false, s.tail[:0]
	return dropped
}
