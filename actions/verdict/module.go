package verdict

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict/procs"
	"github.com/ifw/ifw/actions/verdict/rules"
)

// Packet is a queued packet waiting for its verdict.
type Packet struct {
	ID    uint32
	Tuple procs.Tuple
	// UID and GID of the sending socket, from the queue (HasUID false when
	// the kernel gave none, e.g. a packet without a local socket).
	UID, GID uint32
	HasUID   bool
	At       time.Time // when it was read from the queue

	sender *sender // who sent it, when the reader found out before a worker
}

// Kernel gives verdicts: the queue, or a fake in tests.
type Kernel interface {
	Verdict(id uint32, a rules.Action) error
}

// Owners finds the process behind a connection (a *procs.Finder).
type Owners interface {
	Lookup(t procs.Tuple) (procs.Owner, error)
}

// Asker shows questions on the owner's desktop (a *notify.Hub).
type Asker interface {
	Ask(q notify.Question) (eventID uint64, recipients int)
	Retract(eventID uint64)
}

// Names tells which names a destination address is known by, for a
// connection of uid (NoUID when unknown), from the DNS answers the host
// received, the most recently learned first (a *dnsnames.Learner).
type Names interface {
	Names(a netip.Addr, uid uint32, now time.Time) []string
}

// NoUID is the uid Names gets for a connection whose uid is unknown
// (dnsnames.NoUID).
const NoUID = ^uint32(0)

// Deps are what a Module works with. Rules is required; Owners nil means
// every process is unknown; Asker nil means questions are answered in a
// terminal only.
type Deps struct {
	Rules  *rules.Set
	Owners Owners
	Asker  Asker
	// Names, when set, gives the names of destinations: rules with host=
	// match them, and questions show the first.
	Names Names
	// OnDecision, when set, is called after every verdict (from several
	// goroutines; it must be quick).
	OnDecision func(Decision)
	// OnClosed, when set, is called when a question closes.
	OnClosed func(Closed)
	// OnAsked, when set, is called when a question opens (before it is
	// shown on its owner's desktop).
	OnAsked func(Question)
	// ReserveIDs, when set, hands out n question ids never handed out
	// before, also by an earlier run (the daemon keeps the high-water mark
	// in its store), and returns the first: an id from an old listing can
	// then never answer a new question after a restart. Unset, ids start
	// at 1 each run.
	ReserveIDs func(n uint64) (first uint64, err error)
}

// Module is the outbound verdict module; see the package documentation.
type Module struct {
	cfg   Config
	deps  Deps
	log   *slog.Logger
	qs    *questions
	seen  *recent   // verdicts of closed questions, by connection
	given givenRing // recent verdicts, for the management window
	users *userNames
	st    counters
	self  int          // our own PID: ifw never asks about itself
	busy  atomic.Int32 // workers deciding a packet now

	mu      sync.RWMutex // guards kernel and stopped
	kernel  Kernel       // set while serving
	stopped bool         // shutdown began: every packet gets the fail verdict
}

// New makes a module; log may be nil. Nothing is opened until Run.
func New(cfg Config, deps Deps, log *slog.Logger) (*Module, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Rules == nil {
		return nil, fmt.Errorf("%w: no rule set", ErrConfig)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	qs := newQuestions()
	qs.reserve, qs.log = deps.ReserveIDs, log
	return &Module{cfg: cfg.withDefaults(), deps: deps, log: log, qs: qs, seen: newRecent(), users: newUserNames(),
		self: os.Getpid()}, nil
}

// Config returns the module's configuration, defaults filled in.
func (m *Module) Config() Config { return m.cfg }

// Rules is the module's rule set.
func (m *Module) Rules() *rules.Set { return m.deps.Rules }

// Questions returns the open questions, oldest first.
func (m *Module) Questions() []Question { return m.qs.list() }

// failAction is the verdict when ifw cannot decide.
func (m *Module) failAction() rules.Action {
	if m.cfg.FailOpen {
		return rules.Allow
	}
	return rules.Deny
}

// serve decides the packets of jobs with workers until ctx ends, expires
// questions and rules, and on the way out gives every held and waiting
// packet the fail verdict.
func (m *Module) serve(ctx context.Context, k Kernel, jobs chan Packet) {
	m.mu.Lock()
	m.kernel, m.stopped = k, false
	m.mu.Unlock()
	var wg sync.WaitGroup
	for range m.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.work(ctx, k, jobs)
		}()
	}
	m.upkeep(ctx, k)
	wg.Wait()
	m.shutdown(k, jobs)
}

