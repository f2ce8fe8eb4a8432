package rules

import (
	"net/netip"
	"testing"

	"github.com/ifw/ifw/sources"
)

// Shorthands for the default-set table.
const (
	sa  = sources.SYN | sources.ACK
	ack = sources.ACK
)

func synECN(dport uint16) *sources.Packet {
	return tcp(sources.SYN|sources.ECE|sources.CWR, dport)
}

func udpLen(dport, l uint16) *sources.Packet {
	return with(udp(dport), func(p *sources.Packet) { p.UDPLen = l; p.Len = uint32(l) + 20 })
}

func icmpData(typ uint8, data uint32) *sources.Packet {
	return with(icmp(typ, 0), func(p *sources.Packet) { p.Len = 28 + data })
}

func from(p *sources.Packet, src string) *sources.Packet {
	return with(p, func(p *sources.Packet) { p.Src = netip.MustParseAddr(src) })
}

func to(p *sources.Packet, dst string) *sources.Packet {
	return with(p, func(p *sources.Packet) { p.Dst = netip.MustParseAddr(dst) })
}

func hops(p *sources.Packet, ttl uint8) *sources.Packet {
	return with(p, func(p *sources.Packet) { p.TTL = ttl })
}

func sport(p *sources.Packet, port uint16) *sources.Packet {
	return with(p, func(p *sources.Packet) { p.SrcPort = port })
}

func ipFlags(p *sources.Packet, f sources.IPFlags, length uint32) *sources.Packet {
	return with(p, func(p *sources.Packet) { p.IPFlags = f; p.Len = length })
}

