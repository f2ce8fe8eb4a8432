package verdict

import (
	"sync"
	"time"

	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// Remembered verdicts: a connection whose question closed keeps its
// verdict for a while, so that its retransmitted first packets (TCP sends
// the SYN again after 1, 3, 7… s; each is NEW to conntrack) get the same
// verdict at once instead of opening a new question.
const (
	recentTTL = 2 * time.Minute
	recentMax = 8192
)

type recentVerdict struct {
	action rules.Action
	until  time.Time
}

// recent is the table of remembered verdicts by connection.
type recent struct {
	mu sync.Mutex
	m  map[procs.Tuple]recentVerdict
}

func newRecent() *recent { return &recent{m: map[procs.Tuple]recentVerdict{}} }

// remember keeps a for t until now+recentTTL; a full table remembers
// nothing more until expire makes room.
func (r *recent) remember(t procs.Tuple, a rules.Action, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.m[t]; ok || len(r.m) < recentMax {
		r.m[t] = recentVerdict{action: a, until: now.Add(recentTTL)}
	}
}

// lookup is the remembered verdict of t.
func (r *recent) lookup(t procs.Tuple, now time.Time) (rules.Action, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[t]
	if !ok || now.After(v.until) {
		return 0, false
	}
	return v.action, true
}

// expire forgets the verdicts past their time.
func (r *recent) expire(now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for t, v := range r.m {
		if now.After(v.until) {
			delete(r.m, t)
		}
	}
}
