package test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The DNS lab: the server namespace ("victim") runs dnsmasq on victimIP
// for test.example, answering from a hosts file the test rewrites; the
// client ("attacker") resolves through it and runs the daemon with
// [verdict] dns_group, set up by `ifw setup`.
const (
	dnsGroup       = "77"
	appFirst       = "203.0.113.20"
	appSecond      = "203.0.113.21"
	dnsOtherIP     = "203.0.113.22" // other.example
	dnsForgedIP    = "203.0.113.30" // what forged answers claim
	dnsGoodIP      = "203.0.113.31" // what the real answer of the forged test gives
	dnsUserIP      = "203.0.113.32" // what a local user's own server says
	localUser      = "64998"        // that user (setpriv)
	dnsFakeServer  = "203.0.113.53" // the server the hand-made query goes to
	dnsWrongServer = "203.0.113.66" // an address the query did not go to
)

// dnsmasq runs in the server namespace with ttl for hosts; stop kills it.
type dnsmasq struct {
	cmd *exec.Cmd
	out *syncBuffer
}

func startDNSMasq(t *testing.T, ns, dir string, ttl int) *dnsmasq {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
		"--no-resolv", "--no-hosts", "--addn-hosts="+filepath.Join(dir, "hosts"), "--listen-address="+victimIP,
		"--bind-interfaces", fmt.Sprintf("--local-ttl=%d", ttl), "--user=root", "--group=root",
		"--pid-file="+filepath.Join(dir, "dnsmasq.pid"), "--log-queries", "--log-facility=-")
	d := &dnsmasq{cmd: cmd, out: background(t, "dnsmasq", cmd)}
	return d
}

func (d *dnsmasq) stop() {
	d.cmd.Process.Kill()
	d.cmd.Wait()
}

