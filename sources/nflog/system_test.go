package nflog

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/test/testenv"
)

// The tests in this file run the collector against the real kernel, in a
// network namespace of their own: they need root, ip and iptables. They
// never touch the host's firewall.

const testGroup = 7

// testNS makes a network namespace for the test (testenv.NewNetNS) and
// opens the package's handle on it; it needs iptables and ip6tables too.
func testNS(t *testing.T) (*testenv.NetNS, *netns) {
	t.Helper()
	testenv.Tool(t, "iptables", "ip6tables")
	n := testenv.NewNetNS(t, "nflog")
	ns, err := openNetNS(n.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ns.Close() })
	return n, ns
}

// nflogRule adds an NFLOG rule to a chain of the namespace's firewall.
func nflogRule(t *testing.T, ns *testenv.NetNS, tool, chain, dport, prefix string) {
	t.Helper()
	ns.Run(t, tool, "-A", chain, "-p", "tcp", "--dport", dport,
		"-j", "NFLOG", "--nflog-group", "7", "--nflog-prefix", prefix)
}

// lockedBuffer collects log output; the library's goroutine may log a
// moment after Run returns, when t.Log would panic.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startSource runs a Source on the namespace until the test ends.
func startSource(t *testing.T, cfg Config, out chan *sources.Packet) (*Source, <-chan error) {
	t.Helper()
	logs := &lockedBuffer{}
	src, err := New(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- src.Run(ctx, out) }()
	stopped := make(chan error, 1)
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-errc:
			stopped <- err
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(time.Minute):
			t.Error("Run did not return after cancel")
		}
		if t.Failed() {
			t.Logf("source log:\n%s", logs.String())
		}
	})
	return src, errc
}

// syn sends one TCP SYN from port lport to addr inside ns (the port is
// closed: the kernel answers RST and the dial fails at once).
func syn(network, addr string, lport int) {
	local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: lport}
	if network == "tcp6" {
		local.IP = net.IPv6loopback
	}
	d := net.Dialer{LocalAddr: local, Timeout: time.Second}
	if c, err := d.Dial(network, addr); err == nil {
		c.Close()
	}
}

// await returns the next packet on out with the given prefix and source
// port, or nil after the timeout.
func await(out <-chan *sources.Packet, prefix string, sport uint16, timeout time.Duration) *sources.Packet {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case p := <-out:
			if p.Prefix == prefix && p.SrcPort == sport {
				return p
			}
		case <-t.C:
			return nil
		}
	}
}

// firstPacket sends SYNs until the source, still binding, delivers one.
func firstPacket(t *testing.T, ns *netns, out <-chan *sources.Packet, network, addr string, lport int) *sources.Packet {
	t.Helper()
	var p *sources.Packet
	for deadline := time.Now().Add(time.Minute); p == nil && time.Now().Before(deadline); {
		_ = ns.do(func() error { syn(network, addr, lport); return nil })
		p = await(out, "ifwtest", uint16(lport), 200*time.Millisecond)
	}
	if p == nil {
		t.Fatalf("no NFLOG packet for %s %s", network, addr)
	}
	return p
}

