package report

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// analyzed runs a real engine over a SYN scan of 200 ports from
// 198.51.100.7 and a UDP scan of 60 ports from 2001:db8::5, as ifw analyze
// does, and returns its attackers.
func analyzed(t *testing.T) []signatures.Attacker {
	t.Helper()
	cfg := signatures.DefaultConfig()
	cfg.Retain = 100 // as ifw analyze: keep the attackers whose window ended
	e, err := signatures.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	packet := func(src, dst string, proto uint8, port int, when time.Time) *sources.Packet {
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
	for i := range 200 {
		e.Count(packet("198.51.100.7", "203.0.113.5", sources.ProtoTCP, i+1, at(2, 0).Add(time.Duration(i)*time.Second)))
	}
	for i := range 60 {
		e.Count(packet("2001:db8::5", "2001:db8::1", sources.ProtoUDP, 1000+i, at(5, 0).Add(time.Duration(i)*time.Second)))
	}
	return e.Attackers(1)
}

// TestFromAnalysis: the report of a log has one alert per attacker, the
// attackers' first to last packet as its period, and no blocks.
func TestFromAnalysis(t *testing.T) {
	as := analyzed(t)
	if len(as) != 2 {
		t.Fatalf("%d attackers", len(as))
	}
	r, err := FromAnalysis(as, Options{Host: "laptop", Compare: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Origin != OriginLog || r.Blocks != nil || r.Previous != nil || r.Outbound != nil {
		t.Errorf("origin %q blocks %v previous %v", r.Origin, r.Blocks, r.Previous)
	}
	if r.Period != (Period{at(2, 0), at(5, 0).Add(59 * time.Second)}) || !r.Generated.Equal(r.Period.To) {
		t.Errorf("period %v generated %v", r.Period, r.Generated)
	}
	if r.Totals.Alerts != 2 || r.Totals.Attackers != 2 || r.Totals.Packets != 260 || r.Totals.Blocks != 0 {
		t.Errorf("totals %+v", r.Totals)
	}
	top := r.TopAttackers[0]
	if top.Src != addr("198.51.100.7") || top.Ports != "tcp/1-200" || top.Packets != 200 || len(top.Scans) != 1 {
		t.Errorf("top attacker %+v", top)
	}
	if len(r.Hourly) != 4 || r.Hourly[0].Alerts != 1 || r.Hourly[3].Alerts != 1 {
		t.Errorf("hourly %+v", r.Hourly)
	}
	if len(r.TopPorts) != DefaultTop || r.TopPorts[0] != (PortCount{"tcp", 1, 1, 1}) { // one packet each: by port
		t.Errorf("top port %+v", r.TopPorts[0])
	}
}

// TestFromAnalysisOptions: a period given is kept; no attacker gives an
// empty report; a bad Top is an error.
func TestFromAnalysisOptions(t *testing.T) {
	r, err := FromAnalysis(analyzed(t), Options{From: day, To: at(24, 0)})
	if err != nil || r.Period != (Period{day, at(24, 0)}) || len(r.Hourly) != 24 {
		t.Errorf("period %v, %d buckets, %v", r.Period, len(r.Hourly), err)
	}
	r, err = FromAnalysis(nil, Options{})
	if err != nil || r.Totals != (Totals{}) || len(r.Hourly) != 0 || r.TopAttackers == nil {
		t.Errorf("no attacker: %+v, %v", r, err)
	}
	for _, f := range renderers {
		render(t, r, f.render)
	}
	if _, err := FromAnalysis(nil, Options{Top: -1}); err == nil {
		t.Error("Top -1 accepted")
	}
}