// TestVerdictDNSNames: a host=*.test.example rule allows nc to a name of
// the zone whose address changes (and TTL) between look-ups; a name
// outside the zone is asked about, and the question shows it (ifw queue
// list); forged answers — from an address the query did not go to, and
// with a wrong id — teach nothing, while the real answer to the same
// query does.
func TestVerdictDNSNames(t *testing.T) {
	require(t, "ip", "iptables", "nc", "dnsmasq", "setpriv")
	v := newVerdictLab(t, nil, "ask_timeout = 30s\ndns_group = "+dnsGroup+"\n", nil)
	for _, ip := range []string{appFirst, appSecond, dnsOtherIP, dnsForgedIP, dnsGoodIP, dnsUserIP, dnsFakeServer, dnsWrongServer} {
		v.must("ip", "-n", v.victim, "addr", "add", ip+"/24", "dev", v.ifV)
	}
	bench, err := connbenchBin()
	if err != nil {
		t.Fatal(err)
	}
	for _, ip := range []string{appFirst, appSecond, dnsOtherIP, dnsGoodIP, dnsUserIP} {
		background(t, "connbench serve "+ip, exec.Command("ip", "netns", "exec", v.victim, bench, "serve", ip+":8080"))
	}
	v.resolvConf()
	v.writeRules(
		"allow port=53 proto=udp",
		"allow exe="+v.nc+" host=*.test.example port=8080 proto=tcp")
	v.d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the rules reloaded", time.Minute, func() bool { o := v.outbound(); return o != nil && o["rules"] == 2.0 })
	out := v.in(v.attacker, ifwBin, "setup", "--config", v.d.conf, "--log", "none", "--queue", verdictQueue)
	if !strings.Contains(out, "--sport 53") || !strings.Contains(out, "--nflog-group "+dnsGroup) {
		t.Fatalf("ifw setup made no DNS rules:\n%s", out)
	}

	// The name at its first address, then at the second with another TTL.
	v.writeHosts(appFirst + " app.test.example\n" + dnsOtherIP + " other.example\n")
	dns := startDNSMasq(t, v.victim, v.dir, 1)
	waitFor(t, "dnsmasq", time.Minute, func() bool {
		return exec.Command("ip", "netns", "exec", v.attacker, "getent", "hosts", "app.test.example").Run() == nil
	})
	if ok, how := v.connectTo("app.test.example", v.nc, 5); !ok {
		t.Errorf("app.test.example at %s: %s, want allowed by host=*.test.example", appFirst, how)
	}
	dns.stop()
	v.writeHosts(appSecond + " app.test.example\n" + dnsOtherIP + " other.example\n")
	startDNSMasq(t, v.victim, v.dir, 600)
	waitFor(t, "dnsmasq again", time.Minute, func() bool {
		out, err := exec.Command("ip", "netns", "exec", v.attacker, "getent", "hosts", "app.test.example").Output()
		return err == nil && strings.Contains(string(out), appSecond)
	})
	if ok, how := v.connectTo("app.test.example", v.nc, 5); !ok {
		t.Errorf("app.test.example at %s: %s, want allowed by host=*.test.example", appSecond, how)
	}

	// A name outside the zone: asked, and the question names it.
	ch := make(chan bool, 1)
	cmd := exec.Command("ip", "netns", "exec", v.attacker, v.nc, "-z", "-w", "20", "other.example", v.port)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	go func() { ch <- cmd.Wait() == nil }()
	q := v.question(v.nc, 1)
	if q["host"] != "other.example" || q["dst"] != dnsOtherIP {
		t.Errorf("question %v, want host other.example at %s", q, dnsOtherIP)
	}
	if list, _ := v.ifw("queue", "list"); !strings.Contains(list, "other.example ("+dnsOtherIP+") port 8080/tcp") {
		t.Errorf("ifw queue list does not name the destination:\n%s", list)
	}
	v.answer("allow", q)
	if !outcome(t, ch, time.Minute) {
		t.Errorf("other.example allowed once: not connected")
	}

	// Forged answers to a query of the host's, then the real one.
	dir := t.TempDir()
	const id, port = 0x4242, "40053"
	files := map[string][]byte{
		"query":     dnsMessage(id, false, "good.test.example", ""),
		"elsewhere": dnsMessage(id, true, "good.test.example", dnsForgedIP),
		"wrongid":   dnsMessage(id+1, true, "good.test.example", dnsForgedIP),
		"real":      dnsMessage(id, true, "good.test.example", dnsGoodIP),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := v.dnsStats()
	sendUDP(t, v.attacker, "", "", port, dnsFakeServer, "53", filepath.Join(dir, "query"))
	sendUDP(t, v.victim, "", dnsWrongServer, "53", attackerIP, port, filepath.Join(dir, "elsewhere"))
	sendUDP(t, v.victim, "", dnsFakeServer, "53", attackerIP, port, filepath.Join(dir, "wrongid"))
	waitFor(t, "the forged answers read", time.Minute, func() bool { return v.dnsStats()["unmatched"] >= before["unmatched"]+2 })
	sendUDP(t, v.victim, "", dnsFakeServer, "53", attackerIP, port, filepath.Join(dir, "real"))
	waitFor(t, "the real answer read", time.Minute, func() bool { return v.dnsStats()["learned"] > before["learned"] })
	if after := v.dnsStats(); after["learned"] != before["learned"]+1 {
		t.Errorf("learned %v → %v, want exactly the real answer's one name", before["learned"], after["learned"])
	}
	if ok, how := v.connectTo(dnsGoodIP, v.nc, 5); !ok {
		t.Errorf("%s (good.test.example by the real answer): %s, want allowed by host=*.test.example", dnsGoodIP, how)
	}
	ch = make(chan bool, 1)
	cmd = exec.Command("ip", "netns", "exec", v.attacker, v.nc, "-z", "-w", "20", dnsForgedIP, v.port)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	go func() { ch <- cmd.Wait() == nil }()
	q = v.question(v.nc, 1)
	if q["dst"] != dnsForgedIP || q["host"] != nil {
		t.Errorf("question %v: want %s without a name (the forged answers taught none)", q, dnsForgedIP)
	}
	v.answer("deny", q)
	if outcome(t, ch, time.Minute) {
		t.Errorf("%s denied: connected", dnsForgedIP)
	}

	// A local user's query to a server of theirs teaches a name for that
	// user's connections only.
	files = map[string][]byte{
		"userquery":  dnsMessage(id, false, "www.test.example", ""),
		"useranswer": dnsMessage(id, true, "www.test.example", dnsUserIP),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before = v.dnsStats()
	sendUDP(t, v.attacker, localUser, "", "40054", dnsFakeServer, "53", filepath.Join(dir, "userquery"))
	sendUDP(t, v.victim, "", dnsFakeServer, "53", attackerIP, "40054", filepath.Join(dir, "useranswer"))
	waitFor(t, "the user's answer read", time.Minute, func() bool { return v.dnsStats()["learned"] > before["learned"] })
	user := exec.Command("ip", "netns", "exec", v.attacker, "setpriv", "--reuid", localUser, "--regid", localUser,
		"--clear-groups", v.nc, "-z", "-w", "5", dnsUserIP, v.port)
	if out, err := user.CombinedOutput(); err != nil {
		t.Errorf("uid %s to %s (www.test.example by its own answer): %v %s, want allowed by host=*.test.example",
			localUser, dnsUserIP, err, out)
	}
	ch = make(chan bool, 1)
	cmd = exec.Command("ip", "netns", "exec", v.attacker, v.nc, "-z", "-w", "20", dnsUserIP, v.port)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	go func() { ch <- cmd.Wait() == nil }()
	q = v.question(v.nc, 1)
	if q["dst"] != dnsUserIP || q["host"] != nil || q["uid"] != 0.0 {
		t.Errorf("question %v: want root's connection to %s without the name uid %s's answer taught", q, dnsUserIP, localUser)
	}
	v.answer("deny", q)
	if outcome(t, ch, time.Minute) {
		t.Errorf("%s denied: connected", dnsUserIP)
	}
}

// resolvConf points the client's resolver at the server for the test
// (ip netns exec mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf).
func (v *verdictLab) resolvConf() { v.resolvConfAt(victimIP) }

// resolvConfAt points the client's resolver at server.
func (v *verdictLab) resolvConfAt(server string) {
	v.t.Helper()
	dir := filepath.Join("/etc/netns", v.attacker)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		v.t.Fatal(err)
	}
	v.t.Cleanup(func() { os.RemoveAll(dir) })
	conf := "nameserver " + server + "\noptions timeout:2 attempts:2\n"
	if err := os.WriteFile(filepath.Join(dir, "resolv.conf"), []byte(conf), 0o644); err != nil {
		v.t.Fatal(err)
	}
}

func (v *verdictLab) writeHosts(s string) {
	v.t.Helper()
	if err := os.WriteFile(filepath.Join(v.dir, "hosts"), []byte(s), 0o644); err != nil {
		v.t.Fatal(err)
	}
}

// dnsStats is the status's outbound.dns counters.
func (v *verdictLab) dnsStats() map[string]float64 {
	v.t.Helper()
	got := map[string]float64{}
	o := v.outbound()
	dns, _ := o["dns"].(map[string]any)
	if dns == nil {
		b, _ := json.Marshal(o)
		v.t.Fatalf("no dns in the outbound status: %s", b)
	}
	for k, x := range dns {
		got[k], _ = x.(float64)
	}
	return got
}

// sendUDP sends file as one datagram from [src]:sport to dst:dport inside
// namespace ns (openbsd nc), as uid (setpriv; "": root).
func sendUDP(t *testing.T, ns, uid, src, sport, dst, dport, file string) {
	t.Helper()
	args := []string{"ip", "netns", "exec", ns}
	if uid != "" {
		args = append(args, "setpriv", "--reuid", uid, "--regid", uid, "--clear-groups")
	}
	args = append(args, "nc", "-u", "-w", "1", "-p", sport)
	if src != "" {
		args = append(args, "-s", src)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(args[0], append(args[1:], dst, dport)...)
	cmd.Stdin = f
	if out, err := cmd.CombinedOutput(); err != nil && !strings.Contains(string(out), "refused") {
		t.Logf("%v: %v %s", cmd.Args, err, out)
	}
}

// dnsMessage is a query for name's A record, or (answer) a response giving
// it addr.
func dnsMessage(id uint16, answer bool, name, addr string) []byte {
	b := binary.BigEndian.AppendUint16(nil, id)
	flags, an := uint16(0x0100), uint16(0)
	if answer {
		flags, an = 0x8180, 1
	}
	b = binary.BigEndian.AppendUint16(b, flags)
	b = append(b, 0, 1, byte(an>>8), byte(an), 0, 0, 0, 0)
	wireName := func(b []byte) []byte {
		for _, l := range strings.Split(name, ".") {
			b = append(append(b, byte(len(l))), l...)
		}
		return append(b, 0)
	}
	b = append(wireName(b), 0, 1, 0, 1)
	if answer {
		b = append(wireName(b), 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4)
		b = append(b, netip.MustParseAddr(addr).AsSlice()...)
	}
	return b
}

// TestVerdictDNSStub: the client resolves through a local stub on
// 127.0.0.53 (dnsmasq as nobody, forwarding to the server's dnsmasq, as
// systemd-resolved would): the stub's answer on loopback teaches the name
// to the user whose program asked, so host=*.test.example allows that
// user's nc; root's connection to the same address gets no name (the
// stub's own upstream query, by nobody, teaches nobody's connections only).
func TestVerdictDNSStub(t *testing.T) {
	require(t, "ip", "iptables", "nc", "dnsmasq", "setpriv")
	v := newVerdictLab(t, nil, "ask_timeout = 30s\ndns_group = "+dnsGroup+"\n", nil)
	v.must("ip", "-n", v.victim, "addr", "add", appFirst+"/24", "dev", v.ifV)
	bench, err := connbenchBin()
	if err != nil {
		t.Fatal(err)
	}
	background(t, "connbench serve", exec.Command("ip", "netns", "exec", v.victim, bench, "serve", appFirst+":8080"))
	v.writeHosts(appFirst + " app.test.example\n")
	startDNSMasq(t, v.victim, v.dir, 60)
	background(t, "stub", exec.Command("ip", "netns", "exec", v.attacker, "dnsmasq", "--keep-in-foreground",
		"--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--server="+victimIP, "--listen-address=127.0.0.53",
		"--bind-interfaces", "--user=nobody", "--group=nogroup", "--pid-file="+filepath.Join(v.dir, "stub.pid"),
		"--log-queries", "--log-facility=-"))
	v.resolvConfAt("127.0.0.53")
	v.writeRules("allow port=53 proto=udp", "allow exe="+v.nc+" host=*.test.example port=8080 proto=tcp")
	v.d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the rules reloaded", time.Minute, func() bool { o := v.outbound(); return o != nil && o["rules"] == 2.0 })
	v.in(v.attacker, ifwBin, "setup", "--config", v.d.conf, "--log", "none", "--queue", verdictQueue)
	waitFor(t, "the stub", time.Minute, func() bool { // as a third user: root's names stay empty
		return exec.Command("ip", "netns", "exec", v.attacker, "setpriv", "--reuid", "64997", "--regid", "64997",
			"--clear-groups", "getent", "hosts", "app.test.example").Run() == nil
	})
	user := exec.Command("ip", "netns", "exec", v.attacker, "setpriv", "--reuid", localUser, "--regid", localUser,
		"--clear-groups", v.nc, "-z", "-w", "5", "app.test.example", v.port)
	if out, err := user.CombinedOutput(); err != nil {
		t.Errorf("uid %s to app.test.example through the stub: %v %s, want allowed by host=*.test.example", localUser, err, out)
	}
	ch := make(chan bool, 1)
	cmd := exec.Command("ip", "netns", "exec", v.attacker, v.nc, "-z", "-w", "20", appFirst, v.port)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	go func() { ch <- cmd.Wait() == nil }()
	q := v.question(v.nc, 1)
	if q["dst"] != appFirst || q["host"] != nil {
		t.Errorf("question %v: want root's connection to %s without a name", q, appFirst)
	}
	v.answer("deny", q)
	if outcome(t, ch, time.Minute) {
		t.Errorf("%s denied: connected", appFirst)
	}
	if st := v.dnsStats(); st["learned"] < 2 {
		t.Errorf("dns counters %v: want the loopback answer and the stub's upstream one learned", st)
	}
}
