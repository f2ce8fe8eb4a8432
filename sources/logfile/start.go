package logfile

import (
	"errors"
	"io/fs"
	"os"
)

// begin opens the file where this Run starts: at Position (Config.Start or
// where an earlier Run stopped), else at the end of the file on a first
// run (its start with FromStart), else at offset 0 of a file that appeared
// since an earlier Run looked for it.
func (r *run) begin() error {
	first := !r.s.looked.Swap(true)
	if from := r.s.Position(); !from.IsZero() {
		return r.resume(from)
	}
	t, fi, err := openTracked(r.cfg.Path)
	if errors.Is(err, fs.ErrNotExist) {
		r.missing()
		return nil
	}
	if err != nil {
		return err
	}
	var off int64
	if first && !r.cfg.FromStart {
		off = fi.Size()
	}
	return r.adopt(t, fi, off)
}

// resume continues at from. If the path holds another file now, the old one
// is looked for among the rotated names and finished first.
func (r *run) resume(from Offset) error {
	t, fi, err := openTracked(r.cfg.Path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if t != nil && t.holds(from) {
		return r.adoptAt(t, fi, from.Offset)
	}
	if t != nil && t.id == from.id() {
		r.log.Warn("the file at the path has the saved inode number but not its first bytes: a new file (or rewritten while stopped); reading it from the start",
			"id", from.id(), "offset", from.Offset)
		return r.adopt(t, fi, 0)
	}
	old, oldInfo := r.findID(from)
	if old == nil {
		r.log.Warn("the saved file is gone and not among the rotated names; lines written to it after the saved offset are lost",
			"id", from.id(), "offset", from.Offset, "rotated", r.cfg.Rotated)
		if t == nil {
			r.missing()
			return nil
		}
		return r.adopt(t, fi, 0)
	}
	r.log.Info("rotated while stopped; finishing the old file first", "file", old.name, "offset", from.Offset)
	if err := r.adoptAt(old, oldInfo, from.Offset); err != nil {
		if t != nil {
			t.close()
		}
		return err
	}
	if t != nil {
		r.queue = append(r.queue, t)
	}
	return nil
}

// adoptAt adopts t at a saved offset, or at 0 when the file is now shorter
// (truncated while ifw was stopped).
func (r *run) adoptAt(t *tracked, fi os.FileInfo, off int64) error {
	if fi.Size() < off {
		r.log.Warn("file shorter than the saved offset; reading it from the start",
			"file", t.name, "offset", off, "size", fi.Size())
		off = 0
	}
	return r.adopt(t, fi, off)
}

// findID opens the rotated name that holds the file of from, if any.
func (r *run) findID(from Offset) (*tracked, os.FileInfo) {
	for _, name := range r.cfg.Rotated {
		t, fi, err := openTracked(name)
		if err != nil {
			continue
		}
		if t.holds(from) {
			return t, fi
		}
		t.close()
	}
	return nil, nil
}
