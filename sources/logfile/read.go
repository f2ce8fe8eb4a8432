package logfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// readSize is the read buffer; drainBudget bounds one drain so that
// rotation and truncation are checked while a writer outpaces ifw.
const (
	readSize    = 128 << 10
	drainBudget = 1 << 20
)

// drain reads t to its end (or for drainBudget bytes) and hands on every
// complete line. It reports whether a step should follow at once: bytes
// may be left, or the file changed under the read (truncated and refilled
// between the check and the read; the next step's check handles it).
func (r *run) drain(ctx context.Context, t *tracked) (bool, error) {
	for n := 0; n < drainBudget; {
		k, err := t.f.ReadAt(r.buf, t.read)
		if k > 0 {
			if changed, err := t.rewritten(r.scratch[:]); changed || err != nil {
				return changed, err
			}
			t.lastData = time.Now()
			if err := r.feed(ctx, t, r.buf[:k]); err != nil {
				return false, err
			}
			n += k
		}
		switch {
		case errors.Is(err, io.EOF) || (err == nil && k == 0):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("read %s: %w", t.name, err)
		}
	}
	return true, nil
}

// feed splits chunk, read from t at t.read, into lines, hands them on, and
// keeps the unfinished rest. Position moves past each line handed on.
func (r *run) feed(ctx context.Context, t *tracked, chunk []byte) error {
	base, start := t.read, 0
	for {
		i := bytes.IndexByte(chunk[start:], '\n')
		if i < 0 {
			break
		}
		end := start + i
		if err := r.line(ctx, t, chunk[start:end]); err != nil {
			return err
		}
		start = end + 1
		t.pos = base + int64(start)
		r.s.setPosition(t.at(t.pos))
	}
	t.split.addTail(chunk[:start])
	if t.split.hold(chunk[start:]) {
		r.countBad(t, "line longer than the maximum, skipped")
	}
	t.read = base + int64(len(chunk))
	return nil
}

// line completes the line ending in piece and hands it to the parser.
func (r *run) line(ctx context.Context, t *tracked, piece []byte) error {
	line, v := t.split.complete(piece)
	switch v {
	case overlong:
		r.countBad(t, "line longer than the maximum, skipped")
		return nil
	case skipped:
		return nil
	}
	return r.parser.Feed(ctx, line, r.out, &r.s.stats, r.onMalformed)
}

// countBad counts a line that is dropped without parsing.
func (r *run) countBad(t *tracked, why string) {
	r.s.stats.Lines.Add(1)
	r.s.stats.Malformed.Add(1)
	r.log.Debug(why, "file", t.name, "offset", t.pos)
}

func (r *run) onMalformed(err error) {
	r.log.Debug("malformed firewall line", "err", err)
}
