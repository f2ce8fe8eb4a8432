package procs

import (
	"context"
	"time"
)

const (
	// warmQueue bounds the processes waiting to be read ahead.
	warmQueue = 256
	// warmPerSecond bounds the processes read ahead each second: a build
	// running thousands of programs a second costs the daemon little, and
	// does not push the pins of the processes that connect out of the
	// pinned directories' cache.
	warmPerSecond = 256
)

// warmer reads ahead the processes that just ran a program, off the
// verdict path: their first connection then finds them read and pinned,
// and costs a search of their descriptors only.
type warmer struct {
	pids chan int
}

func newWarmer() *warmer { return &warmer{pids: make(chan int, warmQueue)} }

// add queues pid unless the queue is full.
func (w *warmer) add(pid int) {
	select {
	case w.pids <- pid:
	default:
	}
}

// run calls read for each queued process, at most warmPerSecond a
// second, until ctx ends; the processes queued beyond are dropped.
func (w *warmer) run(ctx context.Context, read func(pid int)) {
	window, n := time.Now(), 0
	for {
		select {
		case <-ctx.Done():
			return
		case pid := <-w.pids:
			if now := time.Now(); now.Sub(window) >= time.Second {
				window, n = now, 0
			}
			if n >= warmPerSecond {
				continue
			}
			n++
			read(pid)
		}
	}
}

// prewarm reads and pins process pid, as a lookup would, and has procfs
// make the entry of its descriptor directory.
func (f *Finder) prewarm(pid int) {
	if !f.enter() {
		return
	}
	defer f.leave()
	s := f.bufs.Get().(*scratch)
	s.ahead = true
	defer func() { s.ahead = false; f.bufs.Put(s) }()
	if _, err := f.readProcess(pid, -1, s); err != nil {
		return // gone already, most often: its lookup reads it if need be
	}
	if d := f.dirs.get(pid); d != nil {
		// Procfs makes the descriptor directory's entry on first use:
		// made now, the first lookup reads the socket's link only.
		_, _ = d.readlink(fdNameZ(s.name[:], 0), s.fdl[:])
	}
	f.stats.prewarmed.Add(1)
}
