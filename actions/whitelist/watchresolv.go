package whitelist

import (
	"context"
	"path/filepath"
	"slices"

	"github.com/fsnotify/fsnotify"
)

// watchResolvConf calls changed when a resolv.conf file of the guard's
// Config changes. Each file is watched itself (a write in place, also
// through a symbolic link or a bind mount) and through its directory (a
// file replaced by a rename, as resolvconf and systemd-resolved do, or
// created); after an event the file is watched again, as the new file it
// may be. Once watching, it calls changed once: a change between the
// last load and the watch is not missed. A file or directory that does not exist is watched through what
// exists; a failure to watch is counted and logged, and the change is
// then seen at the next netlink refresh only. It returns when ctx ends.
func (w *Watcher) watchResolvConf(ctx context.Context, changed func()) {
	var paths []string
	for _, p := range w.guard.cfg.ResolvConf {
		paths = append(paths, filepath.Clean(p))
	}
	if len(paths) == 0 {
		return
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		w.resolvErrs.Add(1)
		w.log.Error("resolv.conf changes not watched; DNS servers are read again at each network change only", "err", err)
		return
	}
	defer fw.Close()
	for _, p := range paths {
		if err := fw.Add(filepath.Dir(p)); err == nil {
			w.log.Debug("watching for DNS server changes", "dir", filepath.Dir(p))
		}
		_ = fw.Add(p) // a file that does not exist yet is seen through its directory
	}
	changed() // a change between the last load and the watch
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-fw.Events:
			if !ok {
				return
			}
			if !slices.Contains(paths, ev.Name) {
				continue
			}
			_ = fw.Add(ev.Name) // the file there now (gone: seen again through its directory)
			changed()
		case err, ok := <-fw.Errors:
			if !ok {
				return
			}
			w.resolvErrs.Add(1)
			w.log.Warn("watching resolv.conf", "err", err)
		}
	}
}
