package logfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// tracked is one open file being read (or queued to be read) by its inode,
// whatever name it has now.
type tracked struct {
	f        *os.File
	name     string // the name it was opened by
	id       fileID
	read     int64 // offset of the next read
	pos      int64 // offset just past the last complete line
	split    splitter
	lastData time.Time // when a read last returned bytes (or when opened)
	seen     time.Time // when it was found at the path
	copy     bool      // a copytruncate copy: nothing writes it
	head     uint64    // headSum of the first headLen bytes, once read
}

// openTracked opens name for reading. The error wraps fs.ErrNotExist when
// there is no such file.
func openTracked(name string) (*tracked, os.FileInfo, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("open: %w", err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s: %w", name, ErrNotRegular)
	}
	var id fileID
	if err == nil {
		id, err = idOf(fi)
	}
	if err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("open %s: %w", name, err)
	}
	now := time.Now()
	return &tracked{f: f, name: name, id: id, lastData: now, seen: now}, fi, nil
}

// at is t's Offset at pos.
func (t *tracked) at(pos int64) Offset {
	o := t.id.at(pos)
	switch {
	case pos < headLen:
		o.Head = headSum(t.f, pos)
	case t.head != 0:
		o.Head = t.head
	default:
		t.head = headSum(t.f, headLen)
		o.Head = t.head
	}
	return o
}

// holds reports whether t is the file of o, by its first bytes: the inode
// number alone may have been given to a new file since o was saved.
func (t *tracked) holds(o Offset) bool {
	if t.id != o.id() {
		return false
	}
	return o.Head == 0 || headSum(t.f, o.Offset) == o.Head
}

// restart reads t again from offset 0 (it was truncated).
func (t *tracked) restart() {
	t.read, t.pos, t.head = 0, 0, 0
}

// seek places reading at off, an offset saved earlier or the end of the
// file. When the byte before off is not a newline, off is inside a line
// and the rest of that line is skipped: it is never handed on in part.
func (t *tracked) seek(off int64) error {
	t.read, t.pos = off, off
	t.split.reset()
	if off == 0 {
		return nil
	}
	n := min(off, tailLen)
	buf := make([]byte, n)
	if _, err := t.f.ReadAt(buf, off-n); err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	if buf[n-1] != '\n' {
		t.split.skipping = true
		return nil
	}
	t.split.addTail(buf)
	return nil
}

// rewritten reports whether the bytes just before pos are no longer the
// ones read there: the file was truncated and written again.
func (t *tracked) rewritten(scratch []byte) (bool, error) {
	n := len(t.split.tail)
	if n == 0 {
		return false, nil
	}
	k, err := t.f.ReadAt(scratch[:n], t.pos-int64(n))
	if k < n {
		if err == nil || errors.Is(err, io.EOF) {
			return true, nil
		}
		return false, fmt.Errorf("read %s: %w", t.name, err)
	}
	return !bytes.Equal(scratch[:n], t.split.tail), nil
}

// deletedAndIdle reports whether the file has no name left and nothing has
// been read from it for idle.
func (t *tracked) deletedAndIdle(idle time.Duration, now time.Time) bool {
	fi, err := t.f.Stat()
	return err == nil && linksOf(fi) == 0 && now.Sub(t.lastData) >= idle
}

func (t *tracked) close() { _ = t.f.Close() }
