package ui

import (
	"sync"
	"time"
)

// liveCount counts the open pages (their event streams) and calls idle
// once none has been open for grace after the last one closed. Before the
// first page, it waits.
type liveCount struct {
	mu    sync.Mutex
	n     int
	gen   uint64 // bumped by every open and close: a stale timer does nothing
	grace time.Duration
	idle  func()
	timer *time.Timer
}

func newLiveCount(grace time.Duration, idle func()) *liveCount {
	return &liveCount{grace: grace, idle: idle}
}

func (l *liveCount) open() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	l.gen++
	l.stop()
}

func (l *liveCount) closed() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n--
	l.gen++
	if l.n == 0 {
		gen := l.gen
		l.timer = time.AfterFunc(l.grace, func() { l.fire(gen) })
	}
}

func (l *liveCount) fire(gen uint64) {
	l.mu.Lock()
	idle := l.n == 0 && l.gen == gen
	l.mu.Unlock()
	if idle {
		l.idle()
	}
}

// stop stops the timer; l.mu held.
func (l *liveCount) stop() {
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
}

func (l *liveCount) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen++
	l.stop()
}
