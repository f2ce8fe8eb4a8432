package dnsnames

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"
)

const (
	client = "192.0.2.10:40000"
	server = "192.0.2.53:53"
)

func newTestLearner(t *testing.T, cfg Config) *Learner {
	t.Helper()
	l, err := NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func names(l *Learner, addr string, now time.Time) []string {
	return l.Names(netip.MustParseAddr(addr), 0, now)
}

// ask sends the query of name/type id from client to server at t0.
func ask(l *Learner, id uint16, name string, typ uint16) {
	l.Observe(HookOut, 0, udpPacket(client, server, wire(id, false, name, typ)), t0)
}

func TestLearn(t *testing.T) {
	l := newTestLearner(t, Config{})
	ask(l, 7, "www.test.example", TypeA)
	l.Observe(HookIn, 0, udpPacket(server, client, wire(7, true, "www.Test.example", TypeA,
		a("www.test.example", "198.51.100.7", 300))), t0)
	if got := names(l, "198.51.100.7", t0); !slices.Equal(got, []string{"www.test.example"}) {
		t.Fatalf("names = %q", got)
	}
	if got := names(l, "::ffff:198.51.100.7", t0); len(got) != 1 {
		t.Errorf("IPv4-mapped lookup: %q", got)
	}
	if got := names(l, "198.51.100.7", t0.Add(301*time.Second)); got != nil {
		t.Errorf("after the TTL: %q", got)
	}
	if l.Stats().Learned.Load() != 1 || l.Stats().Answers.Load() != 1 {
		t.Errorf("stats learned %d answers %d", l.Stats().Learned.Load(), l.Stats().Answers.Load())
	}
}

// TestForged: answers that do not answer an outstanding query of the
// host's teach nothing, and do not cancel the query either.
func TestForged(t *testing.T) {
	good := wire(7, true, "www.test.example", TypeA, a("www.test.example", "198.51.100.7", 300))
	evil := func(id uint16, name string) []byte {
		return wire(id, true, name, TypeA, a(name, "203.0.113.66", 300))
	}
	for _, tt := range []struct {
		name string
		hook Hook
		pkt  []byte
	}{
		{"wrong id", HookIn, udpPacket(server, client, evil(8, "www.test.example"))},
		{"another server", HookIn, udpPacket("203.0.113.53:53", client, evil(7, "www.test.example"))},
		{"server's other port", HookIn, udpPacket("192.0.2.53:5353", client, evil(7, "www.test.example"))},
		{"another client port", HookIn, udpPacket(server, "192.0.2.10:40001", evil(7, "www.test.example"))},
		{"another question", HookIn, udpPacket(server, client, evil(7, "evil.test.example"))},
		{"over TCP", HookIn, tcpPacket(server, client, evil(7, "www.test.example"))},
		{"logged going out", HookOut, udpPacket(server, client, evil(7, "www.test.example"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := newTestLearner(t, Config{})
			ask(l, 7, "www.test.example", TypeA)
			l.Observe(tt.hook, 0, tt.pkt, t0)
			if got := names(l, "203.0.113.66", t0); got != nil {
				t.Errorf("forged answer taught %q", got)
			}
			l.Observe(HookIn, 0, udpPacket(server, client, good), t0)
			if got := names(l, "198.51.100.7", t0); len(got) != 1 {
				t.Errorf("the real answer after the forged one taught %q", got)
			}
		})
	}
}

// TestQueryFromOutside: a "query" arriving from outside (logged at INPUT)
// registers nothing, so its answer teaches nothing.
func TestQueryFromOutside(t *testing.T) {
	l := newTestLearner(t, Config{})
	l.Observe(HookIn, 0, udpPacket(client, server, wire(7, false, "www.test.example", TypeA)), t0)
	l.Observe(HookIn, 0, udpPacket(server, client, wire(7, true, "www.test.example", TypeA,
		a("www.test.example", "203.0.113.66", 300))), t0)
	if got := names(l, "203.0.113.66", t0); got != nil {
		t.Errorf("learned %q", got)
	}
}

func TestAnsweredOnce(t *testing.T) {
	l := newTestLearner(t, Config{})
	ask(l, 7, "www.test.example", TypeA)
	answer := func(addr string) {
		l.Observe(HookIn, 0, udpPacket(server, client, wire(7, true, "www.test.example", TypeA,
			a("www.test.example", addr, 300))), t0)
	}
	answer("198.51.100.7")
	answer("203.0.113.66")
	if got := names(l, "203.0.113.66", t0); got != nil {
		t.Errorf("a second answer taught %q", got)
	}
}

func TestQueryTimeout(t *testing.T) {
	l := newTestLearner(t, Config{QueryTimeout: time.Second})
	ask(l, 7, "www.test.example", TypeA)
	l.Observe(HookIn, 0, udpPacket(server, client, wire(7, true, "www.test.example", TypeA,
		a("www.test.example", "198.51.100.7", 300))), t0.Add(time.Second))
	if got := names(l, "198.51.100.7", t0); got != nil {
		t.Errorf("a late answer taught %q", got)
	}
}

func TestCNAMEChain(t *testing.T) {
	l := newTestLearner(t, Config{MinTTL: time.Second})
	ask(l, 9, "www.test.example", TypeAAAA)
	l.Observe(HookIn, 0, udpPacket(server, client, wire(9, true, "www.test.example", TypeAAAA,
		cname("www.test.example", "cdn.test.example", 20),
		cname("cdn.test.example", "edge.cdn.example", 300),
		aaaa("edge.cdn.example", "2001:db8::7", 600),
		aaaa("other.example", "2001:db8::66", 600), // not on the chain
		a("edge.cdn.example", "192.0.2.66", 600),   // not the question's type
	)), t0)
	if got := names(l, "2001:db8::7", t0); !slices.Equal(got, []string{"www.test.example"}) {
		t.Errorf("names = %q", got)
	}
	if got := names(l, "2001:db8::7", t0.Add(21*time.Second)); got != nil {
		t.Errorf("the chain's smallest TTL (20 s) did not bound it: %q", got)
	}
	for _, addr := range []string{"2001:db8::66", "192.0.2.66"} {
		if got := names(l, addr, t0); got != nil {
			t.Errorf("%s: %q", addr, got)
		}
	}
}

func TestChainDepth(t *testing.T) {
	l := newTestLearner(t, Config{})
	var recs []rr
	for i := range MaxChain + 1 {
		recs = append(recs, cname(fmt.Sprintf("c%d.example", i), fmt.Sprintf("c%d.example", i+1), 60))
	}
	recs = append(recs, a(fmt.Sprintf("c%d.example", MaxChain+1), "192.0.2.9", 60),
		a(fmt.Sprintf("c%d.example", MaxChain), "192.0.2.8", 60))
	ask(l, 1, "c0.example", TypeA)
	l.Observe(HookIn, 0, udpPacket(server, client, wire(1, true, "c0.example", TypeA, recs...)), t0)
	if got := names(l, "192.0.2.9", t0); got != nil {
		t.Errorf("past the chain's bound: %q", got)
	}
	if got := names(l, "192.0.2.8", t0); len(got) != 1 {
		t.Errorf("at the chain's bound: %q", got)
	}
}

func TestTTLClamp(t *testing.T) {
	l := newTestLearner(t, Config{MinTTL: time.Minute, MaxTTL: time.Hour})
	ask(l, 1, "a.example", TypeA)
	l.Observe(HookIn, 0, udpPacket(server, client, wire(1, true, "a.example", TypeA,
		a("a.example", "192.0.2.1", 0), a("a.example", "192.0.2.2", 1<<31))), t0)
	if names(l, "192.0.2.1", t0.Add(59*time.Second)) == nil || names(l, "192.0.2.1", t0.Add(time.Minute)) != nil {
		t.Error("TTL 0 not raised to the minute")
	}
	if names(l, "192.0.2.2", t0.Add(time.Hour)) != nil {
		t.Error("TTL 2^31 s not lowered to the hour")
	}
}

func TestTCP(t *testing.T) {
	l := newTestLearner(t, Config{})
	l.Observe(HookOut, 0, tcpPacket(client, server, wire(3, false, "t.example", TypeA)), t0)
	l.Observe(HookIn, 0, tcpPacket(server, client, wire(3, true, "t.example", TypeA, a("t.example", "192.0.2.3", 60))), t0)
	if got := names(l, "192.0.2.3", t0); len(got) != 1 {
		t.Errorf("names = %q", got)
	}
	cut := tcpPacket(server, client, wire(4, true, "t.example", TypeA, a("t.example", "192.0.2.4", 60)))
	before := l.Stats().Skipped.Load()
	l.Observe(HookIn, 0, cut[:len(cut)-3], t0)
	if l.Stats().Skipped.Load() != before+1 {
		t.Error("a cut TCP message was not counted as skipped")
	}
}

func TestIPv6Transport(t *testing.T) {
	l := newTestLearner(t, Config{})
	l.Observe(HookOut, 0, udpPacket("[2001:db8::10]:4000", "[2001:db8::53]:53", wire(5, false, "six.example", TypeAAAA)), t0)
	l.Observe(HookIn, 0, udpPacket("[2001:db8::53]:53", "[2001:db8::10]:4000", wire(5, true, "six.example", TypeAAAA,
		aaaa("six.example", "2001:db8::6", 60))), t0)
	if got := names(l, "2001:db8::6", t0); len(got) != 1 {
		t.Errorf("names = %q", got)
	}
}

func TestBounds(t *testing.T) {
	l := newTestLearner(t, Config{MaxQueries: 2, MaxAddrs: 3, MaxNames: 2})
	for id := range uint16(3) {
		ask(l, id, "q.example", TypeA)
	}
	if l.Stats().Queries.Load() != 2 || l.Stats().Full.Load() != 1 {
		t.Errorf("queries %d full %d", l.Stats().Queries.Load(), l.Stats().Full.Load())
	}
	// Names: one address, three names; the one expiring first goes.
	l = newTestLearner(t, Config{MaxAddrs: 3, MaxNames: 2})
	for i, ttl := range []uint32{600, 300, 900} {
		name := fmt.Sprintf("n%d.example", i)
		l.Observe(HookOut, 0, udpPacket(client, server, wire(100+uint16(i), false, name, TypeA)), t0)
		l.Observe(HookIn, 0, udpPacket(server, client, wire(100+uint16(i), true, name, TypeA, a(name, "192.0.2.1", ttl))), t0)
	}
	if got := names(l, "192.0.2.1", t0); !slices.Equal(got, []string{"n2.example", "n0.example"}) {
		t.Errorf("names = %q", got)
	}
	// Addresses: four addresses, room for three.
	for i := range 4 {
		l.names.add(netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), "x.example", 0, t0, t0.Add(time.Duration(i+1)*time.Hour))
	}
	if n := l.Addrs(); n != 3 {
		t.Errorf("%d addresses, want 3", n)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{MaxQueries: -1}, {MaxAddrs: MaxAddrsLimit + 1}, {MaxNames: 65},
		{QueryTimeout: -1}, {MinTTL: time.Hour, MaxTTL: time.Minute}} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v taken", c)
		}
	}
}

