package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/cmd/ifw/polkit"
	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// The whole daemon, in-process and without root: a fake collector (the
// kernel's side), a fake kernel for the block sets, a temp SQLite store, a
// syslog action writing to the test's own socket, and the control API on
// a temp socket.

// feed is a collector the test writes LOG lines into.
type feed struct {
	untrusted bool // set before Run: packets as a syslog file's
	name      string
	lines     chan string
	stats     sources.Stats
}

func newFeed() *feed { return &feed{name: "feed", lines: make(chan string, 1024)} }

func (f *feed) Name() string          { return f.name }
func (f *feed) Stats() *sources.Stats { return &f.stats }

// Run parses each line as the kernel's (trusted) and hands it on.
func (f *feed) Run(ctx context.Context, out chan<- *sources.Packet) error {
	p := logline.New(logline.Options{Reference: time.Now(), Location: time.Local, Source: f.name})
	for {
		select {
		case <-ctx.Done():
			return nil
		case line := <-f.lines:
			pkt := new(sources.Packet)
			f.stats.Lines.Add(1)
			if err := p.Parse([]byte(line), pkt); err != nil {
				f.stats.Malformed.Add(1)
				continue
			}
			pkt.Trusted = !f.untrusted
			select {
			case out <- pkt:
				f.stats.Packets.Add(1)
			case <-ctx.Done():
				return nil
			}
		}
	}
}

// synScan writes n SYN packets from src to distinct ports of 192.0.2.10.
func (f *feed) synScan(src string, n int) {
	stamp := time.Now().Format(time.Stamp)
	for i := range n {
		f.lines <- fmt.Sprintf("%s fw kernel: [ 100.000000] IN=eth0 OUT= SRC=%s DST=192.0.2.10 LEN=44 TOS=0x00 "+
			"PREC=0x00 TTL=43 ID=%d PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0", stamp, src, i+1, i+1)
	}
}

// fakeKernel holds the block sets in memory.
type fakeKernel struct {
	mu      sync.Mutex
	entries map[netip.Prefix]time.Duration
	bulk    []netip.Prefix
	closed  int
}

func newFakeKernel() *fakeKernel { return &fakeKernel{entries: map[netip.Prefix]time.Duration{}} }

func (k *fakeKernel) open(block.SetsConfig, *slog.Logger) (Sets, error) { return k, nil }

func (k *fakeKernel) Add(p netip.Prefix, ttl time.Duration) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entries[p] = ttl
	return nil
}

func (k *fakeKernel) Del(p netip.Prefix) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.entries[p]; !ok {
		return block.ErrNotInSet
	}
	delete(k.entries, p)
	return nil
}

func (k *fakeKernel) Test(p netip.Prefix) (bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, ok := k.entries[p]
	return ok, nil
}

func (k *fakeKernel) List() ([]block.Entry, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []block.Entry
	for p, ttl := range k.entries {
		out = append(out, block.Entry{Prefix: p, Remaining: ttl})
	}
	return out, nil
}

func (k *fakeKernel) ReplaceBulk(_ context.Context, v4, v6 []netip.Prefix) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.bulk = append(slices.Clone(v4), v6...)
	return nil
}

func (k *fakeKernel) Ensure(context.Context) error { return nil }

func (k *fakeKernel) Close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.closed++
}

func (k *fakeKernel) has(p string) bool {
	ok, _ := k.Test(netip.MustParsePrefix(p))
	return ok
}

// yes is a polkit that authorizes everything (the test may run as any
// user; what needs what is tested in package control).
type yes struct{}

func (yes) Check(context.Context, polkit.Subject, string, bool) (polkit.Result, error) {
	return polkit.Result{Authorized: true}, nil
}

// syslogSink is the syslog action's daemon: a datagram socket whose
// messages arrive on msgs.
type syslogSink struct {
	conn *net.UnixConn
	msgs chan string
}

func newSyslogSink(t *testing.T, path string) *syslogSink {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	s := &syslogSink{conn: conn, msgs: make(chan string, 256)}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(s.msgs)
				return
			}
			s.msgs <- string(buf[:n])
		}
	}()
	t.Cleanup(func() { conn.Close() })
	return s
}

