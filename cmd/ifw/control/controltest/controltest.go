package controltest

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/notify"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/actions/whitelist"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/alerts/report"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/polkit"
)

// Start runs a real control.Server on a temp socket over b (NewBackend
// when nil) and returns its socket; it stops with the test. The socket's
// group is the test's own, and polkit says yes: it runs without root.
func Start(t testing.TB, b *Backend) (string, *Backend) {
	t.Helper()
	dir, err := os.MkdirTemp("", "ifw-cli-") // short: a socket path has 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	g, err := user.LookupGroupId(strconv.Itoa(os.Getgid()))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ifw.sock")
	if b == nil {
		b = NewBackend()
	}
	if b.Feed == nil {
		b.Feed = control.NewFeed()
	}
	s, err := control.New(control.Config{Path: path, Group: g.Name, Authority: AllowAll{}, Feed: b.Feed}, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	for { // the socket is renamed into place once it listens
		if _, err := os.Stat(path); err == nil {
			return path, b
		}
		select {
		case <-w.Events:
		case err := <-w.Errors:
			t.Fatal(err)
		case err := <-done:
			t.Fatalf("the control server ended: %v", err)
		case <-time.After(time.Minute):
			t.Fatal("no control socket after a minute")
		}
	}
}

// AllowAll is a polkit that says yes (for a test run without root).
type AllowAll struct{}

// Check says yes.
func (AllowAll) Check(context.Context, polkit.Subject, string, bool) (polkit.Result, error) {
	return polkit.Result{Authorized: true}, nil
}

// Backend is a daemon with one open question (3, curl to port 443),
// no rules, one block (203.0.113.5) and one whitelist entry at the start.
// A part set Off answers as disabled; Events is the desktop hub, if any.
type Backend struct {
	BlockingOff, OutboundOff bool
	Events                   *notify.Hub
	// Feed is GET /v1/stream's feed (Start makes one when nil); a test
	// publishes to it what the daemon would.
	Feed *control.Feed
	// AlertList is the alert history, newest first (none at the start).
	AlertList []control.AlertRecord

	mu        sync.Mutex
	blocks    map[netip.Prefix]alerts.Block
	whitelist []whitelist.Entry
	rules     []rules.Entry
	nextRule  uint64
	question  verdict.Question
	auto      control.AutoBlock // the automatic-blocking switch (autoblock.go)
}

// NewBackend is the Backend at its start.
func NewBackend() *Backend {
	now := time.Now()
	p := netip.MustParsePrefix("203.0.113.5/32")
	return &Backend{
		blocks: map[netip.Prefix]alerts.Block{p: {ID: 1, Prefix: p, Family: 4, Reason: "port scan", Level: 3,
			Source: alerts.BlockAuto, Created: now, Expires: now.Add(time.Hour)}},
		whitelist: []whitelist.Entry{{Text: "backup.example.org", Line: 1, Host: true, Comment: "nightly\tbackups",
			Prefixes: []netip.Prefix{netip.MustParsePrefix("192.0.2.10/32")}}},
		nextRule: 1,
		question: verdict.Question{ID: 3, UID: 1000, User: "al", PID: 42, Exe: "/usr/bin/curl",
			Dst: netip.MustParseAddr("198.51.100.9"), Port: 443, Proto: "tcp", Connections: 1, Packets: 2,
			Asked: now, Deadline: now.Add(30 * time.Second), Default: "drop"},
	}
}

// Status is a daemon's status with nothing in it.
func (b *Backend) Status(context.Context) (*control.Status, error) {
	return &control.Status{Host: "test", Config: "/etc/ifw/ifw.conf", Started: time.Now()}, nil
}

// Alerts filters AlertList as the store would.
func (b *Backend) Alerts(_ context.Context, q alerts.Query) ([]control.AlertRecord, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []control.AlertRecord{}
	for _, a := range b.AlertList {
		switch {
		case q.Limit > 0 && len(out) == q.Limit:
			return out, nil
		case !q.Since.IsZero() && a.Time.Before(q.Since), a.Level < q.MinLevel, q.Src.IsValid() && a.Src != q.Src,
			q.BeforeID > 0 && a.ID >= q.BeforeID, q.Host != "" && a.Host != q.Host:
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// Report is the report of an empty store: the period, no attackers.
func (b *Backend) Report(_ context.Context, opts report.Options) (*report.Report, error) {
	opts.Host = "test"
	return report.FromAnalysis(nil, nil, opts)
}

// Blocking is the fake blocking module, nil when BlockingOff.
func (b *Backend) Blocking() control.Blocking {
	if b.BlockingOff {
		return nil
	}
	return fakeBlocking{b}
}

// Outbound is the fake outbound module, nil when OutboundOff.
func (b *Backend) Outbound() control.Outbound {
	if b.OutboundOff {
		return nil
	}
	return fakeOutbound{b}
}

// Hub is Events.
func (b *Backend) Hub() *notify.Hub { return b.Events }

type fakeBlocking struct{ *Backend }

func (b fakeBlocking) List(context.Context) ([]block.Active, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []block.Active
	for _, blk := range b.blocks {
		out = append(out, block.Active{Block: blk, RemainingSeconds: int64(time.Until(blk.Expires).Seconds())})
	}
	return out, nil
}

func (b fakeBlocking) Block(_ context.Context, r block.Request) (alerts.Block, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	blk := alerts.Block{ID: int64(len(b.blocks) + 1), Prefix: r.Prefix, Family: 4, Reason: r.Reason, Source: r.Source, Created: now}
	switch {
	case r.For == block.Forever:
	case r.For == 0:
		blk.Expires = now.Add(time.Hour) // the policy's
	default:
		blk.Expires = now.Add(r.For)
	}
	b.blocks[r.Prefix] = blk
	return blk, nil
}

func (b fakeBlocking) Unblock(_ context.Context, p netip.Prefix) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.blocks[p]; !ok {
		return fmt.Errorf("%w: %s", block.ErrNotBlocked, p)
	}
	delete(b.blocks, p)
	return nil
}

func (b fakeBlocking) Flush(context.Context) ([]netip.Prefix, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := []netip.Prefix{}
	for p := range b.blocks {
		out = append(out, p)
	}
	clear(b.blocks)
	return out, nil
}

func (b fakeBlocking) ReloadBulk(context.Context) (block.BulkStats, error) {
	return block.BulkStats{Files: 1, Entries: 3, Duplicates: 1, Loaded4: 2, Took: 12 * time.Millisecond}, nil
}

func (b fakeBlocking) Whitelist() control.Whitelist {
	b.mu.Lock()
	defer b.mu.Unlock()
	return control.Whitelist{File: "/etc/ifw/whitelist", Entries: append([]whitelist.Entry(nil), b.whitelist...)}
}

func (b fakeBlocking) WhitelistAdd(_ context.Context, entry, comment string, _ bool) (control.WhitelistAdded, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, err := control.ParsePrefix(entry)
	if err != nil {
		return control.WhitelistAdded{}, fmt.Errorf("%w: %v", whitelist.ErrSyntax, err)
	}
	b.whitelist = append(b.whitelist, whitelist.Entry{Text: entry, Comment: comment, Prefixes: []netip.Prefix{p}})
	res := control.WhitelistAdded{Added: entry, File: "/etc/ifw/whitelist", Prefixes: []netip.Prefix{p}}
	if _, ok := b.blocks[p]; ok {
		delete(b.blocks, p)
		res.Unblocked = []netip.Prefix{p}
	}
	return res, nil
}

func (b fakeBlocking) WhitelistDel(entry string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, e := range b.whitelist {
		if e.Text == entry {
			b.whitelist = append(b.whitelist[:i], b.whitelist[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("%w: %s", whitelist.ErrNotFound, entry)
}

type fakeOutbound struct{ *Backend }

func (o fakeOutbound) Questions() []verdict.Question { return []verdict.Question{o.question} }

// Verdicts is two verdicts: curl's (uid 1000) and root's ping.
func (o fakeOutbound) Verdicts() []verdict.Given {
	now := time.Now()
	return []verdict.Given{
		{At: now, UID: 1000, User: "al", Exe: "/usr/bin/curl", Dst: netip.MustParseAddr("198.51.100.9"), Port: 443,
			Proto: "tcp", Verdict: rules.Deny, Why: verdict.CauseAnswer, Count: 2},
		{At: now.Add(-time.Minute), UID: 0, User: "root", Exe: "/usr/bin/ping", Dst: netip.MustParseAddr("192.0.2.1"),
			Proto: "icmp", Verdict: rules.Allow, Why: verdict.CauseMode, Count: 1},
	}
}

func (o fakeOutbound) Rules() []rules.Entry {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]rules.Entry(nil), o.rules...)
}

func (o fakeOutbound) Answer(id uint64, a verdict.Answer) (verdict.Question, *rules.Rule, error) {
	if id != o.question.ID {
		return verdict.Question{}, nil, fmt.Errorf("%w: %d", verdict.ErrNoQuestion, id)
	}
	if a.Lifetime == rules.Once {
		return o.question, nil, nil
	}
	r, err := o.AddRule(rules.Rule{Action: a.Action, Exe: o.question.Exe, Dst: netip.PrefixFrom(o.question.Dst, 32),
		Ports: rules.PortRange{Lo: 443, Hi: 443}, Proto: 6, Lifetime: a.Lifetime})
	return o.question, &r, err
}

func (o fakeOutbound) AddRule(r rules.Rule) (rules.Rule, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	r.ID = o.nextRule
	o.nextRule++
	o.rules = append(o.rules, rules.Entry{Rule: r})
	return r, nil
}

func (o fakeOutbound) DeleteRule(id uint64) (rules.Rule, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i, e := range o.rules {
		if e.ID == id {
			o.rules = append(o.rules[:i], o.rules[i+1:]...)
			return e.Rule, nil
		}
	}
	return rules.Rule{}, fmt.Errorf("%w: %d", rules.ErrNotFound, id)
}
