package test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ifw/ifw/cmd/ifw/polkit/polkittest"
)

// The management window's system tests run `ifw ui` and chromium as
// desktop users (uidAl, uidBo of the polkit tests: nobody, and a uid
// without a passwd entry), in the socket's group, as ifw's users would.

// uiServerIP is the outside server the desktop (the victim namespace)
// connects to: a second address of the attacker namespace, so blocking the
// attacker's main address leaves it reachable.
const uiServerIP = "198.51.100.200"

// uiNFLOGGroup is the victim's NFLOG group: the packets reach the daemon
// through the namespace's own netlink, not the kernel log that every test
// (and the host) shares and can overflow.
const uiNFLOGGroup = 18

// uiLab is the block lab and the verdict lab in one: the daemon runs in the
// victim namespace (the desktop) with NFLOG and a forged-lines file as
// sources, blocking (not automatic) and the outbound module on queue 3; a
// real polkitd lets nobody block, whitelist and allow always; the attacker
// namespace scans the victim and serves TCP 8080 on uiServerIP.
type uiLab struct {
	*lab
	t      *testing.T
	d      *daemonProc
	dir    string // the daemon's directory, reachable by the desktop users
	bin    string // ifw, where the desktop users may run it
	nc     string
	forged string // a syslog file the daemon follows, for forged lines
}

// uiRules lets nobody (al) do everything the window offers without an
// authentication agent; bo gets only what the shipped policy gives.
const uiRules = `polkit.addRule(function(action, subject) {
	if (action.id.indexOf("org.ifw.") == 0 && subject.user == "nobody") { return polkit.Result.YES; }
});`

