package report

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// engineRun runs a real engine as ifw report --log does (attackers of
// every scan window kept, each detection an event) over the packets feed
// gives it, and returns the attackers and the events.
func engineRun(t *testing.T, feed func(observe func(*sources.Packet))) ([]signatures.Attacker, []Event) {
	t.Helper()
	cfg := signatures.DefaultConfig()
	cfg.Retain = 100 // as ifw analyze: keep the attackers whose window ended
	e, err := signatures.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var events []Event
	feed(func(p *sources.Packet) {
		if d, ok := e.Observe(p); ok {
			events = append(events, EventOf(&d))
		}
	})
	return e.Attackers(1), events
}

// logPacket is a packet of a log: a SYN to a TCP port, or UDP.
func logPacket(src, dst string, proto uint8, port int, when time.Time) *sources.Packet {
	p := &sources.Packet{Fields: sources.HasTime | sources.HasPorts, Time: when, Chain: sources.ChainInput,
		In: "eth0", Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), Proto: proto,
		DstPort: uint16(port), SrcPort: 40000, TTL: 50, Trusted: true}
	p.Version = 4
	if p.Src.Is6() {
		p.Version = 6
	}
	if proto == sources.ProtoTCP {
		p.Fields |= sources.HasTCP
		p.TCPFlags, p.Window = sources.SYN, 1024
	}
	return p
}

// analyzed runs a real engine over a SYN scan of 200 ports from
// 198.51.100.7 and a UDP scan of 60 ports from 2001:db8::5, as ifw report
// --log does, and returns its attackers and events.
func analyzed(t *testing.T) ([]signatures.Attacker, []Event) {
	t.Helper()
	return engineRun(t, func(observe func(*sources.Packet)) {
		for i := range 200 {
			observe(logPacket("198.51.100.7", "203.0.113.5", sources.ProtoTCP, i+1, at(2, 0).Add(time.Duration(i)*time.Second)))
		}
		for i := range 60 {
			observe(logPacket("2001:db8::5", "2001:db8::1", sources.ProtoUDP, 1000+i, at(5, 0).Add(time.Duration(i)*time.Second)))
		}
	})
}

// TestFromAnalysis: the report of a log has the alerts the engine raised,
// the attackers' first to last packet as its period, and no blocks.
func TestFromAnalysis(t *testing.T) {
	as, events := analyzed(t)
	if len(as) != 2 {
		t.Fatalf("%d attackers", len(as))
	}
	r, err := FromAnalysis(as, events, Options{Host: "laptop", Compare: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Origin != OriginLog || r.Blocks != nil || r.Previous != nil || r.Outbound != nil {
		t.Errorf("origin %q blocks %v previous %v", r.Origin, r.Blocks, r.Previous)
	}
	if r.Period != (Period{at(2, 0), at(5, 0).Add(59 * time.Second)}) || !r.Generated.Equal(r.Period.To) {
		t.Errorf("period %v generated %v", r.Period, r.Generated)
	}
	if r.Totals.Alerts != len(events) || len(events) < 4 || r.Totals.Attackers != 2 || r.Totals.Packets != 260 || r.Totals.Blocks != 0 {
		t.Errorf("totals %+v", r.Totals)
	}
	top := r.TopAttackers[0]
	if top.Src != addr("198.51.100.7") || top.Ports != "tcp/1-200" || top.Packets != 200 || len(top.Scans) != 1 {
		t.Errorf("top attacker %+v", top)
	}
	if top.Alerts+r.TopAttackers[1].Alerts != len(events) || top.Alerts < 2 {
		t.Errorf("alerts per attacker %d, %d of %d", top.Alerts, r.TopAttackers[1].Alerts, len(events))
	}
	if len(r.Hourly) != 4 || r.Hourly[0].Alerts != top.Alerts || r.Hourly[3].Alerts != r.TopAttackers[1].Alerts {
		t.Errorf("hourly %+v", r.Hourly)
	}
	// one packet a port, more ports than counted: ports actually hit, at
	// least one packet each
	if len(r.TopPorts) == 0 {
		t.Fatal("no top port")
	}
	for _, p := range r.TopPorts {
		tcp, udp := p.Proto == "tcp" && p.Port >= 1 && p.Port <= 200, p.Proto == "udp" && p.Port >= 1000 && p.Port < 1060
		if !tcp && !udp || p.Packets != 1 || !p.AtLeast || p.Attackers != 1 {
			t.Errorf("top port %+v", p)
		}
	}
}

// TestFromAnalysisOptions: a period given is kept; no attacker gives an
// empty report; a bad Top is an error.
func TestFromAnalysisOptions(t *testing.T) {
	as, events := analyzed(t)
	r, err := FromAnalysis(as, events, Options{From: day, To: at(24, 0)})
	if err != nil || r.Period != (Period{day, at(24, 0)}) || len(r.Hourly) != 24 {
		t.Errorf("period %v, %d buckets, %v", r.Period, len(r.Hourly), err)
	}
	r, err = FromAnalysis(nil, nil, Options{})
	if err != nil || r.Totals != (Totals{}) || len(r.Hourly) != 0 || r.TopAttackers == nil {
		t.Errorf("no attacker: %+v, %v", r, err)
	}
	for _, f := range renderers {
		render(t, r, f.render)
	}
	if _, err := FromAnalysis(nil, nil, Options{Top: -1}); err == nil {
		t.Error("Top -1 accepted")
	}
}

// TestFromAnalysisAlertsAtTheirTime: an attacker that scanned early in a
// long log and came back at its end has its alerts where they happened,
// not all at its last packet; its packets are those of both visits.
func TestFromAnalysisAlertsAtTheirTime(t *testing.T) {
	as, events := engineRun(t, func(observe func(*sources.Packet)) {
		for _, start := range []time.Time{at(1, 0), at(70, 0)} { // two scan windows, three days apart
			for i := range 100 {
				observe(logPacket("198.51.100.7", "203.0.113.5", sources.ProtoTCP, i+1, start.Add(time.Duration(i)*time.Second)))
			}
		}
		for i := range 20 {
			observe(logPacket("198.51.100.9", "203.0.113.5", sources.ProtoTCP, 1000+i, at(30, 0).Add(time.Duration(i)*time.Second)))
		}
	})
	r, err := FromAnalysis(as, events, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.BucketHours != 1 {
		t.Fatalf("buckets of %d hours", r.BucketHours)
	}
	perHour := map[int]int{}
	for _, b := range r.Hourly {
		if b.Alerts > 0 {
			perHour[int(b.Start.Sub(day).Hours())] = b.Alerts
		}
	}
	if len(perHour) != 3 || perHour[1] == 0 || perHour[30] == 0 || perHour[70] == 0 || perHour[1]+perHour[30]+perHour[70] != len(events) {
		t.Errorf("alerts per hour %v, %d events", perHour, len(events))
	}
	if top := r.TopAttackers[0]; top.Src != addr("198.51.100.7") || top.Packets != 200 || top.Alerts != perHour[1]+perHour[70] {
		t.Errorf("top attacker %+v", top)
	}
}