// work decides packets until ctx ends.
func (m *Module) work(ctx context.Context, k Kernel, jobs <-chan Packet) {
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-jobs:
			m.busy.Add(1)
			m.decide(k, p)
			m.busy.Add(-1)
		}
	}
}

// upkeep times out questions and expires rules until ctx ends.
func (m *Module) upkeep(ctx context.Context, k Kernel) {
	tick := time.NewTicker(min(m.cfg.AskTimeout/4, 100*time.Millisecond))
	defer tick.Stop()
	last := m.cfg.Clock()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := m.cfg.Clock()
		for _, h := range m.qs.expired(now) {
			m.close(k, h, m.cfg.Default, CauseTimeout)
		}
		m.showUnshown()
		if now.Sub(last) >= time.Second {
			last = now
			m.seen.expire(now)
			m.expireRules(now)
		}
	}
}

// expireRules removes the rules whose time is over, and rewrites the
// rules file when a timed one was in it.
func (m *Module) expireRules(now time.Time) {
	inFile := false
	for _, r := range m.deps.Rules.Expire(now) {
		m.log.Info("rule expired", "rule", r.ID, "line", r.String())
		inFile = inFile || r.Lifetime == rules.Timed
	}
	if inFile {
		if err := m.deps.Rules.Save(m.cfg.RulesFile); err != nil {
			m.log.Warn("rules file not rewritten after a timed rule expired", "err", err)
		}
	}
}

// shutdown gives every held and still waiting packet the fail verdict;
// packets that arrive later get it on arrival.
func (m *Module) shutdown(k Kernel, jobs chan Packet) {
	m.mu.Lock()
	m.stopped = true
	m.kernel = nil
	m.mu.Unlock()
	for _, h := range m.qs.takeIf(func(*held) bool { return true }) {
		m.close(k, h, m.failAction(), CauseShutdown)
	}
	for {
		select {
		case p := <-jobs:
			m.give(k, p, rules.Conn{}, m.failAction(), Decision{By: CauseShutdown})
		default:
			return
		}
	}
}

// kernelNow is the kernel of a running module.
func (m *Module) kernelNow() (Kernel, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.kernel == nil {
		return nil, ErrStopped
	}
	return m.kernel, nil
}

// submit queues p for a worker; when the backlog is full or shutdown
// began it gives the fail verdict at once, so that no packet is left
// without one.
func (m *Module) submit(k Kernel, jobs chan<- Packet, p Packet) {
	m.mu.RLock() // shutdown waits for it: nothing is queued after it
	cause := CauseShutdown
	if !m.stopped {
		select {
		case jobs <- p:
			m.mu.RUnlock()
			return
		default:
			cause = CauseOverflow
			m.st.overflow.Add(1)
		}
	}
	m.mu.RUnlock()
	m.give(k, p, rules.Conn{}, m.failAction(), Decision{By: cause})
}

// counters are the module's statistics.
type counters struct {
	packets, accepted, dropped, rejected       atomic.Uint64
	byRule, asked, merged, answered, timedOut  atomic.Uint64
	unknown, unreadable, overflow, verdictErrs atomic.Uint64
	lookupErrs, enobufs, readErrs              atomic.Uint64
	uidLimited                                 atomic.Uint64
	refusalLogged                              atomic.Int64 // unix ns of the last refusal logged
}
