package logfile

import (
	"log/slog"
	"path/filepath"

	"github.com/fsnotify/fsnotify"
)

// watcher wakes the follower on inotify events in the directories of the
// path and its rotated names. A nil *watcher (inotify unavailable) never
// fires: the poll tick alone drives the follower.
type watcher struct {
	w     *fsnotify.Watcher
	evs   <-chan fsnotify.Event // nil once inotify stopped
	errs  <-chan error
	names map[string]bool // cleaned names whose events matter
}

func newWatcher(cfg Config, log *slog.Logger) *watcher {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		log.Warn("inotify unavailable, polling", "every", cfg.Poll, "err", err)
		return nil
	}
	wt := &watcher{w: w, evs: w.Events, errs: w.Errors, names: map[string]bool{}}
	added := 0
	for _, name := range append([]string{cfg.Path}, cfg.Rotated...) {
		name = filepath.Clean(name)
		wt.names[name] = true
		dir := filepath.Dir(name)
		if err := w.Add(dir); err != nil {
			log.Warn("cannot watch directory, polling it", "dir", dir, "every", cfg.Poll, "err", err)
			continue
		}
		added++
	}
	if added == 0 {
		_ = w.Close()
		return nil
	}
	return wt
}

func (w *watcher) events() <-chan fsnotify.Event {
	if w == nil {
		return nil
	}
	return w.evs
}

func (w *watcher) errors() <-chan error {
	if w == nil {
		return nil
	}
	return w.errs
}

// relevant reports whether ev concerns the path or a rotated name.
func (w *watcher) relevant(ev fsnotify.Event) bool {
	return w.names[filepath.Clean(ev.Name)]
}

// skipPending drops the events already queued: one step handles them all.
func (w *watcher) skipPending() {
	for range 1024 {
		select {
		case _, ok := <-w.evs:
			if !ok {
				return
			}
		default:
			return
		}
	}
}

// lost turns the watcher off after its channels closed.
func (w *watcher) lost(log *slog.Logger) {
	log.Warn("inotify stopped, polling")
	_ = w.w.Close()
	w.evs, w.errs = nil, nil
}

func (w *watcher) close() {
	if w != nil {
		_ = w.w.Close()
	}
}
