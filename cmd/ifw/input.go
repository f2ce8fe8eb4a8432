package main

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
	data  []byte    // the whole file, memory-mapped (nil: read r)
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
		if mapped(in, f, st) {
			return in, nil
		}
	}
	br := bufio.NewReaderSize(in.read, 256<<10)
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

// lineReader yields lines without allocating, from a mapped file or a
// reader; a line longer than max is reported as too long and skipped whole.
type lineReader struct {
	br      *bufio.Reader
	data    []byte
	done    *counter
	max     int
	tooLong bool
}

func newLineReader(in *input, max int) *lineReader {
	if in.data != nil {
		return &lineReader{data: in.data, done: in.read, max: max}
	}
	return &lineReader{br: bufio.NewReaderSize(in.r, 2*max), max: max}
}

// next returns the next line (valid until the following call) or io.EOF.
func (l *lineReader) next() ([]byte, error) {
	if l.br == nil {
		return l.nextMapped()
	}
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

// nextMapped cuts the next line off the mapped file.
func (l *lineReader) nextMapped() ([]byte, error) {
	if len(l.data) == 0 {
		return nil, io.EOF
	}
	var line []byte
	if i := bytes.IndexByte(l.data, '\n'); i >= 0 {
		line, l.data = l.data[:i+1], l.data[i+1:]
	} else {
		line, l.data = l.data, nil
	}
	l.done.n += int64(len(line))
	if l.tooLong = len(line) > l.max; l.tooLong {
		return nil, nil
	}
	return line, nil
}
