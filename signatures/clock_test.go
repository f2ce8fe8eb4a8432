package signatures

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// parseLine parses one syslog line as a file source would (untrusted,
// year-less stamps dated by t0, which the parser lets run 7 days ahead).
func parseLine(t *testing.T, line string) *sources.Packet {
	t.Helper()
	p := logline.New(logline.Options{Reference: t0, Location: time.UTC, Source: "file:/var/log/kern.log"})
	pkt := new(sources.Packet)
	if err := p.Parse([]byte(line), pkt); err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	return pkt
}

const forgedSYN = "IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=192.0.2.66 DST=203.0.113.10 LEN=44 " +
	"TOS=0x00 PREC=0x00 TTL=43 ID=1 PROTO=TCP SPT=40000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0"

// clockModes runs f for an archive (no host clock) and for live sources
// (the daemon's SetNow before every packet, the host a minute after t0).
func clockModes(t *testing.T, f func(t *testing.T, observe func(*Engine, []*sources.Packet))) {
	t.Run("archive", func(t *testing.T) { f(t, func(e *Engine, p []*sources.Packet) { feed(e, p) }) })
	t.Run("live", func(t *testing.T) {
		f(t, func(e *Engine, pkts []*sources.Packet) {
			for _, p := range pkts {
				e.SetNow(t0.Add(time.Minute))
				feed(e, []*sources.Packet{p})
			}
		})
	})
}

// TestFutureLineKeepsSources (issue 13 §7 a): with 18 scanners tracked, one
// BSD-format line dated 6 days ahead (inside the parser's 7-day slack) used
// to expire them all and hide every later attacker for 6 days.
func TestFutureLineKeepsSources(t *testing.T) {
	clockModes(t, func(t *testing.T, observe func(*Engine, []*sources.Packet)) {
		e := newEngine(t)
		for i := range 18 {
			observe(e, synScan(fmt.Sprintf("198.51.100.%d", 10+i), victim, uint16(1+i*10), 6))
		}
		future := parseLine(t, "Mar  7 12:00:00 fw kernel: "+forgedSYN)
		if want := t0.Add(6 * 24 * time.Hour); !future.Time.Equal(want) {
			t.Fatalf("line dated %v, want %v", future.Time, want)
		}
		observe(e, []*sources.Packet{future})
		later := synScan(attacker2, victim, 1, 6)
		for _, p := range later {
			p.Time = p.Time.Add(10 * time.Second)
		}
		observe(e, later)
		if st := e.Stats(); st.Expired != 0 || st.Sources != 20 || st.FutureTimes != 1 {
			t.Errorf("stats %+v", st)
		}
		if n := len(e.Attackers(1)); n != 19 {
			t.Errorf("%d attackers, want the 18 and the later one", n)
		}
		if _, ok := find(e, attacker2); !ok {
			t.Errorf("later attacker not listed")
		}
	})
}

// TestUntrustedFutureKeepsTrusted (issue 13 §7 b): untrusted RFC 3339 lines
// dated 10 years ahead (anyone can write them with logger) used to expire a
// trusted level-3 attacker. Here five come in a row, so that even the
// clock of all packets agrees: the trusted one does not move.
func TestUntrustedFutureKeepsTrusted(t *testing.T) {
	clockModes(t, func(t *testing.T, observe func(*Engine, []*sources.Packet)) {
		e := newEngine(t)
		scan := synScan(attacker, victim, 1, 200)
		for _, p := range scan {
			p.Trusted = true
		}
		observe(e, scan)
		if level(e, attacker) != 3 {
			t.Fatalf("level %d before", level(e, attacker))
		}
		for range 5 {
			observe(e, []*sources.Packet{parseLine(t, "2034-03-01T12:00:00+00:00 fw kernel: "+forgedSYN)})
		}
		a, _ := find(e, attacker)
		if a.Level != 3 || a.Packets != 200 || !a.Trusted {
			t.Errorf("trusted attacker after the forged lines: level %d, %d packets, trusted %v", a.Level, a.Packets, a.Trusted)
		}
		if st := e.Stats(); st.FutureTimes == 0 {
			t.Errorf("stats %+v", st)
		}
		// A forged line naming the attacker itself does not end its state
		// either (it makes the evidence untrusted, as any forged line does).
		own := parseLine(t, "2034-03-01T12:00:00+00:00 fw kernel: "+forgedSYN)
		own.Src = scan[0].Src
		observe(e, []*sources.Packet{own})
		if a, _ := find(e, attacker); a.Level != 3 || a.Packets != 201 {
			t.Errorf("after a forged line of its own: level %d, %d packets", a.Level, a.Packets)
		}
	})
}

