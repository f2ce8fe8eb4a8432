package analyze

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// input is one log to read: a file (gzip-compressed or not) or stdin.
type input struct {
	name  string
	r     io.Reader
	size  int64     // size on disk, 0 when unknown
	read  *counter  // bytes read from disk so far, for progress
	mtime time.Time // reference for year-less dates
	close func() error
}

// openInput opens path ("-" is stdin), unwrapping gzip by its magic bytes.
func openInput(path string, stdin io.Reader) (*input, error) {
	in := &input{name: path, mtime: time.Now(), close: func() error { return nil }, read: &counter{r: stdin}}
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		in.size, in.mtime, in.close, in.read.r = st.Size(), st.ModTime(), f.Close, f
	}
	br := bufio.NewReaderSize(in.read, 1<<20)
	magic, _ := br.Peek(2)
	if !bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		in.r = br
		return in, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		in.close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	in.r = zr
	return in, nil
}

// direct is in's reader without the buffer of a plain file: the bytes
// buffered so far, then the file itself, so that a reader filling large
// buffers of its own (the chunker) does not copy every byte twice. It
// replaces in.r: read in only through it from then on.
func (in *input) direct() io.Reader {
	br, ok := in.r.(*bufio.Reader)
	if !ok {
		return in.r
	}
	held, _ := br.Peek(br.Buffered())
	in.r = io.MultiReader(bytes.NewReader(held), in.read)
	return in.r
}

// lineReader yields lines without allocating; a line longer than max is
// reported as too long and skipped whole.
type lineReader struct {
	br      *bufio.Reader
	max     int
	tooLong bool
}

// newLineReader reads in's lines; a plain file's reader is buffered enough
// already (openInput), so its buffer is read in place.
func newLineReader(in *input, max int) *lineReader {
	if br, ok := in.r.(*bufio.Reader); ok && br.Size() >= 2*max {
		return &lineReader{br: br, max: max}
	}
	return &lineReader{br: bufio.NewReaderSize(in.r, 2*max), max: max}
}

// next returns the next line (valid until the following call) or io.EOF.
func (l *lineReader) next() ([]byte, error) {
	line, err := l.br.ReadSlice('\n')
	l.tooLong = false
	if errors.Is(err, bufio.ErrBufferFull) {
		l.tooLong = true
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = l.br.ReadSlice('\n')
		}
		if err == io.EOF {
			err = nil
		}
		return nil, err
	}
	if err == io.EOF && len(line) > 0 {
		err = nil
	}
	if l.tooLong = len(line) > l.max; l.tooLong {
		return nil, err
	}
	return line, err
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