// defaultCases holds, for every rule of etc/signatures, a packet that must
// match it and one that must not.
var defaultCases = map[int]struct{ hit, miss *sources.Packet }{
	1000: {syn(12346), tcp(sa, 12345)},
	1001: {synECN(20034), tcp(ack, 20034)},
	1002: {udp(31337), udp(31338)},
	1003: {syn(54320), syn(54321)},
	1004: {udp(54321), udp(54320)},
	1005: {syn(31337), udp(31337)},
	1006: {syn(6712), syn(6714)},
	1007: {syn(17300), tcp(sources.RST, 17300)},
	1008: {udp(3150), syn(3150)},
	1010: {syn(3198), syn(3199)},
	1011: {syn(2745), tcp(sa, 2745)},
	1012: {syn(9996), syn(9995)},
	1013: {syn(4444), tcp(ack|sources.PSH, 4444)},
	1015: {syn(30101), syn(30103)},
	1017: {syn(1604), syn(1605)},
	1019: {syn(5552), syn(5553)},
	1023: {syn(6667), syn(6670)},
	1030: {udp(31335), udp(27445)},
	1031: {syn(27665), udp(27665)},
	1032: {syn(65000), syn(16661)},
	1033: {udp(20433), udp(20432)},
	1100: {syn(1433), tcp(ack, 1433)},
	1101: {udp(1434), udp(1433)},
	1102: {udpLen(1434, 384), udpLen(1434, 100)},
	1103: {syn(3306), tcp(sa, 3306)},
	1104: {syn(5432), syn(5433)},
	1105: {syn(1521), syn(1522)},
	1106: {syn(27019), syn(27020)},
	1107: {syn(6379), tcp(ack, 6379)},
	1108: {syn(9300), syn(9301)},
	1109: {syn(11211), tcp(ack, 11211)},
	1110: {udp(11211), udp(11212)},
	1200: {syn(3389), udp(3389)},
	1202: {syn(5905), syn(5911)},
	1204: {syn(6063), syn(6064)},
	1205: {syn(4899), tcp(ack, 4899)},
	1206: {syn(5632), syn(5633)},
	1207: {udp(5632), udp(5631)},
	1209: {syn(5986), syn(5987)},
	1210: {syn(513), syn(515)},
	1212: {syn(1080), tcp(ack, 1080)},
	1214: {syn(4786), syn(4787)},
	1300: {syn(2323), tcp(ack, 23)},
	1301: {withSeq(syn(23), addrNum(victim)), withSeq(syn(23), 12345)},
	1302: {syn(5555), syn(5554)},
	1303: {syn(7547), tcp(ack, 7547)},
	1304: {syn(37215), syn(37216)},
	1305: {syn(52869), syn(52870)},
	1306: {udp(53413), syn(53413)},
	1307: {syn(8291), syn(8290)},
	1308: {syn(37777), syn(37778)},
	1309: {udp(1900), syn(1900)},
	1312: {udp(10001), udp(10002)},
	1320: {syn(502), syn(503)},
	1321: {syn(102), tcp(ack, 102)},
	1322: {udp(47808), udp(47809)},
	1400: {syn(445), tcp(sa, 445)},
	1401: {syn(139), syn(140)},
	1402: {udp(137), udp(136)},
	1403: {udp(138), syn(138)},
	1404: {syn(135), tcp(ack, 135)},
	1500: {tcp(sources.SYN|sources.FIN, 80), tcp(sources.FIN|ack, 80)},
	1501: {tcp(sources.SYN|sources.RST, 80), tcp(sources.RST|ack, 80)},
	1502: {tcp(sources.FIN|sources.RST|ack, 80), tcp(sources.FIN|ack, 80)},
	1503: {tcp(0x3f, 80), tcp(0x3e, 80)},
	1504: {tcp(sources.URG|sources.PSH, 80), tcp(sources.URG|ack, 80)},
	1505: {tcp(sources.PSH, 80), tcp(sources.PSH|ack, 80)},
	1506: {with(syn(80), func(p *sources.Packet) { p.Window = 0 }), syn(80)},
	1600: {icmp(4, 0), icmp(3, 4)},
	1601: {icmp(5, 1), icmp(5, 4)},
	1602: {icmp(5, 9), icmp(5, 3)},
	1603: {icmp(13, 0), icmp(14, 0)},
	1604: {icmp(15, 0), icmp(16, 0)},
	1605: {icmp(17, 0), icmp(18, 0)},
	1607: {icmp(9, 0), icmp(10, 0)},
	1609: {icmp(8, 9), icmp(8, 0)},
	1611: {icmp(3, 16), icmp(3, 15)},
	1612: {icmp(11, 2), icmp(11, 1)},
	1613: {icmp(12, 3), icmp(12, 2)},
	1614: {icmp(33, 0), icmp(40, 0)},
	1615: {icmpData(8, 1000), icmpData(8, 800)},
	1616: {ipFlags(icmpData(8, 1472), sources.FlagMF, 1500), icmpData(8, 1472)},
	1617: {icmpData(8, 0), icmp(8, 0)},
	1650: {icmp6(139, 0), icmp6(140, 0)},
	1651: {icmp6(138, 0), icmp6(128, 0)},
	1652: {icmp6(137, 0), from(icmp6(137, 0), "fe80::1")},
	1653: {icmp6(135, 0), hops(icmp6(135, 0), 255)},
	1700: {hops(udp(53), 0), hops(udp(53), 1)},
	1701: {withIPOpts(syn(80), 1, 131, 7, 4, 192, 0, 2, 1), withIPOpts(syn(80), 7, 3, 4, 0)},
	1702: {withIPOpts(icmp(8, 0), 7, 3, 4, 0), withIPOpts(icmp(8, 0), 1, 1, 1, 0)},
	1703: {withIPOpts(udp(53), 68, 4, 5, 0), withIPOpts(udp(53), 148, 4, 0, 0)},
	1704: {ipFlags(syn(80), sources.FlagCE, 60), syn(80)},
	1705: {ipFlags(udp(53), sources.FlagMF, 48), ipFlags(udp(53), sources.FlagMF, 68)},
	1706: {ipFlags(syn(80), sources.FlagMF, 32), ipFlags(syn(80), sources.FlagMF, 40)},
	1707: {frag(sources.ProtoTCP, 1, 40), frag(sources.ProtoTCP, 2, 40)},
	1708: {frag(sources.ProtoICMP, 8100, 1500), frag(sources.ProtoICMP, 8000, 1500)},
	1709: {from(udp(53), "224.0.0.251"), from(udp(53), "223.255.255.255")},
	1710: {to(syn(80), "239.1.2.3"), to(udp(5353), "224.0.0.251")},
	1711: {from(syn(80), victim.String()), to(from(syn(80), "127.0.0.1"), "127.0.0.1")},
	1712: {syn(0), udp(0)},
	1713: {sport(syn(80), 0), sport(udp(80), 0)},
	1714: {udp(0), udp(1)},
	1715: {sport(udp(53), 0), sport(udp(53), 1)},
	1716: {from(syn(80), "0.0.0.0"), from(udp(67), "0.0.0.0")},
	1800: {udp(111), syn(112)},
	1802: {udp(161), udp(162)},
	1803: {udp(19), syn(19)},
	1805: {udp(7), udp(8)},
	1807: {udp(389), syn(389)},
	1808: {syn(2375), syn(2377)},
	1809: {syn(10250), tcp(ack, 10250)},
	1810: {syn(2380), syn(2381)},
	1812: {udp(5060), udp(5061)},
	1814: {hops(udp(33434), 1), udp(33535)},
}

