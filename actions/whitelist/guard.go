package whitelist

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/netip"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// Guard holds the never-block list and answers Check. Check is safe to call
// from any goroutine at any time, also during Load, Add and Del.
type Guard struct {
	cfg     Config
	log     *slog.Logger
	facts   FactsFunc
	resolve Resolver

	mu   sync.Mutex // serialises Load, Add and Del
	snap atomic.Pointer[snapshot]
}

// Option changes how a Guard reaches the system (tests).
type Option func(*Guard)

// WithFacts replaces NetlinkFacts(nil).
func WithFacts(f FactsFunc) Option { return func(g *Guard) { g.facts = f } }

// WithResolver replaces the system resolver.
func WithResolver(r Resolver) Option { return func(g *Guard) { g.resolve = r } }

// New makes a Guard; it refuses every block until Load succeeds.
func New(cfg Config, log *slog.Logger, opts ...Option) (*Guard, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	g := &Guard{cfg: cfg.withDefaults(), log: log, facts: NetlinkFacts(nil), resolve: systemResolver}
	for _, o := range opts {
		o(g)
	}
	return g, nil
}

// Check returns nil when p may be blocked, else a *RefusedError. trusted
// says whether the evidence came from a transport only the kernel writes
// (or from the admin); untrusted evidence is also kept out of home_net.
func (g *Guard) Check(p netip.Prefix, trusted bool) error {
	if !p.IsValid() {
		return &RefusedError{Prefix: p, Why: ReasonInvalid}
	}
	s := g.snap.Load()
	if s == nil {
		return &RefusedError{Prefix: p, Why: ReasonNotLoaded}
	}
	return s.check(p, trusted)
}

// Load reads the interfaces, routes, DNS servers and the whitelist file
// again, resolves its host names, and swaps the new list in. On error the
// previous list stays.
func (g *Guard) Load(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.load(ctx)
}

func (g *Guard) load(ctx context.Context) error {
	facts, err := g.facts(ctx)
	if err != nil {
		return fmt.Errorf("whitelist: reading the host's addresses and routes: %w", err)
	}
	dns, warnings, err := readResolvConf(g.cfg.ResolvConf)
	if err != nil {
		return fmt.Errorf("whitelist: %w", err)
	}
	for _, w := range warnings {
		g.log.Warn("whitelist: " + w)
	}
	_, entries, err := g.readFile()
	if err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, g.cfg.ResolveTimeout)
	defer cancel()
	resolveHosts(rctx, g.resolve, entries, g.snap.Load().hostAddrs())
	for _, e := range entries {
		if e.Err != "" {
			g.log.Warn("whitelist: host name did not resolve; tried again at the next load",
				"file", g.cfg.File, "line", e.Line, "host", e.Text, "error", e.Err, "kept", len(e.Prefixes))
		}
	}
	s := buildSnapshot(snapshotInput{facts: facts, dns: dns, entries: entries, file: g.cfg.File, homeNet: g.cfg.HomeNet})
	g.snap.Store(s)
	g.log.Info("never-block list loaded", "protected", len(s.always.items), "untrusted_only", len(s.untrusted.items),
		"whitelist_entries", len(entries), "home_net_default", len(g.cfg.HomeNet) == 0)
	return nil
}

// readFile reads and parses the whitelist file; a missing file is empty.
func (g *Guard) readFile() ([]byte, []Entry, error) {
	data, err := readLimited(g.cfg.File)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("whitelist: %w", err)
	}
	entries, err := Parse(g.cfg.File, data)
	if err != nil {
		return nil, nil, fmt.Errorf("whitelist: %w", err)
	}
	return data, entries, nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxFileSize)
	}
	return data, nil
}

// Entries lists the whitelist file's entries as of the last Load, host
// names with the addresses they resolved to.
func (g *Guard) Entries() []Entry {
	s := g.snap.Load()
	if s == nil {
		return nil
	}
	out := slices.Clone(s.entries)
	for i := range out {
		out[i].Prefixes = slices.Clone(out[i].Prefixes)
	}
	return out
}

// Protected lists the whole never-block list as of the last Load, in the
// order Check names reasons; entries with UntrustedOnly protect only from
// untrusted evidence.
func (g *Guard) Protected() []Protected {
	s := g.snap.Load()
	if s == nil {
		return nil
	}
	return s.protected()
}

// File is the whitelist file's path.
func (g *Guard) File() string { return g.cfg.File }