// TestAwait: Await returns at once without an unanswered query, and
// otherwise when the answer has been read.
func TestAwait(t *testing.T) {
	l := newTestLearner(t, Config{MaxTTL: 100000 * time.Hour, MinTTL: 100000 * time.Hour})
	addr := netip.MustParseAddr("198.51.100.7")
	if got := l.Await(addr, 0, time.Hour); got != nil {
		t.Fatalf("no query: %q", got)
	}
	l.Observe(HookOut, 0, udpPacket(client, server, wire(7, false, "www.test.example", TypeA)), time.Now())
	done := make(chan []string)
	go func() { done <- l.Await(addr, 0, time.Hour) }()
	l.Observe(HookIn, 0, udpPacket(server, client, wire(7, true, "www.test.example", TypeA,
		a("www.test.example", "198.51.100.7", 300))), time.Now())
	if got := <-done; len(got) != 1 {
		t.Errorf("after the answer: %q", got)
	}
	l.Observe(HookOut, 0, udpPacket(client, server, wire(8, false, "other.test.example", TypeA)), time.Now()) // unanswered: the wait is bounded
	if got := l.Await(netip.MustParseAddr("192.0.2.99"), 0, time.Millisecond); got != nil {
		t.Errorf("bounded wait: %q", got)
	}
}