// TestClockAgreement: without a host clock, the clock moves only where
// clockVotes packets in a row agree; a real jump (the log goes on hours
// later) still expires what came before.
func TestClockAgreement(t *testing.T) {
	e := newEngine(t)
	feed(e, synScan(attacker, victim, 1, 10))
	for i := range clockVotes - 1 { // two outliers in a row, then the stream
		feed(e, []*sources.Packet{at(syn(fmt.Sprintf("192.0.2.%d", i+1), victim, 22), 48*time.Hour)})
	}
	feed(e, []*sources.Packet{at(syn(attacker2, victim, 22), time.Second)})
	if st := e.Stats(); st.Expired != 0 || st.FutureTimes != clockVotes-1 {
		t.Fatalf("after %d outliers: %+v", clockVotes-1, st)
	}
	for i := range clockVotes {
		feed(e, []*sources.Packet{at(syn(fmt.Sprintf("192.0.2.%d", 10+i), victim, 22), 3*time.Hour)})
	}
	for _, src := range []string{attacker, attacker2} {
		if _, ok := find(e, src); ok {
			t.Errorf("%s still listed after the log moved on 3 hours", src)
		}
	}
	if st := e.Stats(); st.Expired == 0 {
		t.Errorf("after the jump: %+v", st)
	}
}

// TestSetNowRepairsClock: a state whose clock ran ahead (saved by a build
// that let one line move it) is pulled back to the host's clock.
func TestSetNowRepairsClock(t *testing.T) {
	e := newEngine(t)
	feed(e, synScan(attacker, victim, 1, 10))
	e.clock = clock{now: t0.Add(6 * 24 * time.Hour).UnixNano(), set: true}
	e.trusted, e.latest = e.clock, e.clock.now
	e.SetNow(t0.Add(time.Minute))
	feed(e, []*sources.Packet{at(syn(attacker2, victim, 22), time.Minute)})
	if _, ok := find(e, attacker); !ok {
		t.Errorf("attacker hidden by a clock 6 days ahead")
	}
}

// TestClockState: the clocks and their votes survive MarshalState, so a
// restored engine goes on as the old one (here with two outliers still
// waiting in the votes); a version 2 state has both clocks at its latest
// time.
func TestClockState(t *testing.T) {
	head := cat(synScan(attacker, victim, 1, 20), []*sources.Packet{
		at(syn("192.0.2.1", victim, 22), 48*time.Hour), at(syn("192.0.2.2", victim, 22), 48*time.Hour)})
	tail := cat(repeat(at(syn(attacker2, victim, 80), 2*time.Hour), 5), synScan(attacker, victim, 100, 5))
	a := newEngine(t)
	feed(a, head)
	for _, v := range []uint64{stateVersion, 2} {
		b := newEngine(t)
		if err := b.RestoreState(a.marshal(v)); err != nil {
			t.Fatal(err)
		}
		if v == 2 {
			if b.clock.now != a.latest || b.trusted.now != a.latest || b.clock.n != 0 {
				t.Errorf("version 2: clocks %+v %+v, latest %d", b.clock, b.trusted, a.latest)
			}
			continue
		}
		if votes(b.clock) != votes(a.clock) || votes(b.trusted) != votes(a.trusted) || b.future != a.future {
			t.Errorf("clocks %+v %+v, want %+v %+v", b.clock, b.trusted, a.clock, a.trusted)
		}
		feed(b, tail)
		c := newEngine(t)
		feed(c, cat(head, tail))
		if !reflect.DeepEqual(b.Stats(), c.Stats()) || !reflect.DeepEqual(b.Attackers(0), c.Attackers(0)) {
			t.Errorf("restored engine went on differently:\n%+v\n%+v", b.Stats(), c.Stats())
		}
	}
}

// votes is c with its votes in order, oldest first.
func votes(c clock) clock {
	var o clock
	o.now, o.set, o.n = c.now, c.set, c.n
	for k := range int(c.n) {
		o.recent[k] = c.recent[(int(c.i)+clockVotes-int(c.n)+k)%clockVotes]
	}
	return o
}

// TestClockPastPackets: a log read out of order (the newer file first)
// goes on counting the older packets: a packet dated behind the clock ends
// no window, its own source's included (Retain: analyze lists the windows
// behind the clock too).
func TestClockPastPackets(t *testing.T) {
	e := newEngine(t, func(c *Config) { c.Retain = 10 })
	later := synScan(attacker2, victim, 1, 20)
	for _, p := range later {
		p.Time = p.Time.Add(3 * time.Hour)
	}
	feed(e, later)
	feed(e, synScan(attacker, victim, 1, 20))
	if a, _ := find(e, attacker); a.Packets != 20 || a.Level != 2 {
		t.Errorf("older scan: %d packets, level %d", a.Packets, a.Level)
	}
}
