package test

import (
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestVerdictReusedTuple is the attack of a program that reuses the
// addresses and ports of a connection the server reset: conntrack keeps
// that connection's entry (CLOSE, 10 s) and takes the new SYN for a packet
// of it, not NEW (it lets it pass "out of sync" and resyncs on the
// SYN-ACK), so a queue rule that matches only --ctstate NEW never sees the
// connection. An allowed nc connects from a fixed source port to a server
// that resets every connection; then a program with a reject rule
// connects from the same port to the same server: it must be refused, not
// connected past the queue. nc from that port again is allowed: a SYN
// conntrack does not call NEW still connects when a rule allows it. IPv4
// and IPv6. Then the daemon, restarted over the rules an earlier
// `ifw setup` left (IPv4's SYN rule deleted), warns that this rule is
// missing, and only it.
func TestVerdictReusedTuple(t *testing.T) {
	v := newVerdictLab(t, nil, "", nil)
	bench, _ := connbenchBin()
	for _, addr := range []string{victimIP + ":8082", "[" + server6 + "]:8082"} {
		background(t, "connbench reset "+addr, exec.Command("ip", "netns", "exec", v.victim, bench, "reset", addr))
	}
	evil := v.copyNC("nc-evil")
	v.writeRules(
		"allow exe="+v.nc+" port=8082 proto=tcp",
		"reject exe="+evil+" port=8082 proto=tcp")
	v.d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the rules reloaded", time.Minute, func() bool { o := v.outbound(); return o != nil && o["rules"] == 2.0 })
	v.setup()
	for i, dst := range []string{victimIP, server6} {
		src := strconv.Itoa(40123 + i)
		waitFor(t, "the reset server on "+dst, time.Minute, func() bool {
			_, how := v.fromPort(v.nc, src, dst, false)
			return how != refused
		})
		// The server reset it: its entry stays, CLOSE, with no FIN seen.
		if _, how := v.fromPort(evil, src, dst, true); how != refused {
			t.Errorf("%s from port %s, the reset connection's tuple: %s, want refused by its rule", evil, src, how)
		}
		// Through: connected, or reset by the server before nc looked
		// (the handshake was made); a rejection would be "refused".
		if _, how := v.fromPort(v.nc, src, dst, true); how != connected && !strings.Contains(string(how), "reset by peer") {
			t.Errorf("nc from port %s again: %s, want connected", src, how)
		}
	}
	if o := v.outbound(); o["rejected"] == 0.0 || o["unknown_process"] != 0.0 {
		t.Errorf("outbound counters %v", o)
	}
	v.d.stop()
	v.in(v.attacker, "iptables", "-D", "OUTPUT", "!", "-o", "lo", "-p", "tcp", "-m", "tcp", "--tcp-flags", "FIN,SYN,RST,ACK", "SYN",
		"-m", "conntrack", "!", "--ctstate", "NEW", "-m", "comment", "--comment", "ifw", "-j", "NFQUEUE", "--queue-num", verdictQueue)
	v.d.start()
	const warning = "a firewall rule of this version is missing"
	waitFor(t, "the daemon's warning", time.Minute, func() bool { return strings.Contains(v.d.logs.String(), warning) })
	for _, l := range strings.Split(v.d.logs.String(), "\n") {
		if strings.Contains(l, warning) && (!strings.Contains(l, "rule=\"iptables -w -A OUTPUT") || !strings.Contains(l, "--ctstate NEW")) {
			t.Errorf("warning %s: want IPv4's SYN rule only", l)
		}
	}
}

// fromPort runs exe (an nc) in the client to dst port 8082 from source
// port src: with zero, it closes once connected; without, it waits for
// the server (which resets it). It reports how the connection ended.
func (v *verdictLab) fromPort(exe, src, dst string, zero bool) (bool, connEnd) {
	v.t.Helper()
	args := []string{"netns", "exec", v.attacker, exe, "-v", "-w", "2", "-p", src}
	if zero {
		args = append(args, "-z")
	}
	args = append(args, dst, "8082")
	out, err := exec.Command("ip", args...).CombinedOutput()
	return err == nil, classify(err, string(out))
}
