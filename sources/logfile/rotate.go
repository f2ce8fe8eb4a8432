package logfile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// maxQueue bounds the files found at the path while an older one is still
// being drained (rotations faster than Grace).
const maxQueue = 16

// checkPath queues the file now at the path when it is not the one being
// read (a rename rotation or a recreated file). It reports whether the path
// exists.
func (r *run) checkPath() (bool, error) {
	fi, err := os.Stat(r.cfg.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("stat %s: %w", r.cfg.Path, err)
	}
	if id, err := idOf(fi); err != nil || r.known(id) {
		return true, err
	}
	if len(r.queue) >= maxQueue {
		r.log.Warn("too many rotations waiting; not opening the newest yet", "queued", len(r.queue))
		return true, nil
	}
	t, _, err := openTracked(r.cfg.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return true, err
	case r.known(t.id):
		t.close()
		return true, nil
	}
	r.queue = append(r.queue, t)
	r.log.Info("new file at the path; finishing the old one first", "old", r.cur.name, "new", t.id)
	return true, nil
}

// known reports whether id is being read or queued.
func (r *run) known(id fileID) bool {
	if r.cur != nil && r.cur.id == id {
		return true
	}
	for _, t := range r.queue {
		if t.id == id {
			return true
		}
	}
	return false
}

// move is what to do with the file being read.
type move uint8

const (
	stay  move = iota
	next       // read the next queued file
	force      // read the next queued file even if the current one grows
	letGo      // the file was deleted and left idle: wait for a new one
)

// maybeMoveOn moves on when moveDue says so and one last read of the
// current file finds nothing new (the reader may have been descheduled
// since it last looked). It reports whether a step should follow at once.
func (r *run) maybeMoveOn(ctx context.Context, present bool) (bool, error) {
	m := r.moveDue(present)
	if m == stay {
		return false, nil
	}
	before := r.cur.read
	again, err := r.drain(ctx, r.cur)
	if err != nil || (m != force && (again || r.cur.read != before)) {
		return true, err
	}
	if m == letGo {
		r.log.Info("followed file deleted; waiting for a new one", "file", r.cur.name)
		r.leave(r.cur)
		r.cur = nil
		r.missing()
		return false, nil
	}
	t := r.queue[0]
	r.leave(r.cur)
	r.cur, r.queue = t, r.queue[1:]
	r.s.setPosition(t.at(t.pos))
	r.setClock(modTime(t))
	r.log.Info("reading the next file", "file", t.name, "id", t.id, "offset", t.pos)
	return true, nil
}

// moveDue decides from the clock: the next queued file once the current
// one has been idle for Grace since the new one appeared (a copy at once, a
// writer that never stops after DrainLimit); with nothing queued and the
// path gone, letting go of a deleted, idle file.
func (r *run) moveDue(present bool) move {
	t, now := r.cur, time.Now()
	if len(r.queue) == 0 {
		if !present && t.deletedAndIdle(r.cfg.Grace, now) {
			return letGo
		}
		return stay
	}
	n := r.queue[0]
	switch {
	case t.copy, now.Sub(later(t.lastData, n.seen)) >= r.cfg.Grace:
		return next
	case now.Sub(n.seen) >= r.cfg.DrainLimit:
		r.log.Warn("old file still written after the drain limit; moving on, lines written to it later are lost",
			"file", t.name, "limit", r.cfg.DrainLimit)
		return force
	}
	return stay
}

// leave closes t, counting an unfinished last line it held.
func (r *run) leave(t *tracked) {
	if t.split.reset() {
		r.s.stats.Lines.Add(1)
		r.s.stats.Malformed.Add(1)
		r.log.Warn("dropped an unfinished last line", "file", t.name, "offset", t.pos)
	}
	t.close()
}

// openNew opens a file that appeared at the path while none was being read;
// every line in it is new. It reports whether there is one.
func (r *run) openNew() (bool, error) {
	t, fi, err := openTracked(r.cfg.Path)
	if errors.Is(err, fs.ErrNotExist) {
		r.missing()
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if r.waiting {
		r.log.Info("file appeared")
	}
	return true, r.adopt(t, fi, 0)
}

// adopt makes t, opened with fi, the file being read, from off.
func (r *run) adopt(t *tracked, fi os.FileInfo, off int64) error {
	if err := t.seek(off); err != nil {
		t.close()
		return err
	}
	r.cur = t
	r.s.setPosition(t.at(t.pos))
	r.setClock(fi.ModTime())
	if r.waiting {
		r.waiting = false
		r.s.stats.SetError(nil)
	}
	return nil
}

// missing reports the missing file once per absence.
func (r *run) missing() {
	if r.waiting {
		return
	}
	r.waiting = true
	r.s.stats.SetError(&MissingError{Path: r.cfg.Path})
	r.log.Warn("file does not exist; waiting for it")
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func modTime(t *tracked) time.Time {
	if fi, err := t.f.Stat(); err == nil {
		return fi.ModTime()
	}
	return time.Time{}
}
