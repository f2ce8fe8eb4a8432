package analyze

import (
	"bytes"
	"errors"
	"io"
)

// chunkSize is how much of an input one chunk holds: well above the
// longest line (logline.MaxLineLen), small enough that the chunks in flight
// stay a few MiB.
const chunkSize = 256 << 10

// chunker cuts an input into chunks of whole lines, each at most size
// bytes; a line that does not fit in one (over size, so over the longest
// line kept) is dropped whole and counted in the next chunk's longBefore.
// In a journal export (`journalctl -o export`: an entry's fields are on
// lines of their own, before its MESSAGE=) it cuts between entries where
// it can, so a message keeps its entry's time and host.
type chunker struct {
	r     io.Reader
	size  int
	carry []byte // the start of a line the last chunk did not end
	eof   bool
}

func newChunker(r io.Reader, size int) *chunker {
	return &chunker{r: r, size: size}
}

// next fills buf (cap size) with the next whole lines and returns them
// with the overlong lines dropped just before them; io.EOF when the input
// is done.
func (k *chunker) next(buf []byte) ([]byte, int, error) {
	long := 0
	for {
		if k.eof && len(k.carry) == 0 {
			if long > 0 {
				return buf[:0], long, nil
			}
			return nil, 0, io.EOF
		}
		buf = append(buf[:0], k.carry...)
		k.carry = k.carry[:0]
		n, err := k.fill(buf)
		if err != nil {
			return nil, 0, err
		}
		buf = buf[:n]
		if k.eof {
			return buf, long, nil
		}
		at := cutAt(buf)
		if at > 0 {
			k.carry = append(k.carry, buf[at:]...)
			return buf[:at], long, nil
		}
		// No line ends in a full chunk: drop the line.
		long++
		if err := k.skipLine(buf[:cap(buf)]); err != nil {
			return nil, 0, err
		}
	}
}

// fill reads into buf's spare capacity until it is full or the input
// ends, and returns the bytes held.
func (k *chunker) fill(buf []byte) (int, error) {
	n := len(buf)
	buf = buf[:cap(buf)]
	for n < len(buf) && !k.eof {
		m, err := k.r.Read(buf[n:])
		n += m
		switch {
		case errors.Is(err, io.EOF):
			k.eof = true
		case err != nil:
			return 0, err
		}
	}
	return n, nil
}

// skipLine reads on, through scratch, past the next newline, keeping what
// follows it.
func (k *chunker) skipLine(scratch []byte) error {
	for !k.eof {
		n, err := k.fill(scratch[:0])
		if err != nil {
			return err
		}
		if i := bytes.IndexByte(scratch[:n], '\n'); i >= 0 {
			k.carry = append(k.carry, scratch[i+1:n]...)
			return nil
		}
	}
	return nil
}

// cutAt is where a full chunk ends: after its last line, or, in a journal
// export, after its last entry when it holds one; 0 when no line ends.
func cutAt(b []byte) int {
	if exportFormat(b) {
		if i := bytes.LastIndex(b, []byte("\n\n")); i >= 0 {
			return i + 2
		}
	}
	return bytes.LastIndexByte(b, '\n') + 1
}

// exportFormat reports whether b looks like `journalctl -o export`.
func exportFormat(b []byte) bool {
	return bytes.HasPrefix(b, []byte("__")) || bytes.Contains(b, []byte("\n__CURSOR=")) ||
		bytes.Contains(b, []byte("\n__REALTIME_TIMESTAMP="))
}

// eachLine calls f with each line of b, its newline included; the last
// one may lack it (the end of the input).
func eachLine(b []byte, f func(line []byte)) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n') + 1
		if i == 0 {
			i = len(b)
		}
		f(b[:i])
		b = b[i:]
	}
}
