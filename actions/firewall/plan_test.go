package firewall

import (
	"strings"
	"testing"
)

func TestScript(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		remove bool
		want   []string
	}{
		{"defaults, IPv6", Config{Families: IPv6}, false, []string{
			"ip6tables -w -N IFW-LOG  # ifw's logging chain",
			"ip6tables -w -A IFW-LOG -m comment --comment ifw -j LOG --log-prefix 'ifw ' --log-tcp-sequence --log-tcp-options --log-ip-options  # log what is about to be dropped",
			"ip6tables -w -I INPUT 1 -m set --match-set ifw-block6 src -m comment --comment ifw -j DROP  # drop sources in ipset ifw-block6",
			"ip6tables -w -I FORWARD 1 -m set --match-set ifw-block6 src -m comment --comment ifw -j DROP  # drop sources in ipset ifw-block6",
			"ip6tables -w -A INPUT -m comment --comment ifw -j IFW-LOG  # before INPUT's final DROP/REJECT rule, or appended if its policy is DROP; not added if it accepts",
			"ip6tables -w -A FORWARD -m comment --comment ifw -j IFW-LOG  # before FORWARD's final DROP/REJECT rule, or appended if its policy is DROP; not added if it accepts",
		}},
		{"legacy, nflog, bulk, queue, INPUT only", Config{Backend: BackendLegacy, Families: IPv4, Chains: []string{"INPUT"},
			Sets4: []string{"ifw-block4", "ifw-bulk4"}, Log: LogConfig{Target: LogNFLOG, Group: 7, Hook: HookAppend},
			Queue: &QueueConfig{Num: 2, Bypass: true}}, false, []string{
			"iptables-legacy -w -N IFW-LOG  # ifw's logging chain",
			"iptables-legacy -w -A IFW-LOG -m comment --comment ifw -j NFLOG --nflog-prefix ifw --nflog-group 7  # log what is about to be dropped",
			"iptables-legacy -w -I INPUT 1 -m set --match-set ifw-block4 src -m comment --comment ifw -j DROP  # drop sources in ipset ifw-block4",
			"iptables-legacy -w -I INPUT 2 -m set --match-set ifw-bulk4 src -m comment --comment ifw -j DROP  # drop sources in ipset ifw-bulk4",
			"iptables-legacy -w -A INPUT -m comment --comment ifw -j IFW-LOG  # log packets INPUT is about to drop",
			"iptables-legacy -w -A OUTPUT '!' -o lo -m conntrack --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 2 --queue-bypass  # ask about new outbound connections",
			"iptables-legacy -w -A OUTPUT '!' -o lo -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack '!' --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 2 --queue-bypass  # ask about TCP connections conntrack takes for an old one",
		}},
		{"queue with reject mark", Config{Log: LogConfig{Target: LogNone}, Sets4: []string{"b4"}, Sets6: []string{"b6"}, Chains: []string{"INPUT"},
			Queue: &QueueConfig{Num: 5, RejectMark: DefaultRejectMark}}, false, []string{
			"iptables -w -I INPUT 1 -m set --match-set b4 src -m comment --comment ifw -j DROP  # drop sources in ipset b4",
			"iptables -w -A OUTPUT -p tcp -m mark --mark 0x10000000/0x10000000 -m comment --comment ifw -j REJECT --reject-with tcp-reset  # reset TCP connections the outbound module rejects",
			"iptables -w -A OUTPUT -m mark --mark 0x10000000/0x10000000 -m comment --comment ifw -j REJECT --reject-with icmp-port-unreachable  # refuse other connections the outbound module rejects",
			"iptables -w -A OUTPUT '!' -o lo -m conntrack --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 5  # ask about new outbound connections",
			"iptables -w -A OUTPUT '!' -o lo -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack '!' --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 5  # ask about TCP connections conntrack takes for an old one",
			"ip6tables -w -I INPUT 1 -m set --match-set b6 src -m comment --comment ifw -j DROP  # drop sources in ipset b6",
			"ip6tables -w -A OUTPUT -p tcp -m mark --mark 0x10000000/0x10000000 -m comment --comment ifw -j REJECT --reject-with tcp-reset  # reset TCP connections the outbound module rejects",
			"ip6tables -w -A OUTPUT -m mark --mark 0x10000000/0x10000000 -m comment --comment ifw -j REJECT --reject-with icmp6-port-unreachable  # refuse other connections the outbound module rejects",
			"ip6tables -w -A OUTPUT '!' -o lo -m conntrack --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 5  # ask about new outbound connections",
			"ip6tables -w -A OUTPUT '!' -o lo -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack '!' --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 5  # ask about TCP connections conntrack takes for an old one",
		}},
		{"dns", Config{Families: IPv4, Log: LogConfig{Target: LogNone}, Sets4: []string{"b4", "k4"}, DNS: &DNSConfig{Group: 9}}, false, []string{
			"iptables -w -I INPUT 1 -m set --match-set b4 src -m comment --comment ifw -j DROP  # drop sources in ipset b4",
			"iptables -w -I INPUT 2 -m set --match-set k4 src -m comment --comment ifw -j DROP  # drop sources in ipset k4",
			"iptables -w -I FORWARD 1 -m set --match-set b4 src -m comment --comment ifw -j DROP  # drop sources in ipset b4",
			"iptables -w -I FORWARD 2 -m set --match-set k4 src -m comment --comment ifw -j DROP  # drop sources in ipset k4",
			"iptables -w -I OUTPUT 1 -p udp -m udp --dport 53 -m comment --comment ifw -j NFLOG --nflog-group 9  # log the host's DNS queries (udp) for the names of destinations",
			"iptables -w -I INPUT 3 -p udp -m udp --sport 53 -m comment --comment ifw -j NFLOG --nflog-group 9  # log the DNS answers (udp) the host receives",
			"iptables -w -I OUTPUT 2 -p tcp -m tcp --dport 53 -m comment --comment ifw -j NFLOG --nflog-group 9  # log the host's DNS queries (tcp) for the names of destinations",
			"iptables -w -I INPUT 4 -p tcp -m tcp --sport 53 -m comment --comment ifw -j NFLOG --nflog-group 9  # log the DNS answers (tcp) the host receives",
		}},
		{"reject mark, remove", Config{Families: IPv6, Log: LogConfig{Target: LogNone}, Chains: []string{"INPUT"},
			Queue: &QueueConfig{Num: 1, RejectMark: 0xffffffff}}, true, []string{
			"ip6tables -w -D OUTPUT '!' -o lo -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack '!' --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 1",
			"ip6tables -w -D OUTPUT '!' -o lo -m conntrack --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 1",
			"ip6tables -w -D OUTPUT -m mark --mark 0xffffffff -m comment --comment ifw -j REJECT --reject-with icmp6-port-unreachable",
			"ip6tables -w -D OUTPUT -p tcp -m mark --mark 0xffffffff -m comment --comment ifw -j REJECT --reject-with tcp-reset",
			"ip6tables -w -D INPUT -m set --match-set ifw-block6 src -m comment --comment ifw -j DROP",
		}},
		{"no log, remove", Config{Families: IPv4, Log: LogConfig{Target: LogNone}, Queue: &QueueConfig{}}, true, []string{
			"iptables -w -D OUTPUT '!' -o lo -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack '!' --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 0",
			"iptables -w -D OUTPUT '!' -o lo -m conntrack --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num 0",
			"iptables -w -D FORWARD -m set --match-set ifw-block4 src -m comment --comment ifw -j DROP",
			"iptables -w -D INPUT -m set --match-set ifw-block4 src -m comment --comment ifw -j DROP",
		}},
		{"remove", Config{Families: IPv4, Chains: []string{"FORWARD"}, Log: LogConfig{Prefix: "it's"}}, true, []string{
			"iptables -w -D FORWARD -m comment --comment ifw -j IFW-LOG",
			"iptables -w -D FORWARD -m set --match-set ifw-block4 src -m comment --comment ifw -j DROP",
			"iptables -w -F IFW-LOG",
			"iptables -w -X IFW-LOG",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			got := Script(tt.cfg, tt.remove)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Script:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestRuleLineAndShell(t *testing.T) {
	r := Plan(Config{Families: IPv4, Log: LogConfig{Prefix: "it's me"}})[1]
	if got, want := r.Line(), `-A IFW-LOG -m comment --comment ifw -j LOG --log-prefix "it's me" --log-tcp-sequence --log-tcp-options --log-ip-options`; got != want {
		t.Errorf("Line = %s\nwant %s", got, want)
	}
	if got := r.Shell(); !strings.Contains(got, `--log-prefix 'it'\''s me'`) {
		t.Errorf("Shell = %s", got)
	}
	tok, err := splitSave(r.Line())
	if err != nil || tok[len(tok)-4] != "it's me" {
		t.Errorf("splitSave(Line) = %q, %v", tok, err)
	}
}

func TestSplitSave(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{"-A INPUT -j DROP", []string{"-A", "INPUT", "-j", "DROP"}, false},
		{`-A X --log-prefix "ifw " -j LOG`, []string{"-A", "X", "--log-prefix", "ifw ", "-j", "LOG"}, false},
		{`-A X --comment "a \"b\" \\c"`, []string{"-A", "X", "--comment", `a "b" \c`}, false},
		{`-A X --comment ""`, []string{"-A", "X", "--comment", ""}, false},
		{"  -P  INPUT\tDROP ", []string{"-P", "INPUT", "DROP"}, false},
		{`-A X "open`, nil, true},
	}
	for _, tt := range tests {
		got, err := splitSave(tt.in)
		if (err != nil) != tt.err || strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("splitSave(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseListing(t *testing.T) {
	out := "-P INPUT DROP\n-P FORWARD ACCEPT\n-N IFW-LOG\n# Warning: x\n-A INPUT -m comment --comment ifw -j IFW-LOG\n-A INPUT -g IFW-LOG\n"
	tb, err := parseListing([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if tb.policies["INPUT"] != "DROP" || !tb.hasChain(LogChain) || len(tb.rules) != 2 {
		t.Fatalf("table = %+v", tb)
	}
	if !tb.rules[0].ours() || tb.rules[1].ours() || !tb.rules[1].jumpsTo(LogChain) {
		t.Errorf("ours/jumpsTo wrong: %+v", tb.rules)
	}
	for _, bad := range []string{"-X FOO\n", "-A\n", `-A INPUT "x` + "\n"} {
		if _, err := parseListing([]byte(bad)); err == nil {
			t.Errorf("parseListing(%q) accepted", bad)
		}
	}
}
