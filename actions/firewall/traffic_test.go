package firewall

import (
	"context"
	"errors"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ifw/ifw/test/testenv"
)

// TestSystemTraffic drives packets through the rules Apply made: from a
// peer namespace over a veth pair, a TCP connection attempt to an accepted
// port is answered (refused: nothing listens) until the peer's address is
// in the block set, and a packet the policy drops goes through IFW-LOG
// first. Logging is NFLOG to a group nobody reads, so nothing reaches the
// shared kernel log.
func TestSystemTraffic(t *testing.T) {
	testenv.Tool(t, "ipset", "iptables", "ip6tables", "bash", "timeout")
	ns, run := testNS(t)
	peer := testenv.NewNetNS(t, "fw")
	vethPair(t, ns, peer)
	if _, err := Apply(context.Background(), Config{Log: LogConfig{Target: LogNFLOG, Group: 4242}}, run); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ tool, set, addr, peerAddr string }{
		{"iptables", "ifw-block4", "198.51.100.1", "198.51.100.2"},
		{"ip6tables", "ifw-block6", "2001:db8:f::1", "2001:db8:f::2"},
	} {
		if !answered(t, peer, c.addr) {
			t.Fatalf("%s: no answer before the block", c.tool)
		}
		udp := []string{"bash", "-c", "echo x > /dev/udp/" + c.addr + "/9"}
		peer.Run(t, udp...)
		if n := logCount(t, ns, c.tool); n != 1 {
			t.Errorf("%s: IFW-LOG saw %d packets of the dropped UDP probe, want 1", c.tool, n)
		}
		ns.Run(t, "ipset", "add", c.set, c.peerAddr)
		if answered(t, peer, c.addr) {
			t.Errorf("%s: a blocked address got an answer", c.tool)
		}
		peer.Run(t, udp...)
		if n := logCount(t, ns, c.tool); n != 1 {
			t.Errorf("%s: IFW-LOG saw a blocked address's packet (%d packets)", c.tool, n)
		}
	}
}

// answered tries a TCP connection to port 7 of addr: refused means the
// SYN got through and was answered, a timeout that it was dropped.
func answered(t *testing.T, ns *testenv.NetNS, addr string) bool {
	t.Helper()
	out, err := ns.Command("timeout", "1", "bash", "-c", "exec 3<>/dev/tcp/"+addr+"/7").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("connect to %s: %v %s", addr, err, out)
	}
	return strings.Contains(string(out), "refused")
}

var counterRE = regexp.MustCompile(`(?m)^\s*(\d+)\s+\d+\s+NFLOG`)

// logCount is the packet counter of the IFW-LOG rule.
func logCount(t *testing.T, ns *testenv.NetNS, tool string) int {
	t.Helper()
	out := ns.Run(t, tool, "-w", "-L", LogChain, "-v", "-x", "-n")
	m := counterRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no NFLOG rule in\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// vethPair links the namespaces (198.51.100.1-2/24, 2001:db8:f::1-2/64),
// creates the block sets in ns and a firewall that drops by default and
// accepts TCP port 7.
func vethPair(t *testing.T, ns, peer *testenv.NetNS) {
	t.Helper()
	testenv.Veth(t, ns, "ifwfw0", peer, "ifwfw1")
	for _, c := range []struct {
		ns   *testenv.NetNS
		argv string
	}{
		{ns, "ip addr add 198.51.100.1/24 dev ifwfw0"}, {ns, "ip addr add 2001:db8:f::1/64 dev ifwfw0 nodad"},
		{peer, "ip addr add 198.51.100.2/24 dev ifwfw1"}, {peer, "ip addr add 2001:db8:f::2/64 dev ifwfw1 nodad"},
		{ns, "ipset create ifw-block4 hash:net timeout 0"}, {ns, "ipset create ifw-block6 hash:net family inet6 timeout 0"},
	} {
		c.ns.Run(t, strings.Fields(c.argv)...)
	}
	for _, tool := range []string{"iptables", "ip6tables"} {
		for _, l := range []string{"-P INPUT DROP", "-A INPUT -i lo -j ACCEPT", "-A INPUT -p tcp --dport 7 -j ACCEPT",
			"-A INPUT -p ipv6-icmp -j ACCEPT"} { // neighbour discovery (a no-op rule for IPv4)
			ns.Run(t, append([]string{tool, "-w"}, strings.Fields(l)...)...)
		}
	}
}

// TestSystemRejectMark sends marked packets through the reject rules of
// QueueConfig.RejectMark. A mangle rule stands for the outbound module's
// NF_REPEAT with the mark: TCP and UDP to port 8 carry it. The marked SYN
// meets the tcp-reset rule (the connection is refused), the marked UDP
// datagram the ICMP rule; the unmarked SYN to port 9 passes both, and the
// NFQUEUE rule too: loopback traffic is never queued.
func TestSystemRejectMark(t *testing.T) {
	testenv.Tool(t, "ipset", "iptables", "ip6tables", "bash", "timeout")
	ns, run := testNS(t)
	ns.Run(t, "ipset", "create", DefaultSet4, "hash:net")
	ns.Run(t, "ipset", "create", DefaultSet6, "hash:net", "family", "inet6")
	cfg := Config{Log: LogConfig{Target: LogNone}, Queue: &QueueConfig{Num: 7, Bypass: true, RejectMark: DefaultRejectMark}}
	if _, err := Apply(context.Background(), cfg, run); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ tool, addr string }{{"iptables", "127.0.0.1"}, {"ip6tables", "::1"}} {
		for _, proto := range []string{"tcp", "udp"} {
			ns.Run(t, c.tool, "-w", "-t", "mangle", "-A", "OUTPUT", "-p", proto, "--dport", "8",
				"-j", "MARK", "--set-xmark", "0x10000000/0x10000000")
		}
		if out := try(ns, "exec 3<>/dev/tcp/"+c.addr+"/8"); !strings.Contains(out, "refused") {
			t.Errorf("%s: marked SYN: %q, want the connection refused", c.tool, out)
		}
		if out := try(ns, "exec 3<>/dev/tcp/"+c.addr+"/9"); !strings.Contains(out, "refused") {
			t.Errorf("%s: unmarked SYN: %q, want it refused by the closed port", c.tool, out)
		}
		try(ns, "echo x > /dev/udp/"+c.addr+"/8")
		tcp, other, queued := ruleCount(t, ns, c.tool, 1), ruleCount(t, ns, c.tool, 2), ruleCount(t, ns, c.tool, 3)
		if tcp != 1 || other != 1 || queued != 0 {
			t.Errorf("%s: packets rejected with a reset %d, with ICMP %d, queued %d; want 1, 1, 0", c.tool, tcp, other, queued)
		}
	}
}

// try runs a bash command in ns for at most a second and returns what it
// said.
func try(ns *testenv.NetNS, script string) string {
	out, _ := ns.Command("timeout", "1", "bash", "-c", script).CombinedOutput()
	return string(out)
}

// ruleCount is the packet counter of OUTPUT's nth rule.
func ruleCount(t *testing.T, ns *testenv.NetNS, tool string, n int) int {
	t.Helper()
	out := ns.Run(t, tool, "-w", "-L", "OUTPUT", strconv.Itoa(n), "-v", "-x", "-n")
	f := strings.Fields(out)
	if len(f) == 0 {
		t.Fatalf("%s: no rule %d in OUTPUT", tool, n)
	}
	c, err := strconv.Atoi(f[0])
	if err != nil {
		t.Fatalf("%s -L OUTPUT %d: %q", tool, n, out)
	}
	return c
}
