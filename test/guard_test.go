package test

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ifw/ifw/test/testenv"
)

// TestGuardFollowsNetwork performs the attack of issue 13 §3: the daemon
// starts before the network is up (an interface without an address or a
// route), then the host gets an address and default routes (IPv4 and
// IPv6). Without any SIGHUP: blocks made before, of the addresses that
// became the gateways and the host's own, are lifted and counted;
// `ifw block add` of the new gateways is refused; forged syslog lines
// "from" the gateways block nothing, while an outside address is blocked.
// home_net is the host's own addresses only (the destinations watched), so
// only the never-block list (gateways) can refuse these.
func TestGuardFollowsNetwork(t *testing.T) {
	require(t, "ip", "ipset")
	gns := testenv.NewNetNS(t, "guard")
	testenv.Veth(t, gns, "veth0", gns, "peer0")
	ns := gns.Name

	dir := t.TempDir()
	wl, logFile := filepath.Join(dir, "whitelist"), filepath.Join(dir, "kern.log")
	if err := os.WriteFile(logFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(t, ns, dir, fmt.Sprintf("[detect]\nhome_net = 203.0.113.2/32 2001:db8:5::2/128\n\n[source syslog]\ntype = file\npath = %s\n\n"+
		"[block]\nauto = yes\nmin_level = 2\nwhitelist = %s\n", logFile, wl))
	blockAdd := func(addr string) (string, error) {
		out, err := exec.Command(ifwBin, "block", "add", addr, "--for", "1h", "--socket", d.socket).CombinedOutput()
		return string(out), err
	}
	const gw4, gw6, own4, own6, outside = "203.0.113.1", "2001:db8:5::1", "203.0.113.2", "2001:db8:5::2", "198.51.100.50"
	host := func(a string) string { p := netip.MustParseAddr(a); return netip.PrefixFrom(p, p.BitLen()).String() }

	// Before the network is up, nothing protects the future gateways.
	for _, a := range []string{gw4, gw6, own4, "198.51.100.60"} {
		if out, err := blockAdd(a); err != nil {
			t.Fatalf("ifw block add %s before the network is up: %v\n%s", a, err, out)
		}
	}

	for _, c := range []string{"addr add 203.0.113.2/24 dev veth0", "-6 addr add 2001:db8:5::2/64 dev veth0 nodad",
		"route add default via " + gw4, "-6 route add default via " + gw6} {
		gns.Run(t, append([]string{"ip"}, strings.Fields(c)...)...)
	}

	// (b) The blocks of the new gateways and own address are lifted.
	waitFor(t, "the blocks the never-block list now covers to be lifted", time.Minute, func() bool {
		list := d.blockList()
		return !listed(list, host(gw4)) && !listed(list, host(gw6)) && !listed(list, host(own4))
	})
	if !listed(d.blockList(), "198.51.100.60/32") {
		t.Error("a block the never-block list does not cover was lifted")
	}
	for set, a := range map[string]string{"ifw-block4": gw4, "ifw-block6": gw6} {
		if out, _ := exec.Command("ip", "netns", "exec", ns, "ipset", "test", set, a).CombinedOutput(); !strings.Contains(string(out), "NOT in set") {
			t.Errorf("%s is still in the kernel set %s: %s", a, set, out)
		}
	}
	st, err := d.status()
	if err != nil {
		t.Fatal(err)
	}
	if blk, _ := st["blocking"].(map[string]any); blk["lifted_by_never_block"] != 3.0 {
		t.Errorf("status blocking: %v, want 3 lifted by the never-block list", blk)
	}
	if out, _ := exec.Command(ifwBin, "status", "--socket", d.socket).CombinedOutput(); !strings.Contains(string(out), "3 lifted by the never-block list") {
		t.Errorf("ifw status does not say what was lifted:\n%s", out)
	}

	// (a) ifw block add of the new gateways and own address is refused.
	for a, why := range map[string]string{gw4: "gateway", gw6: "gateway", own4: "own address", own6: "own address"} {
		if out, err := blockAdd(a); err == nil || !strings.Contains(out, why) {
			t.Errorf("ifw block add %s after the network came up: %v, want refused (%s)\n%s", a, err, why, out)
		}
	}

	// (c) Forged lines "from" the gateways block neither; the outside
	// address, written last, is blocked.
	f, err := os.OpenFile(logFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{gw4, gw6, outside} {
		for port := 1; port <= 30; port++ {
			fmt.Fprintf(f, "%s fw kernel: DROP IN=eth0 OUT= %s PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n",
				time.Now().Format(time.RFC3339Nano), forgedIP(src), port)
		}
	}
	f.Close()
	waitFor(t, "the outside address's block", time.Minute, func() bool { return listed(d.blockList(), host(outside)) })
	list := d.blockList()
	st, _ = d.status()
	for _, src := range []string{gw4, gw6} {
		if findAttacker(st, src) == nil {
			t.Errorf("the forged lines from %s were not read", src)
		}
		if listed(list, host(src)) {
			t.Errorf("forged lines got %s blocked", src)
		}
	}

	// A whitelist entry written into the file and loaded by SIGHUP lifts
	// the block it covers too.
	if err := os.WriteFile(wl, []byte("198.51.100.60  # our monitoring\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the whitelisted address's block to be lifted after SIGHUP", time.Minute, func() bool {
		return !listed(d.blockList(), "198.51.100.60/32")
	})
	if st, _ := d.status(); st["blocking"].(map[string]any)["lifted_by_never_block"] != 4.0 {
		t.Errorf("status blocking after SIGHUP: %v, want 4 lifted", st["blocking"])
	}
	d.stop()
}

// forgedIP is the IP part of a LOG line from src to the host.
func forgedIP(src string) string {
	a := netip.MustParseAddr(src)
	if a.Is4() {
		return fmt.Sprintf("SRC=%s DST=203.0.113.2 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1", src)
	}
	return fmt.Sprintf("SRC=%s DST=%s LEN=60 TC=0 HOPLIMIT=50 FLOWLBL=0", logAddr(a), logAddr(netip.MustParseAddr("2001:db8:5::2")))
}
