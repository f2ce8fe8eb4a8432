package test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ifw/ifw/test/testenv"
)

// lab is an attacker and a victim network namespace joined by a veth pair:
// attacker 198.51.100.2/24 and 2001:db8:1::2/64 on one side, victim
// 203.0.113.2/24 and 2001:db8:1::3/64... on the other (one /24 each, with
// routes), so traffic never leaves the namespaces.
type lab struct {
	t        *testing.T
	token    string
	attacker string
	victim   string
	ifA, ifV string
}

const (
	attackerIP = "198.51.100.2"
	victimIP   = "203.0.113.2"
)

// newLab builds the namespaces; everything is removed when the test ends,
// also when it fails, and net.netfilter.nf_log_all_netns (which LOG needs
// inside a namespace) is put back.
func newLab(t *testing.T) *lab {
	t.Helper()
	b := make([]byte, 3)
	rand.Read(b)
	tok := hex.EncodeToString(b)
	l := &lab{t: t, token: tok, ifA: "ta" + tok, ifV: "tv" + tok}
	l.sysctlLogAllNetns()
	attacker, victim := testenv.NewNetNS(t, "attacker"), testenv.NewNetNS(t, "victim")
	l.attacker, l.victim = attacker.Name, victim.Name
	testenv.Veth(t, attacker, l.ifA, victim, l.ifV)
	for _, c := range [][]string{
		{"ip", "-n", l.attacker, "addr", "add", attackerIP + "/24", "dev", l.ifA},
		{"ip", "-n", l.victim, "addr", "add", victimIP + "/24", "dev", l.ifV},
		{"ip", "-n", l.attacker, "route", "add", "203.0.113.0/24", "dev", l.ifA},
		{"ip", "-n", l.victim, "route", "add", "198.51.100.0/24", "dev", l.ifV},
	} {
		l.must(c...)
	}
	return l
}

// sysctlLogAllNetns sets nf_log_all_netns=1 for the test and restores it.
func (l *lab) sysctlLogAllNetns() {
	const path = "/proc/sys/net/netfilter/nf_log_all_netns"
	old, err := os.ReadFile(path)
	if err != nil {
		l.t.Fatalf("nf_log_all_netns: %v", err)
	}
	if err := os.WriteFile(path, []byte("1"), 0o644); err != nil {
		l.t.Fatalf("nf_log_all_netns: %v", err)
	}
	l.t.Cleanup(func() { os.WriteFile(path, old, 0o644) })
}

// must runs a command and fails the test if it fails.
func (l *lab) must(args ...string) string {
	l.t.Helper()
	return testenv.Run(l.t, args...)
}

// in runs a command inside namespace ns.
func (l *lab) in(ns string, args ...string) string {
	l.t.Helper()
	return l.must(append([]string{"ip", "netns", "exec", ns}, args...)...)
}

// logRules makes the victim log and drop every new inbound TCP/UDP packet:
// LOG with prefix "ifwt-TOKEN " and NFLOG group (when group > 0).
func (l *lab) logRules(group int) string {
	prefix := "ifwt-" + l.token + " "
	l.in(l.victim, "iptables", "-A", "INPUT", "-i", l.ifV, "-j", "LOG", "--log-prefix", prefix,
		"--log-tcp-sequence", "--log-tcp-options", "--log-ip-options")
	if group > 0 {
		l.in(l.victim, "iptables", "-A", "INPUT", "-i", l.ifV, "-j", "NFLOG", "--nflog-group", fmt.Sprint(group),
			"--nflog-prefix", strings.TrimSpace(prefix))
	}
	l.in(l.victim, "iptables", "-A", "INPUT", "-i", l.ifV, "-j", "DROP")
	return strings.TrimSpace(prefix)
}

// scan runs nmap from the attacker at the victim.
func (l *lab) scan(args ...string) {
	l.t.Helper()
	base := []string{"nmap", "-n", "-Pn", "-T4", "--max-retries", "0", "--host-timeout", "60s"}
	l.in(l.attacker, append(append(base, args...), victimIP)...)
}

// scanFromMany adds n more attacker addresses (198.51.100.10 on) and runs a
// small SYN scan from each, so a daemon stores many alerts.
func (l *lab) scanFromMany(n int, ports string) {
	l.t.Helper()
	for i := range n {
		ip := fmt.Sprintf("198.51.100.%d", 10+i)
		exec.Command("ip", "-n", l.attacker, "addr", "add", ip+"/24", "dev", l.ifA).Run()
		l.in(l.attacker, "nmap", "-n", "-Pn", "-T5", "--max-retries", "0", "-S", ip, "-e", l.ifA, "-sS", "-p", ports, victimIP)
	}
}