func newUILab(t *testing.T) *uiLab {
	t.Helper()
	require(t, "ip", "iptables", "ipset", "nmap", "nc", "ping", "setpriv", "chromium")
	pk := polkittest.Start(t, map[string][]byte{"org.ifw.policy": activePolicy(t)}, map[string]string{"50-ifw-ui.rules": uiRules})
	dir := publicTempDir(t, "ifw-ui-lab-")
	bin := ifwCopy(t, dir)
	bench, err := connbenchBin()
	if err != nil {
		t.Fatal(err)
	}
	nc, err := exec.LookPath("nc")
	if err == nil {
		nc, err = filepath.EvalSymlinks(nc)
	}
	if err != nil {
		t.Fatal(err)
	}
	l := &uiLab{lab: newLab(t), t: t, dir: dir, bin: bin, nc: nc, forged: filepath.Join(dir, "forged.log")}
	l.must("ip", "-n", l.attacker, "addr", "add", uiServerIP+"/24", "dev", l.ifA)
	// The desktop's own connections come back; pings and 8080 are open;
	// the rest is logged and dropped.
	l.in(l.victim, "iptables", "-A", "INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT")
	l.in(l.victim, "iptables", "-A", "INPUT", "-i", l.ifV, "-p", "icmp", "--icmp-type", "echo-request", "-j", "ACCEPT")
	l.in(l.victim, "iptables", "-A", "INPUT", "-i", l.ifV, "-p", "tcp", "--dport", "8080", "-j", "ACCEPT")
	prefix := l.logRules(uiNFLOGGroup)
	if err := os.WriteFile(l.forged, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	sections := "socket_group = " + socketGroup + "\n\n" + daemonSections(prefix, fmt.Sprintf("[source nflog]\ntype = nflog\ngroup = %d\n", uiNFLOGGroup)) +
		fmt.Sprintf("\n[source forged]\ntype = file\npath = %s\n", l.forged) +
		fmt.Sprintf("\n[block]\nwhitelist = %s\n", filepath.Join(dir, "whitelist")) +
		fmt.Sprintf("\n[verdict]\nenabled = yes\nqueue = %s\nrules = %s\nask_timeout = 60s\n", verdictQueue, filepath.Join(dir, "rules"))
	l.d = startDaemonEnv(t, l.victim, dir, time.Second, []string{"DBUS_SYSTEM_BUS_ADDRESS=" + pk.Address}, sections)
	t.Logf("ifw setup:\n%s", l.in(l.victim, ifwBin, "setup", "--config", l.d.conf, "--log", "none", "--queue", verdictQueue))
	background(t, "nc -l", exec.Command("ip", "netns", "exec", l.victim, "nc", "-lk", "8080"))
	background(t, "connbench serve", exec.Command("ip", "netns", "exec", l.attacker, bench, "serve", uiServerIP+":8080"))
	waitFor(t, "the victim's listener", time.Minute, func() bool { tcp, _ := l.reachable(); return tcp })
	return l
}

// publicTempDir is a temporary directory every user may enter (the
// desktop users run programs from it and reach the socket in it), removed
// when the test ends.
func publicTempDir(t *testing.T, pattern string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyNC copies nc to DIR/name, executable by everyone.
func (l *uiLab) copyNC(name string) string {
	l.t.Helper()
	b, err := os.ReadFile(l.nc)
	if err != nil {
		l.t.Fatal(err)
	}
	p := filepath.Join(l.dir, name)
	if err := os.WriteFile(p, b, 0o755); err != nil {
		l.t.Fatal(err)
	}
	return p
}

// connectAs starts a TCP connection of exe as uid from the desktop to the
// server; the channel gets whether it connected.
func (l *uiLab) connectAs(uid uint32, exe string, wait int) <-chan bool {
	ch := make(chan bool, 1)
	cmd := exec.Command("ip", "netns", "exec", l.victim, "setpriv", "--reuid="+strconv.Itoa(int(uid)),
		"--regid=65534", "--clear-groups", exe, "-z", "-w", strconv.Itoa(wait), uiServerIP, "8080")
	if err := cmd.Start(); err != nil {
		l.t.Fatal(err)
	}
	go func() { ch <- cmd.Wait() == nil }()
	l.t.Cleanup(func() { cmd.Process.Kill() })
	return ch
}

// question waits for the open question of exe (as root sees the queue)
// and returns its id.
func (l *uiLab) question(exe string) int {
	l.t.Helper()
	id := 0
	waitFor(l.t, "a question for "+exe, time.Minute, func() bool {
		out, err := exec.Command(ifwBin, "queue", "list", "--json", "--socket", l.d.socket).Output()
		var qs []map[string]any
		if err != nil || json.Unmarshal(out, &qs) != nil {
			return false
		}
		for _, q := range qs {
			if q["exe"] == exe {
				id = int(q["id"].(float64))
				return true
			}
		}
		return false
	})
	return id
}

// whitelisted says whether `ifw whitelist list --json` has entry.
func (l *uiLab) whitelisted(entry string) bool {
	l.t.Helper()
	out, err := exec.Command(ifwBin, "whitelist", "list", "--json", "--socket", l.d.socket).Output()
	if err != nil {
		l.t.Fatalf("ifw whitelist list: %v\n%s", err, out)
	}
	var wl struct{ Entries []struct{ Text string } }
	if err := json.Unmarshal(out, &wl); err != nil {
		l.t.Fatalf("ifw whitelist list: %v\n%s", err, out)
	}
	return slices.ContainsFunc(wl.Entries, func(e struct{ Text string }) bool { return e.Text == entry })
}

// forge appends n lines to the followed syslog file: SYN packets from src
// to ports 1..n, logged by host with the given log prefix.
func (l *uiLab) forge(src, host, prefix string, n int) {
	l.t.Helper()
	f, err := os.OpenFile(l.forged, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		l.t.Fatal(err)
	}
	defer f.Close()
	for port := 1; port <= n; port++ {
		fmt.Fprintf(f, "%s %s kernel: %sIN=eth0 OUT= SRC=%s DST=%s LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n",
			time.Now().Format(time.RFC3339Nano), host, prefix, src, victimIP, port)
	}
}

// uiProc is an `ifw ui --no-browser` the test started as a desktop user.
type uiProc struct {
	url  string // the first stdout line: the login URL with its token
	base string // scheme://host:port
	host string // host:port, what the Host header must say
	out  *syncBuffer
}

// startUI runs `ifw ui --no-browser --socket S` as uid (in the socket's
// group) and reads its URL; it is stopped (by PID) when the test ends.
func startUI(t *testing.T, bin, socket string, uid uint32) *uiProc {
	t.Helper()
	home := publicTempDir(t, "ifw-ui-home-")
	if err := os.Chown(home, int(uid), 65534); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "ui", "--no-browser", "--socket", socket)
	cmd.Dir = home
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_RUNTIME_DIR="+home, "BROWSER=/bin/false")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: 65534, Groups: []uint32{socketGroupGID}}}
	ui := &uiProc{out: &syncBuffer{}}
	cmd.Stderr = ui.out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("ifw ui: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("ifw ui as uid %d:\n%s", uid, ui.out.String())
		}
	})
	first := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		first <- strings.TrimSpace(line)
		io.Copy(ui.out, r)
	}()
	select {
	case ui.url = <-first:
	case <-time.After(time.Minute):
		t.Fatalf("ifw ui printed no URL within a minute:\n%s", ui.out.String())
	}
	u, err := url.Parse(ui.url)
	if err != nil || u.Scheme != "http" || u.Path != "/login" || u.Query().Get("token") == "" {
		t.Fatalf("ifw ui's first line %q (%v): want http://127.0.0.1:PORT/login?token=TOKEN\n%s", ui.url, err, ui.out.String())
	}
	ui.host = u.Host
	ui.base = u.Scheme + "://" + u.Host
	t.Logf("ifw ui as uid %d: %s/login?token=…", uid, ui.base)
	return ui
}

// uiArtifacts is where screenshots go: $IFW_TEST_ARTIFACTS/TEST, or a
// temporary directory of the test's.
func uiArtifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("IFW_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else {
		dir = filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", dir)
	return dir
}
