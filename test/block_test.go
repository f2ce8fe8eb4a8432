package test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

// blockLab is a lab whose victim accepts ping and TCP 8080 (a listener
// runs there), logs and drops the rest, and has ifw's set rules from
// `ifw setup`.
func blockLab(t *testing.T, blockSection string) (*lab, *daemonProc) {
	t.Helper()
	require(t, "ip", "iptables", "ipset", "nmap", "nc", "ping")
	l := newLab(t)
	l.in(l.victim, "iptables", "-A", "INPUT", "-i", l.ifV, "-p", "icmp", "--icmp-type", "echo-request", "-j", "ACCEPT")
	l.in(l.victim, "iptables", "-A", "INPUT", "-i", l.ifV, "-p", "tcp", "--dport", "8080", "-j", "ACCEPT")
	prefix := l.logRules(0)
	dir := t.TempDir()
	sections := daemonSections(prefix, "[source kmsg]\ntype = kmsg\n") +
		fmt.Sprintf("\n[block]\nwhitelist = %s\n%s", filepath.Join(dir, "whitelist"), blockSection)
	d := startDaemon(t, l.victim, dir, sections)
	out := l.in(l.victim, ifwBin, "setup", "--config", d.conf, "--log", "none")
	t.Logf("ifw setup:\n%s", out)
	background(t, "nc -l", exec.Command("ip", "netns", "exec", l.victim, "nc", "-lk", "8080"))
	waitFor(t, "the victim's listener", time.Minute, func() bool { tcp, _ := l.reachable(); return tcp })
	return l, d
}

// reachable reports whether a TCP connect to the victim's 8080 and a ping
// from the attacker's main address both get through.
func (l *lab) reachable() (tcp, icmp bool) {
	tcp = exec.Command("ip", "netns", "exec", l.attacker, "nc", "-z", "-w", "1", victimIP, "8080").Run() == nil
	icmp = exec.Command("ip", "netns", "exec", l.attacker, "ping", "-c", "1", "-W", "1", victimIP).Run() == nil
	return tcp, icmp
}

// blockList is `ifw block list --json`.
func (d *daemonProc) blockList() []map[string]any {
	d.t.Helper()
	out, err := exec.Command(ifwBin, "block", "list", "--json", "--socket", d.socket).CombinedOutput()
	if err != nil {
		d.t.Fatalf("ifw block list: %v\n%s", err, out)
	}
	var list []map[string]any
	if err := json.Unmarshal(out, &list); err != nil {
		d.t.Fatalf("%v: %s", err, out)
	}
	return list
}

func listed(list []map[string]any, prefix string) bool {
	return slices.ContainsFunc(list, func(b map[string]any) bool { return b["prefix"] == prefix })
}

// waitFor polls cond for up to within.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestBlockAuto: an nmap scan gets its source blocked; its TCP connects
// and pings are then dropped; after the (short) block it gets through
// again and `ifw block list` agrees with the kernel.
func TestBlockAuto(t *testing.T) {
	l, d := blockLab(t, "auto = yes\nmin_level = 2\ndurations = 5s 5s 5s 5s 5s\n")
	if tcp, icmp := l.reachable(); !tcp || !icmp {
		t.Fatalf("before any block: tcp %v, ping %v", tcp, icmp)
	}
	l.scan("-sS", "-p", "1-100")
	waitFor(t, "the block", time.Minute, func() bool { return listed(d.blockList(), attackerIP+"/32") })
	if tcp, icmp := l.reachable(); tcp || icmp {
		t.Errorf("blocked attacker still gets through: tcp %v, ping %v", tcp, icmp)
	}
	waitFor(t, "the block to expire", time.Minute, func() bool { return !listed(d.blockList(), attackerIP+"/32") })
	if tcp, icmp := l.reachable(); !tcp || !icmp {
		t.Errorf("after the block expired: tcp %v, ping %v", tcp, icmp)
	}
	l.scanFromMany(20, "1-20")
	waitFor(t, "20 more blocks", time.Minute, func() bool { return listed(d.blockList(), "198.51.100.29/32") })
	d.stop()
	reportBlockLatency(t, filepath.Join(d.dir, "ifw.db"))
}