func TestDefaultRules(t *testing.T) {
	s := loadDefault(t)
	for _, r := range s.Rules() {
		c, ok := defaultCases[r.ID]
		if !ok {
			t.Errorf("rule %d (%s) has no test case in defaultCases", r.ID, r.Name)
			continue
		}
		if ids := matchIDs(s, c.hit); !contains(ids, r.ID) || !r.Match(c.hit) {
			t.Errorf("rule %d (%s) does not match its hit packet (matched %v)", r.ID, r.Name, ids)
		}
		if ids := matchIDs(s, c.miss); contains(ids, r.ID) || r.Match(c.miss) {
			t.Errorf("rule %d (%s) matches its miss packet", r.ID, r.Name)
		}
	}
	for id := range defaultCases {
		if s.ByID(id) == nil {
			t.Errorf("defaultCases has id %d, which etc/signatures does not", id)
		}
	}
}

func TestDefaultRulesShape(t *testing.T) {
	s := loadDefault(t)
	if n := s.Len(); n < 60 || n > 120 {
		t.Errorf("default set has %d rules, want 60-120", n)
	}
	for _, r := range s.Rules() {
		if r.Class == "" || r.Level < 1 || r.Level > 4 {
			t.Errorf("rule %d: class %q level %d", r.ID, r.Class, r.Level)
		}
	}
}

// TestDefaultBenign: ordinary traffic matches no default rule.
func TestDefaultBenign(t *testing.T) {
	s := loadDefault(t)
	benign := map[string]*sources.Packet{
		"ping":               icmp(8, 0),
		"echo reply":         icmp(0, 0),
		"port unreachable":   icmp(3, 3),
		"time exceeded":      icmp(11, 0),
		"frag needed":        icmp(3, 4),
		"ping6":              icmp6(128, 0),
		"neighbour solicit":  hops(icmp6(135, 0), 255),
		"stray ACK":          tcp(ack, 51234),
		"stray FIN+ACK":      tcp(sources.FIN|ack, 44321),
		"RST from server":    sport(tcp(sources.RST|ack, 51234), 443),
		"SYN+ACK late":       sport(tcp(sa, 38000), 443),
		"mirai port, no seq": withSeq(syn(8080), 99),
		"udp 53":             udp(53),
		"udp 123":            udp(123),
		"quic":               udp(443),
		"dhcp":               sport(udp(67), 68),
		"non-first fragment": frag(sources.ProtoUDP, 185, 1500),
	}
	for _, port := range []uint16{21, 22, 25, 53, 80, 110, 143, 443, 465, 587, 993, 995, 8080, 8443} {
		benign["SYN to "+portName(port)] = syn(port)
		benign["ECN SYN to "+portName(port)] = withTCPOpts(synECN(port), 2, 4, 5, 180, 4, 2, 8, 10)
	}
	for name, p := range benign {
		if ids := matchIDs(s, p); len(ids) > 0 {
			t.Errorf("%s matches %v", name, ids)
		}
	}
}

func portName(p uint16) string { return fieldInfos[fDport].format(uint32(p)) }