// await waits for a message containing want.
func (s *syslogSink) await(t *testing.T, want string) string {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		select {
		case m, ok := <-s.msgs:
			if !ok {
				t.Fatalf("syslog sink closed before %q", want)
			}
			if strings.Contains(m, want) {
				return m
			}
		case <-deadline:
			t.Fatalf("no syslog message with %q", want)
		}
	}
}

// lab is one test's files: the configuration, the state, the sockets.
type lab struct {
	dir, conf, socket string
	blockExtra        string // more [block] keys
	daemonExtra       string // more [daemon] keys
	untrusted         bool   // the feed's packets are untrusted (a syslog file's)
	kernel            *fakeKernel
	sink              *syslogSink
}

func newLab(t *testing.T) *lab {
	t.Helper()
	dir, err := os.MkdirTemp("", "ifwd-") // short: a socket path has a limit
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	l := &lab{dir: dir, conf: filepath.Join(dir, "ifw.conf"), socket: filepath.Join(dir, "run", "ifw.sock"), kernel: newFakeKernel()}
	if err := os.WriteFile(filepath.Join(dir, "whitelist"), []byte("# none\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l.sink = newSyslogSink(t, filepath.Join(dir, "log.sock"))
	l.writeConf(t, "")
	return l
}

// startWith is start with a configuration of more sections.
func (l *lab) startWith(t *testing.T, sections ...string) *running {
	t.Helper()
	l.writeConf(t, "", sections...)
	return l.start(t)
}

// writeConf writes ifw.conf with extra lines in its [detect] section,
// and extra sections after it.
func (l *lab) writeConf(t *testing.T, detect string, sections ...string) {
	t.Helper()
	g, err := user.LookupGroupId(strconv.Itoa(os.Getgid()))
	if err != nil {
		t.Skipf("own group: %v", err)
	}
	conf := fmt.Sprintf(`[daemon]
database = %[1]s/ifw.db
socket = %[2]s
socket_group = %[3]s
save_interval = 1h
%[7]s

[source kmsg]
type = kmsg

[block]
auto = yes
min_level = 3
durations = 1h 1h 1h 1h 1h
whitelist = %[1]s/whitelist
%[6]s

[action log]
type = syslog
min_level = 2
network = unixgram
addr = %[1]s/log.sock

[action desktop]
type = notify
min_level = 1

[detect]
%[4]s

%[5]s
`, l.dir, l.socket, g.Name, detect, strings.Join(sections, "\n\n"), l.blockExtra, l.daemonExtra)
	if err := os.WriteFile(l.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
}

// running is a started daemon.
type running struct {
	d      *Daemon
	feed   *feed
	client *control.Client
	cancel context.CancelFunc
	done   chan error
}

// start builds and runs the daemon on the lab's configuration and waits
// for its control socket to answer.
func (l *lab) start(t *testing.T) *running {
	t.Helper()
	cfg, err := config.Load(l.conf, true)
	if err != nil {
		t.Fatal(err)
	}
	r := &running{feed: newFeed(), client: control.NewClient(l.socket), done: make(chan error, 1)}
	r.feed.untrusted = l.untrusted
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts := Options{Sources: []sources.Source{r.feed}, Authority: yes{}, OpenSets: l.kernel.open, ServeQueue: idleQueue}
	if len(cfg.Sources) > 0 && cfg.Sources[0].Type != "kmsg" {
		opts.Sources = nil // the configured collectors
	}
	if r.d, err = New(ctx, cfg, opts, log); err != nil {
		cancel()
		t.Fatal(err)
	}
	go func() { r.done <- r.d.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	eventually(t, "the control socket answers", func() bool {
		_, err := r.client.Status(context.Background())
		return err == nil
	})
	return r
}

// stop ends the daemon (once) and checks it stopped cleanly.
func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	if err := <-r.done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// attacker is src in the daemon's status, nil when absent.
func (r *running) attacker(t *testing.T, src string) *signatures.Attacker {
	t.Helper()
	st, err := r.client.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range st.Attackers {
		if st.Attackers[i].Src.String() == src {
			return &st.Attackers[i].Attacker
		}
	}
	return nil
}

// eventually waits (a minute at most) for ok.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// TestDaemonPipeline: packet in → alert stored → actions run (syslog,
// desktop event, auto-block in the kernel) → the control API answers
// (status, manual block) → state saved → restart → state and blocks
// restored → reload applies new thresholds.
func TestDaemonPipeline(t *testing.T) {
	l := newLab(t)
	r := l.start(t)
	ctx := context.Background()

	events := make(chan control.Event, 64)
	evCtx, evCancel := context.WithCancel(ctx)
	defer evCancel()
	go r.client.Events(evCtx, func(ev control.Event) { events <- ev })
	eventually(t, "the applet subscribed", func() bool {
		st, err := r.client.Status(ctx)
		return err == nil && st.Control.Applets != nil && st.Control.Applets.Subscribers > 0
	})

	r.feed.synScan("203.0.113.5", 200)
	msg := l.sink.await(t, "203.0.113.5")
	if !strings.Contains(msg, "danger level") && !strings.Contains(msg, "DL") {
		t.Logf("syslog message: %s", msg)
	}
	select {
	case ev := <-events:
		if ev.Kind != "alert" || ev.Alert.Src.String() != "203.0.113.5" {
			t.Errorf("desktop event %+v", ev)
		}
	case <-time.After(time.Minute):
		t.Fatal("no desktop event")
	}
	eventually(t, "203.0.113.5 at danger level 3 and auto-blocked", func() bool {
		a := r.attacker(t, "203.0.113.5")
		return a != nil && a.Level >= 3 && l.kernel.has("203.0.113.5/32")
	})
	st, err := r.client.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Pipeline.Stored == 0 || st.Pipeline.Observed != 200 || len(st.Collectors) != 1 || st.Collectors[0].Type != givenType {
		t.Errorf("status: pipeline %+v, collectors %+v", st.Pipeline, st.Collectors)
	}
	if st.Blocking == nil || st.Blocking.Active != 1 {
		t.Errorf("blocking status %+v", st.Blocking)
	}

	if _, err := r.client.Block(ctx, control.BlockRequest{Prefix: "198.51.100.9", For: "2h"}); err != nil {
		t.Fatalf("manual block: %v", err)
	}
	if !l.kernel.has("198.51.100.9/32") {
		t.Error("manual block not in the kernel")
	}
	if list, err := r.client.Blocks(ctx); err != nil || len(list) != 2 {
		t.Errorf("blocks %v, %v", list, err)
	}
	before := r.attacker(t, "203.0.113.5")
	r.stop(t)

	// Restart: the engine's state and the blocks come back.
	r = l.start(t)
	after := r.attacker(t, "203.0.113.5")
	if after == nil || after.Level != before.Level || after.Packets != before.Packets {
		t.Fatalf("after restart: %+v, before %+v", after, before)
	}
	if !l.kernel.has("203.0.113.5/32") || !l.kernel.has("198.51.100.9/32") {
		t.Error("blocks not kept over the restart")
	}

	// Reload: level 3 after three packets now.
	l.writeConf(t, "danger_levels = 1 2 3 4 5")
	if err := r.d.reload(ctx); err != nil {
		t.Fatalf("reload: %v", err)
	}
	r.feed.synScan("198.51.100.20", 3)
	eventually(t, "198.51.100.20 at level 3 on the reloaded thresholds", func() bool {
		a := r.attacker(t, "198.51.100.20")
		return a != nil && a.Level == 3
	})
}

// TestDaemonBadReload: a configuration that does not load is refused and
// the running one kept.
func TestDaemonBadReload(t *testing.T) {
	l := newLab(t)
	r := l.start(t)
	l.writeConf(t, "danger_levels = 5 4 3")
	if err := r.d.reload(context.Background()); err == nil {
		t.Fatal("bad danger_levels accepted")
	}
	r.feed.synScan("203.0.113.7", 5)
	eventually(t, "203.0.113.7 at level 1 on the running thresholds", func() bool {
		a := r.attacker(t, "203.0.113.7")
		return a != nil && a.Level == 1
	})
}

// idleQueue is an outbound queue no packet comes through.
func idleQueue(ctx context.Context, _ *verdict.Module) error {
	<-ctx.Done()
	return nil
}