// reportBlockLatency logs packet → address in the kernel set, from the
// store: each auto block's creation against its alert's packet time.
func reportBlockLatency(t *testing.T, db string) {
	ctx := context.Background()
	s, err := alerts.Open(ctx, alerts.Config{Path: db}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	blocks, err := s.Blocks(ctx, alerts.BlockQuery{IncludeRemoved: true})
	if err != nil {
		t.Fatal(err)
	}
	var lat []time.Duration
	for _, b := range blocks {
		list, _ := s.Alerts(ctx, alerts.Query{Src: b.Prefix.Addr(), MinLevel: 2})
		if len(list) > 0 {
			first := list[len(list)-1] // newest first
			lat = append(lat, b.Created.Sub(first.Time))
		}
	}
	if len(lat) == 0 {
		t.Fatal("no auto block with its alert in the store")
	}
	slices.Sort(lat)
	t.Logf("packet → address in the kernel set, %d blocks: p50 %s, p99 %s, max %s",
		len(lat), lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
}

// TestBlockForgedLines: lines anyone could write into the followed syslog
// file name the gateway, a whitelisted address and an address of the
// victim's own network: none is blocked; an outside address is.
func TestBlockForgedLines(t *testing.T) {
	require(t, "ip", "ipset")
	l := newLab(t)
	l.must("ip", "-n", l.victim, "route", "add", "default", "via", "203.0.113.1")
	dir := t.TempDir()
	wl := filepath.Join(dir, "whitelist")
	os.WriteFile(wl, []byte("198.51.100.77  # our monitoring host\n"), 0o644)
	logFile := filepath.Join(dir, "kern.log")
	os.WriteFile(logFile, nil, 0o644)
	d := startDaemon(t, l.victim, dir, fmt.Sprintf(
		"[source syslog]\ntype = file\npath = %s\n\n[block]\nauto = yes\nmin_level = 2\nwhitelist = %s\n", logFile, wl))
	forged := []string{"203.0.113.1", "198.51.100.77", "203.0.113.9", "198.51.100.50"}
	f, _ := os.OpenFile(logFile, os.O_APPEND|os.O_WRONLY, 0)
	for _, src := range forged {
		for port := 1; port <= 30; port++ {
			fmt.Fprintf(f, "%s fw kernel: DROP IN=eth0 OUT= SRC=%s DST=203.0.113.2 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n",
				time.Now().Format(time.RFC3339Nano), src, port)
		}
	}
	f.Close()
	waitFor(t, "the outside address's block", time.Minute, func() bool { return listed(d.blockList(), "198.51.100.50/32") })
	time.Sleep(500 * time.Millisecond)
	list := d.blockList()
	for _, src := range forged[:3] {
		if listed(list, src+"/32") {
			t.Errorf("forged lines got %s blocked", src)
		}
		if out, _ := exec.Command("ip", "netns", "exec", l.victim, "ipset", "test", "ifw-block4", src).CombinedOutput(); !strings.Contains(string(out), "NOT in set") {
			t.Errorf("%s is in the kernel set: %s", src, out)
		}
	}
	d.stop()
}

// TestBlockRestartRestores: a manual block survives a restart that lost
// the kernel set's content, with its remaining time.
func TestBlockRestartRestores(t *testing.T) {
	_, d := blockLab(t, "")
	out, err := exec.Command(ifwBin, "block", "add", "198.51.100.60", "--for", "1h", "--reason", "test", "--socket", d.socket).CombinedOutput()
	if err != nil {
		t.Fatalf("ifw block add: %v\n%s", err, out)
	}
	d.stop()
	exec.Command("ip", "netns", "exec", d.ns, "ipset", "flush", "ifw-block4").Run()
	d.start()
	if err := exec.Command("ip", "netns", "exec", d.ns, "ipset", "test", "ifw-block4", "198.51.100.60").Run(); err != nil {
		t.Error("the block was not restored into the kernel set")
	}
	for _, b := range d.blockList() {
		if b["prefix"] == "198.51.100.60/32" {
			if left := b["remaining_seconds"].(float64); left <= 0 || left > 3600 {
				t.Errorf("remaining %v s", left)
			}
			d.stop()
			return
		}
	}
	t.Error("the restored block is not listed")
}

// TestBlockBulk: 100 000 entries loaded in one batch by `ifw block reload`.
func TestBlockBulk(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "drop.list")
	var b strings.Builder
	for i := range 100_000 {
		a := netip.AddrFrom4([4]byte{byte(20 + i>>16), byte(i >> 8), byte(i), 1})
		fmt.Fprintf(&b, "%s\n", a)
	}
	os.WriteFile(list, []byte(b.String()), 0o644)
	_, d := blockLab(t, fmt.Sprintf("bulk = %s\n", list))
	began := time.Now()
	out, err := exec.Command(ifwBin, "block", "reload", "--socket", d.socket).CombinedOutput()
	took := time.Since(began)
	if err != nil {
		t.Fatalf("ifw block reload: %v\n%s", err, out)
	}
	t.Logf("bulk reload of 100 000 entries: %s (%s)", took, strings.TrimSpace(string(out)))
	terse, _ := exec.Command("ip", "netns", "exec", d.ns, "ipset", "list", "-t", "ifw-bulk4").CombinedOutput()
	if !strings.Contains(string(terse), "Number of entries: 100000") {
		t.Errorf("bulk set: %s", terse)
	}
	d.stop()
}

// TestBlockVanishedPutBack: blocks that vanish from the kernel before
// their time (ipset del, ipset flush) are put back, not closed; `ifw
// status` counts them.
func TestBlockVanishedPutBack(t *testing.T) {
	l, d := blockLab(t, "")
	for _, args := range [][]string{{"198.51.100.61", "--for", "1h"}, {"198.51.100.62", "--for", "forever"}} {
		if out, err := exec.Command(ifwBin, append([]string{"block", "add", "--socket", d.socket}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("ifw block add %v: %v\n%s", args, err, out)
		}
	}
	l.in(l.victim, "ipset", "del", "ifw-block4", "198.51.100.61")
	l.in(l.victim, "ipset", "flush", "ifw-block4")
	list := d.blockList() // settles what disagrees, as the periodic sync does
	for _, ip := range []string{"198.51.100.61", "198.51.100.62"} {
		if !listed(list, ip+"/32") {
			t.Errorf("%s is no longer listed", ip)
		}
		if err := exec.Command("ip", "netns", "exec", l.victim, "ipset", "test", "ifw-block4", ip).Run(); err != nil {
			t.Errorf("%s was not put back into the kernel set", ip)
		}
	}
	st, err := d.status()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := st["blocking"].(map[string]any)
	tot, _ := b["since_start"].(map[string]any)
	if tot["put_back"] != 2.0 || b["active"] != 2.0 {
		t.Errorf("status blocking: %v", b)
	}
	d.stop()
}

// TestWhitelistAdd: whitelisting a blocked address lifts its block and
// says so; a host name that does not resolve is refused (non-zero exit,
// nothing added) unless --allow-unresolved keeps it with a warning; the
// list tells entries that guard against every block from those that guard
// only against untrusted evidence.
func TestWhitelistAdd(t *testing.T) {
	l, d := blockLab(t, "")
	wl := func(args ...string) (string, string, error) {
		var out, errb strings.Builder
		cmd := exec.Command(ifwBin, append([]string{"whitelist", args[0], "--socket", d.socket}, args[1:]...)...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	if out, err := exec.Command(ifwBin, "block", "add", "198.51.100.61", "--for", "1h", "--socket", d.socket).CombinedOutput(); err != nil {
		t.Fatalf("ifw block add: %v\n%s", err, out)
	}
	out, errs, err := wl("add", "198.51.100.61", "--comment", "our monitoring")
	if err != nil || !strings.Contains(out, "lifted the active block of 198.51.100.61/32") {
		t.Errorf("whitelist add of a blocked address: %v\n%s%s", err, out, errs)
	}
	if listed(d.blockList(), "198.51.100.61/32") {
		t.Error("the whitelisted address is still listed as blocked")
	}
	if err := exec.Command("ip", "netns", "exec", l.victim, "ipset", "test", "ifw-block4", "198.51.100.61").Run(); err == nil {
		t.Error("the whitelisted address is still in the kernel set")
	}

	out, errs, err = wl("add", "nonexistent.invalid")
	if err == nil || !strings.Contains(errs, "does not resolve") {
		t.Errorf("whitelist add of a name that does not resolve: %v\n%s%s", err, out, errs)
	}
	out, errs, err = wl("add", "nonexistent.invalid", "--allow-unresolved")
	if err != nil || !strings.Contains(errs, "warning: nonexistent.invalid does not resolve") {
		t.Errorf("--allow-unresolved: %v\n%s%s", err, out, errs)
	}

	out, _, err = wl("list")
	never, untrusted, ok := strings.Cut(out, "untrusted evidence only")
	if err != nil || !ok || !strings.Contains(never, "198.51.100.61") || !strings.Contains(untrusted, victimIP[:len(victimIP)-1]+"0/24") ||
		strings.Contains(never, victimIP[:len(victimIP)-1]+"0/24") {
		t.Errorf("whitelist list: %v\n%s", err, out)
	}
	d.stop()
}
