package logfile

import (
	"fmt"
	"os"
)

// checkTruncated detects that the file being read was truncated in place
// (copytruncate, "> file"): it is shorter than what was read, or the bytes
// before the position changed. It then reads the rest of logrotate's copy,
// when one is found, and the file again from offset 0. It reports whether
// it found a truncation.
func (r *run) checkTruncated() (bool, error) {
	t := r.cur
	if t.copy {
		return false, nil
	}
	fi, err := t.f.Stat()
	if err != nil {
		return false, fmt.Errorf("stat %s: %w", t.name, err)
	}
	r.advanceClock(fi.ModTime())
	if fi.Size() >= t.read {
		if changed, err := t.rewritten(r.scratch[:]); err != nil || !changed {
			return false, err
		}
	}
	r.truncated(t, fi.Size())
	return true, nil
}

// truncated restarts t at offset 0, after the rest of its copy if found.
func (r *run) truncated(t *tracked, size int64) {
	c := r.findCopy(t)
	r.log.Warn("file truncated; reading it again from the start",
		"file", t.name, "offset", t.pos, "size", size, "copy_found", c != nil)
	if t.split.reset() && c == nil {
		r.s.stats.Lines.Add(1)
		r.s.stats.Malformed.Add(1)
	}
	t.restart()
	if c == nil {
		r.s.setPosition(t.at(0))
		return
	}
	r.queue = append([]*tracked{t}, r.queue...)
	r.cur = c
	r.s.setPosition(c.at(c.pos))
}

// findCopy looks among the rotated names for the copy copytruncate made of
// t: a file that holds, just before t's position, the bytes read from t
// there. The copy is opened at that position.
func (r *run) findCopy(t *tracked) *tracked {
	if len(t.split.tail) == 0 {
		return nil
	}
	for _, name := range r.cfg.Rotated {
		c, fi, err := openTracked(name)
		if err != nil {
			continue
		}
		if r.isCopy(c, fi, t) {
			return c
		}
		c.close()
	}
	return nil
}

// isCopy positions c at t's position and checks its bytes before it.
func (r *run) isCopy(c *tracked, fi os.FileInfo, t *tracked) bool {
	if r.known(c.id) || fi.Size() < t.pos {
		return false
	}
	c.read, c.pos, c.copy = t.pos, t.pos, true
	c.split.addTail(t.split.tail)
	changed, err := c.rewritten(r.scratch[:])
	return err == nil && !changed
}