func TestSystemNFLOG(t *testing.T) {
	tns, ns := testNS(t)
	nflogRule(t, tns, "iptables", "INPUT", "9", "ifwtest")
	nflogRule(t, tns, "ip6tables", "INPUT", "9", "ifwtest")
	nflogRule(t, tns, "iptables", "OUTPUT", "7", "ifwtest-out")
	out := make(chan *sources.Packet, 64)
	src, _ := startSource(t, Config{Group: testGroup, NetNS: tns.Path()}, out)

	p := firstPacket(t, ns, out, "tcp4", "127.0.0.1:9", 40000)
	checkSYN(t, p, "127.0.0.1", sources.ChainInput)
	p = firstPacket(t, ns, out, "tcp6", "[::1]:9", 40001)
	checkSYN(t, p, "::1", sources.ChainInput)

	_ = ns.do(func() error { syn("tcp4", "127.0.0.1:7", 40002); return nil })
	p = await(out, "ifwtest-out", 40002, 2*time.Second)
	if p == nil || p.Out != "lo" || p.In != "" || p.Chain != sources.ChainOutput || !p.Has(sources.HasUID) || p.UID != 0 {
		t.Fatalf("output packet %+v", p)
	}

	lat := latencies(t, ns, out, 200)
	t.Logf("NFLOG latency, SYN sent to packet received, %d packets: p50 %v, p99 %v, max %v",
		len(lat), lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
	if s := src.Stats().Snapshot(); s.Dropped != 0 || s.Malformed != 0 || s.Packets < 203 {
		t.Fatalf("stats %+v", s)
	}
}

func checkSYN(t *testing.T, p *sources.Packet, addr string, chain sources.Chain) {
	t.Helper()
	if p.Prefix != "ifwtest" || p.Proto != sources.ProtoTCP || p.DstPort != 9 || p.TCPFlags != sources.SYN ||
		!p.Trusted || p.Src.String() != addr || p.Dst.String() != addr || p.In != "lo" || p.Chain != chain ||
		!p.Has(sources.HasTime|sources.HasTCP|sources.HasSeq) || p.TCPOptions.Len() == 0 || p.Source != "nflog:7" {
		t.Fatalf("packet %+v", p)
	}
	if age := time.Since(p.Time); age < 0 || age > time.Minute { // the kernel's stamp, not garbage; a loaded machine may take seconds
		t.Fatalf("packet time %v is %v old", p.Time, age)
	}
}

// latencies sends n SYNs one after another and measures each from just
// before the send to its arrival on out; sorted.
func latencies(t *testing.T, ns *netns, out <-chan *sources.Packet, n int) []time.Duration {
	t.Helper()
	var lat []time.Duration
	err := ns.do(func() error {
		for i := range n {
			port := 41000 + i
			start := time.Now()
			syn("tcp4", "127.0.0.1:9", port)
			if await(out, "ifwtest", uint16(port), 2*time.Second) == nil {
				return errors.New("a packet did not arrive")
			}
			lat = append(lat, time.Since(start))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lat)
	return lat
}

// TestSystemGroupBusy binds a group twice: the second Run must fail with
// ErrGroupBusy.
func TestSystemGroupBusy(t *testing.T) {
	tns, ns := testNS(t)
	nflogRule(t, tns, "iptables", "INPUT", "9", "ifwtest")
	out := make(chan *sources.Packet, 64)
	startSource(t, Config{Group: testGroup, NetNS: tns.Path()}, out)
	firstPacket(t, ns, out, "tcp4", "127.0.0.1:9", 40000)

	second, err := New(Config{Group: testGroup, NetNS: tns.Path()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = second.Run(ctx, make(chan *sources.Packet))
	if !errors.Is(err, ErrGroupBusy) {
		t.Fatalf("second Run: %v, want ErrGroupBusy", err)
	}
	t.Logf("second bind: %v", err)
}

// TestSystemDrops overruns a tiny socket buffer while nobody reads and
// requires every packet to be either delivered or counted as dropped.
func TestSystemDrops(t *testing.T) {
	tns, ns := testNS(t)
	nflogRule(t, tns, "iptables", "INPUT", "9", "ifwtest")
	out := make(chan *sources.Packet) // unbuffered: the collector blocks until read
	src, _ := startSource(t, Config{Group: testGroup, NetNS: tns.Path(), ReadBuffer: 4096}, out)
	firstPacket(t, ns, out, "tcp4", "127.0.0.1:9", 40000)
	for src.Stats().Packets.Load() == 0 { // counted just after the send
		time.Sleep(time.Millisecond)
	}
	base := src.Stats().Snapshot()

	const burst = 2000
	_ = ns.do(func() error {
		for i := range burst {
			syn("tcp4", "127.0.0.1:9", 42000+i)
		}
		return nil
	})
	got := drain(out, 500*time.Millisecond)
	// one more packet after the drain shows the losses at the end of the burst
	_ = ns.do(func() error { syn("tcp4", "127.0.0.1:9", 41999); return nil })
	got += drain(out, 500*time.Millisecond)

	s := src.Stats().Snapshot()
	delivered, dropped := s.Packets-base.Packets, s.Dropped-base.Dropped
	t.Logf("burst of %d+1: %d delivered, %d counted dropped", burst, delivered, dropped)
	if uint64(got) != delivered || delivered+dropped != burst+1 || dropped == 0 {
		t.Fatalf("received %d, stats %+v (before %+v)", got, s, base)
	}
}

// drain reads out until it stays empty for quiet.
func drain(out <-chan *sources.Packet, quiet time.Duration) int {
	n := 0
	for {
		select {
		case <-out:
			n++
		case <-time.After(quiet):
			return n
		}
	}
}

// TestSystemRestart runs one Source three times in a row, as the
// supervisor does: each Run must release the group for the next.
func TestSystemRestart(t *testing.T) {
	tns, ns := testNS(t)
	nflogRule(t, tns, "iptables", "INPUT", "9", "ifwtest")
	src, err := New(Config{Group: testGroup, NetNS: tns.Path()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan *sources.Packet, 64)
	for i := range 3 {
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- src.Run(ctx, out) }()
		firstPacket(t, ns, out, "tcp4", "127.0.0.1:9", 40000+i)
		cancel()
		if err := <-errc; err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	if n := src.Stats().Packets.Load(); n < 3 {
		t.Fatalf("%d packets over three runs", n)
	}
}