// TestUIDScope: a name a user's query taught holds for that user's
// connections only; one a resolver's query taught holds for everyone; a
// query without a uid teaches no one.
func TestUIDScope(t *testing.T) {
	l := newTestLearner(t, Config{Resolvers: []uint32{0, 101}})
	learn := func(uid uint32, id uint16, name, addr string) {
		l.Observe(HookOut, uid, udpPacket(client, server, wire(id, false, name, TypeA)), t0)
		l.Observe(HookIn, 0, udpPacket(server, client, wire(id, true, name, TypeA, a(name, addr, 300))), t0)
	}
	learn(1000, 1, "bank.test.example", "203.0.113.66")
	learn(101, 2, "www.test.example", "198.51.100.7")
	learn(NoUID, 3, "none.test.example", "198.51.100.8")
	addr := netip.MustParseAddr
	for _, tt := range []struct {
		addr string
		uid  uint32
		want []string
	}{
		{"203.0.113.66", 1000, []string{"bank.test.example"}},
		{"203.0.113.66", 1001, nil},
		{"203.0.113.66", 0, nil},
		{"203.0.113.66", NoUID, nil},
		{"198.51.100.7", 1001, []string{"www.test.example"}},
		{"198.51.100.7", NoUID, []string{"www.test.example"}},
		{"198.51.100.8", NoUID, nil},
		{"198.51.100.8", 1000, nil},
	} {
		if got := l.Names(addr(tt.addr), tt.uid, t0); !slices.Equal(got, tt.want) {
			t.Errorf("%s for uid %d: %q, want %q", tt.addr, tt.uid, got, tt.want)
		}
	}
	learn(0, 4, "www.test.example", "198.51.100.7") // the same name again, by root: listed once
	if got := l.Names(addr("198.51.100.7"), 101, t0); !slices.Equal(got, []string{"www.test.example"}) {
		t.Errorf("twice learned: %q", got)
	}
}
