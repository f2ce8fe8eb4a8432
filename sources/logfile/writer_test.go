package logfile

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"sync"
	"time"
)

// syslogWriter writes numbered lines to a file as rsyslog does: through an
// O_APPEND descriptor it keeps until told to reopen the path (HUP).
type syslogWriter struct {
	mu       sync.Mutex // held by a copytruncate: the writer waits
	path     string
	f        *os.File
	next     int       // the next sequence number
	reopenAt time.Time // when to reopen the path; zero: not asked
	rnd      *rand.Rand
}

func newSyslogWriter(path string) (*syslogWriter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return &syslogWriter{path: path, f: f, rnd: rand.New(rand.NewPCG(1, 2))}, nil
}

// maxBatch bounds the lines one writeUpTo writes. A writer that fell
// behind its rate (a loaded machine, the race detector) catches up one
// batch at a time: an unbounded batch took longer to build than the time it
// covered, so each was bigger than the last and the writer held mu (and
// put off its reopen) for minutes.
const maxBatch = 1000

// writeUpTo writes the lines up to (not including) n, at most maxBatch of
// them, split in two writes at a random byte so that the reader sees a
// partial line. The text is built before mu is taken.
func (w *syslogWriter) writeUpTo(n int) error {
	from := w.written() // only this goroutine moves next
	n = min(n, from+maxBatch)
	var b []byte
	if n > from {
		b = []byte(lines(from, n))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.maybeReopen(); err != nil {
		return err
	}
	if len(b) == 0 {
		return nil
	}
	cut := w.rnd.IntN(len(b))
	if _, err := w.f.Write(b[:cut]); err != nil {
		return err
	}
	if _, err := w.f.Write(b[cut:]); err != nil {
		return err
	}
	w.next = n
	return nil
}

func (w *syslogWriter) maybeReopen() error {
	if w.reopenAt.IsZero() || time.Now().Before(w.reopenAt) {
		return nil
	}
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_ = w.f.Close()
	w.f, w.reopenAt = f, time.Time{}
	return nil
}

// hup asks the writer to reopen the path after delay.
func (w *syslogWriter) hup(delay time.Duration) {
	w.mu.Lock()
	w.reopenAt = time.Now().Add(delay)
	w.mu.Unlock()
}

// reopened reports whether no reopen is pending.
func (w *syslogWriter) reopened() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reopenAt.IsZero()
}

func (w *syslogWriter) written() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.next
}

func (w *syslogWriter) close() { _ = w.f.Close() }

// shift renames path.1 to path.2, as logrotate with rotate 2 does first.
func shift(path string) error {
	if err := os.Rename(path+".1", path+".2"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// rotateRename is logrotate's default: rename, create, HUP; the writer
// keeps appending to the old file until it reopens.
func rotateRename(w *syslogWriter, reopenDelay time.Duration) error {
	if err := shift(w.path); err != nil {
		return err
	}
	if err := os.Rename(w.path, w.path+".1"); err != nil {
		return err
	}
	f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_ = f.Close()
	w.hup(reopenDelay)
	return nil
}

// rotateCopyTruncate is logrotate's copytruncate with the writer held still
// between the copy and the truncate, so that no line falls between them.
func rotateCopyTruncate(w *syslogWriter) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := shift(w.path); err != nil {
		return err
	}
	data, err := os.ReadFile(w.path)
	if err != nil {
		return err
	}
	if err := os.WriteFile(w.path+".tmp", data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(w.path+".tmp", w.path+".1"); err != nil {
		return err
	}
	return os.Truncate(w.path, 0)
}
