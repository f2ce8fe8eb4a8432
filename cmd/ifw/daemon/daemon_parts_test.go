package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// TestDaemonWhitelistAndUnblock: the whitelist through the control API
// lifts a block it covers; unblock ends one.
func TestDaemonWhitelistAndUnblock(t *testing.T) {
	l := newLab(t)
	r := l.start(t)
	ctx := context.Background()
	for _, p := range []string{"198.51.100.9", "198.51.100.10"} {
		if _, err := r.client.Block(ctx, control.BlockRequest{Prefix: p, For: "forever", Reason: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	added, err := r.client.WhitelistAdd(ctx, control.WhitelistRequest{Entry: "198.51.100.9", Comment: "backup"})
	if err != nil || len(added.Unblocked) != 1 || l.kernel.has("198.51.100.9/32") {
		t.Fatalf("whitelist add: %+v, %v; kernel still has it: %v", added, err, l.kernel.has("198.51.100.9/32"))
	}
	wl, err := r.client.Whitelist(ctx)
	if err != nil || len(wl.Entries) != 1 || wl.Entries[0].Text != "198.51.100.9" {
		t.Errorf("whitelist %+v, %v", wl, err)
	}
	if _, err := r.client.Block(ctx, control.BlockRequest{Prefix: "198.51.100.9"}); err == nil {
		t.Error("a whitelisted address was blocked")
	}
	if _, err := r.client.WhitelistDel(ctx, "198.51.100.9"); err != nil {
		t.Error(err)
	}
	if _, err := r.client.Unblock(ctx, "198.51.100.10"); err != nil || l.kernel.has("198.51.100.10/32") {
		t.Errorf("unblock: %v", err)
	}
	var ae *control.APIError
	if _, err := r.client.Unblock(ctx, "198.51.100.10"); !errors.As(err, &ae) || !ae.NotFound() {
		t.Errorf("unblocking twice: %v, want not found", err)
	}
	if st, err := r.client.ReloadBlocks(ctx); err != nil {
		t.Errorf("reload bulk: %+v, %v", st, err)
	}
}

// TestDaemonOutbound: with [verdict] on, the rules and questions answer
// through the control API, a reload reads the rules file again.
func TestDaemonOutbound(t *testing.T) {
	l := newLab(t)
	rulesFile := filepath.Join(l.dir, "rules")
	if err := os.WriteFile(rulesFile, []byte("allow exe=/usr/bin/ssh dst=203.0.113.9 port=22 proto=tcp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := l.startWith(t, fmt.Sprintf("[verdict]\nenabled = yes\nqueue = 4242\nrules = %s", rulesFile))
	ctx := context.Background()
	list, err := r.client.Rules(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("rules %+v, %v", list, err)
	}
	added, err := r.client.AddRule(ctx, control.RuleRequest{Line: "deny exe=/usr/bin/curl dst=203.0.113.10 port=443 proto=tcp", Lifetime: "session"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.client.DeleteRule(ctx, added.ID); err != nil {
		t.Error(err)
	}
	if qs, err := r.client.Queue(ctx); err != nil || len(qs) != 0 {
		t.Errorf("queue %v, %v", qs, err)
	}
	var ae *control.APIError
	if _, err := r.client.Answer(ctx, 99, control.AnswerRequest{Action: "allow"}); !errors.As(err, &ae) || !(ae.NotFound() || ae.Unavailable()) {
		t.Errorf("answering no question: %v", err)
	}
	if err := os.WriteFile(rulesFile, []byte("allow exe=any dst=203.0.113.9 port=22 proto=tcp\nallow exe=/usr/bin/git port=9418 proto=tcp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.d.reload(ctx); err != nil {
		t.Fatal(err)
	}
	if list, err := r.client.Rules(ctx); err != nil || len(list) != 2 {
		t.Errorf("after reload: rules %+v, %v", list, err)
	}
	st, err := r.client.Status(ctx)
	if err != nil || st.Outbound == nil {
		t.Errorf("status: %+v, %v", st, err)
	}
	r.d.outbound.decided(verdictDecisionByRule())
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	notes := make(chan string, 16)
	go func() { _ = r.client.Stream(sctx, func(ev control.StreamEvent) { notes <- ev.Kind }) }()
	if k := <-notes; k != control.StreamHello {
		t.Fatalf("stream began with %q", k)
	}
	r.d.outbound.closed(closedQuestion()) // root's stream hears of every uid's questions
	if k := <-notes; k != control.StreamQueue {
		t.Errorf("a closed question's note: %q, want queue", k)
	}
	if first, err := r.d.outbound.reserveQuestionIDs(10); err != nil || first == 0 {
		t.Errorf("question ids from %d, %v", first, err)
	}
}

// TestDaemonReportAndMetrics: the periodic report is written to its
// directory; the metrics endpoint answers.
func TestDaemonReportAndMetrics(t *testing.T) {
	l := newLab(t)
	port := freePort(t)
	reports := filepath.Join(l.dir, "reports")
	r := l.startWith(t, fmt.Sprintf("[report]\nevery = 24h\nformat = json\ndir = %s", reports),
		fmt.Sprintf("[metrics]\nlisten = 127.0.0.1:%d", port))
	r.feed.synScan("203.0.113.5", 20)
	eventually(t, "an alert stored", func() bool { return r.attacker(t, "203.0.113.5") != nil })
	if err := r.d.deliverReport(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(reports, "ifw-report-*.json"))
	if len(files) != 1 {
		t.Fatalf("report files %v", files)
	}
	body := scrape(t, port)
	if !strings.Contains(body, "ifw_sources_tracked") {
		t.Errorf("metrics:\n%s", body)
	}
	r.d.cfg.Report.Deliver = "notify" // no desktop session here: an error, not a hang
	if err := r.d.deliverReport(context.Background(), time.Now()); err == nil {
		t.Log("a desktop session took the report bubble")
	}
}

// TestDaemonFileCollector: a configured syslog file collector feeds the
// engine, and a restart resumes where it stopped.
func TestDaemonFileCollector(t *testing.T) {
	l := newLab(t)
	logFile := filepath.Join(l.dir, "kern.log")
	if err := os.WriteFile(logFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := l.startWith(t)
	r.stop(t)
	l.writeConfSources(t, fmt.Sprintf("[source log]\ntype = file\npath = %s\nstart = beginning", logFile))
	r = l.start(t)
	f := newFeed()
	go func() {
		for line := range f.lines {
			appendLine(t, logFile, line)
		}
	}()
	f.synScan("203.0.113.50", 20)
	eventually(t, "the file's attacker seen", func() bool {
		a := r.attacker(t, "203.0.113.50")
		return a != nil && a.Packets == 20
	})
	r.stop(t)
	r = l.start(t)
	f.synScan("203.0.113.50", 5)
	close(f.lines)
	eventually(t, "the five new lines counted once", func() bool {
		a := r.attacker(t, "203.0.113.50")
		return a != nil && a.Packets == 25
	})
	st, _ := r.client.Status(context.Background())
	if len(st.Collectors) != 1 || st.Collectors[0].Type != "file" {
		t.Errorf("collectors %+v", st.Collectors)
	}
}

// TestCollectorBuilders: every collector type is built from its section
// (nothing is opened before Run).
func TestCollectorBuilders(t *testing.T) {
	l := newLab(t)
	l.writeConfSources(t, "[source k]\ntype = kmsg", "[source j]\ntype = journal",
		"[source n]\ntype = nflog\ngroup = 7", fmt.Sprintf("[source f]\ntype = file\npath = %s/x.log", l.dir))
	cfg, err := config.Load(l.conf, true)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(context.Background(), cfg, Options{Authority: yes{}, OpenSets: l.kernel.open}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer d.release()
	var kinds []string
	for _, c := range d.collectors {
		kinds = append(kinds, c.kind)
	}
	slices.Sort(kinds)
	if strings.Join(kinds, " ") != "file journal kmsg nflog" {
		t.Errorf("collectors %v", kinds)
	}
}

// TestDaemonSetsInUse: sets another daemon holds stop this one from
// starting, and what it took is given back (its state lock: a daemon can
// start once the sets are free).
func TestDaemonSetsInUse(t *testing.T) {
	l := newLab(t)
	cfg, err := config.Load(l.conf, true)
	if err != nil {
		t.Fatal(err)
	}
	busy := func(block.SetsConfig, *slog.Logger) (Sets, error) { return nil, block.ErrInUse }
	if _, err := New(context.Background(), cfg, Options{Authority: yes{}, OpenSets: busy}, slog.New(slog.DiscardHandler)); !errors.Is(err, block.ErrInUse) {
		t.Fatalf("New: %v, want ErrInUse", err)
	}
	l.start(t)
}

// writeConfSources writes ifw.conf with these collector sections in place
// of the [source kmsg] the lab's runs get a feed for.
func (l *lab) writeConfSources(t *testing.T, sections ...string) {
	t.Helper()
	l.writeConf(t, "", sections...)
	b, err := os.ReadFile(l.conf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(l.conf, []byte(strings.Replace(string(b), "[source kmsg]\ntype = kmsg\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendLine(t *testing.T, path, line string) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func verdictDecisionByRule() verdict.Decision {
	return verdict.Decision{At: time.Now(), By: verdict.CauseRule, Action: rules.Allow, Took: 100 * time.Microsecond}
}

func closedQuestion() verdict.Closed {
	return verdict.Closed{Question: verdict.Question{ID: 1, UID: 1000, Exe: "/usr/bin/curl",
		Dst: netip.MustParseAddr("203.0.113.10"), Port: 443, Proto: "tcp", Connections: 1, Asked: time.Now()},
		Verdict: rules.Deny, By: verdict.CauseTimeout, At: time.Now()}
}

// TestDaemonBulkAndSignatures: the bulk drop lists go to the kernel's bulk
// sets; a signature line ifw cannot use is skipped and counted; a network
// change lifts nothing that is not covered.
func TestDaemonBulkAndSignatures(t *testing.T) {
	l := newLab(t)
	drop := filepath.Join(l.dir, "drop.txt")
	sigs := filepath.Join(l.dir, "signatures")
	if err := os.WriteFile(drop, []byte("198.51.100.0/24\n2001:db8:9::/48\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := `alert tcp $EXTERNAL_NET any -> $HOME_NET 705 (msg:"SNMP AgentX/tcp request"; flags:S; sid:1421; psad_id:100001; psad_dl:2;)`
	if err := os.WriteFile(sigs, []byte(good+"\nalert tcp nonsense\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l.blockExtra = "bulk = " + drop
	l.writeConf(t, "signatures = "+sigs)
	r := l.start(t)
	l.kernel.mu.Lock()
	bulk := len(l.kernel.bulk)
	l.kernel.mu.Unlock()
	if bulk != 2 {
		t.Errorf("bulk sets hold %d prefixes, want 2", bulk)
	}
	st, err := r.client.Status(context.Background())
	if err != nil || st.Signatures.Rules != 1 || st.Signatures.SkippedBad != 1 {
		t.Fatalf("signatures %+v, %v", st.Signatures, err)
	}
	if b := st.Blocking.Bulk; b == nil || len(b.Files) != 1 || b.Loaded.IsZero() || b.Stats.Entries != 2 || b.Error != "" {
		t.Errorf("bulk status %+v", b)
	}
	// A list that no longer reads keeps the loaded sets, and says why.
	if err := os.WriteFile(drop, []byte("198.51.100.0/24\nnot an address\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := r.client.ReloadBlocks(context.Background()); err == nil {
		t.Error("a bad list reloaded")
	}
	st, err = r.client.Status(context.Background())
	if b := st.Blocking.Bulk; err != nil || b == nil || b.Stats.Entries != 2 || !strings.Contains(b.Error, "drop.txt:2") {
		t.Errorf("bulk status after a bad reload %+v, %v", b, err)
	}
	r.d.block.afterWatchLoad(context.Background())
}

// TestDaemonRecoversAfterCrash: alerts stored after the last saved state
// (here: a state that does not load, as after a crash while writing it)
// give their attackers back at the start.
func TestDaemonRecoversAfterCrash(t *testing.T) {
	l := newLab(t)
	r := l.start(t)
	r.feed.synScan("203.0.113.77", 20)
	eventually(t, "an alert stored", func() bool {
		st, err := r.client.Status(context.Background())
		return err == nil && st.Pipeline.Stored > 0
	})
	r.stop(t)
	store, err := alerts.Open(context.Background(), alerts.Config{Path: filepath.Join(l.dir, "ifw.db")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.PutState(context.Background(), stateEngine, []byte("not a state")); err != nil {
		t.Fatal(err)
	}
	store.Close()
	r = l.start(t)
	if a := r.attacker(t, "203.0.113.77"); a == nil || a.Level < 2 {
		t.Errorf("attacker after the crash: %+v", a)
	}
}

// TestDaemonReportDeliveries: a report goes to a command (REPORT standing
// for its file) and by mail through sendmail; both are programs the
// daemon runs without a shell.
func TestDaemonReportDeliveries(t *testing.T) {
	if _, err := os.Stat("/bin/true"); err != nil {
		t.Skip("no /bin/true")
	}
	l := newLab(t)
	reports := filepath.Join(l.dir, "reports")
	r := l.startWith(t, fmt.Sprintf("[report]\nevery = 24h\nformat = text\ndir = %s\ndeliver = script\ncommand = /bin/true REPORT", reports))
	ctx := context.Background()
	if err := r.d.deliverReport(ctx, time.Now()); err != nil {
		t.Errorf("script delivery: %v", err)
	}
	r.d.cfg.Report.Deliver, r.d.cfg.Report.To, r.d.cfg.Report.From, r.d.cfg.Report.Sendmail = "mail", []string{"root@localhost"}, "ifw@localhost", "/bin/true"
	if err := r.d.deliverReport(ctx, time.Now()); err != nil {
		t.Logf("mail delivery through /bin/true: %v", err)
	}
}

// TestObserveLeftOver: a packet left in the queue when the pipeline
// stopped is observed and its alert written.
func TestObserveLeftOver(t *testing.T) {
	l := newLab(t)
	l.writeConf(t, "danger_levels = 1 2 3 4 5")
	cfg, err := config.Load(l.conf, true)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(context.Background(), cfg, Options{Authority: yes{}, OpenSets: l.kernel.open, Sources: []sources.Source{newFeed()}}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer d.release()
	f := newFeed()
	f.synScan("203.0.113.99", 3)
	p := logline.New(logline.Options{Reference: time.Now(), Location: time.Local})
	for range 3 {
		pkt := new(sources.Packet)
		if err := p.Parse([]byte(<-f.lines), pkt); err != nil {
			t.Fatal(err)
		}
		pkt.Trusted = true
		d.pipe.observeSync(pkt, d.writer)
	}
	if d.writer.stored.Load() == 0 {
		t.Errorf("no alert stored; %d detections", d.pipe.counts.detections.Load())
	}
}
