// Package polkittest runs a real polkitd for tests: on a private system
// bus (its own dbus-daemon on a socket in a temporary directory) and in a
// private mount namespace where /usr/share/polkit-1/actions,
// /usr/share/polkit-1/rules.d and /etc/polkit-1/rules.d are the test's own
// directories, so the host's policy is neither read nor touched. It needs
// root (unshare -m, bind mounts), dbus-daemon and /usr/lib/polkit-1/polkitd.
package polkittest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/test/testenv"
)

// Polkitd is binary's path in Debian.
const Polkitd = "/usr/lib/polkit-1/polkitd"

// Authority is a running polkitd and its bus.
type Authority struct {
	// Address is the private system bus's D-Bus address, for
	// DBUS_SYSTEM_BUS_ADDRESS or polkit.Config.Address.
	Address string
	rules   string // the /etc/polkit-1/rules.d stand-in
	lines   chan string
	polkitd *exec.Cmd
}

// Available says why polkitd cannot run here, or "" when it can.
func Available() string {
	if os.Geteuid() != 0 {
		return "needs root (unshare -m, bind mounts)"
	}
	for _, c := range []string{"dbus-daemon", "unshare", Polkitd} {
		if _, err := exec.LookPath(c); err != nil {
			return fmt.Sprintf("%s not installed (make deps)", c)
		}
	}
	return ""
}

// Start runs a bus and polkitd with the given policy files (actions
// directory contents, e.g. "org.ifw.policy") and rules (file name →
// JavaScript). Both are stopped when the test ends.
func Start(t testing.TB, policies map[string][]byte, rules map[string]string) *Authority {
	t.Helper()
	if why := Available(); why != "" {
		testenv.Missing(t, "polkitd: %s", why) // skips, and fails under CI=true
	}
	dir := tempDir(t)
	actions, shareRules, etcRules := filepath.Join(dir, "actions"), filepath.Join(dir, "share-rules"), filepath.Join(dir, "etc-rules")
	for _, d := range []string{actions, shareRules, etcRules} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, b := range policies {
		writeFile(t, filepath.Join(actions, name), b)
	}
	for name, js := range rules {
		writeFile(t, filepath.Join(etcRules, name), []byte(js))
	}
	a := &Authority{rules: etcRules, lines: make(chan string, 256)}
	a.Address = startBus(t, dir)
	script := fmt.Sprintf("mount --bind %s /usr/share/polkit-1/actions && mount --bind %s /usr/share/polkit-1/rules.d && "+
		"mount --bind %s /etc/polkit-1/rules.d && exec %s", actions, shareRules, etcRules, Polkitd)
	cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c", script)
	cmd.Env = append(os.Environ(), "DBUS_SYSTEM_BUS_ADDRESS="+a.Address)
	out := start(t, "polkitd", cmd)
	a.polkitd = cmd
	go a.read(out)
	a.waitLine(t, "Acquired the name org.freedesktop.PolicyKit1")
	return a
}

// Stop ends polkitd (the bus stays): checks then find nobody to ask.
func (a *Authority) Stop(t testing.TB) {
	t.Helper()
	if err := a.polkitd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for range a.lines { // until its output ends
	}
}

// SetRules writes (or, with js "", removes) rules file name and waits
// until polkitd has loaded the rules again.
func (a *Authority) SetRules(t testing.TB, name, js string) {
	t.Helper()
	a.drain()
	p := filepath.Join(a.rules, name)
	if js == "" {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	} else { // one rename, one reload: never a half-written file
		tmp := filepath.Join(filepath.Dir(a.rules), name+".new")
		writeFile(t, tmp, []byte(js))
		if err := os.Rename(tmp, p); err != nil {
			t.Fatal(err)
		}
	}
	a.waitLine(t, "Finished loading, compiling and executing")
}

// drain forgets the output read so far.
func (a *Authority) drain() {
	for {
		select {
		case <-a.lines:
		default:
			return
		}
	}
}

// waitLine waits for a line of polkitd's output holding s.
func (a *Authority) waitLine(t testing.TB, s string) {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case l, ok := <-a.lines:
			if !ok {
				t.Fatalf("polkitd ended before saying %q", s)
			}
			if strings.Contains(l, s) {
				return
			}
		case <-timeout:
			t.Fatalf("polkitd did not say %q within a minute", s)
		}
	}
}

// read passes polkitd's output on, line by line, dropping what nobody
// waits for.
func (a *Authority) read(r io.Reader) {
	defer close(a.lines)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		select {
		case a.lines <- sc.Text():
		default:
		}
	}
}

// startBus runs a dbus-daemon of type system on dir/bus that lets
// everyone talk to everyone, and returns its address once it listens.
func startBus(t testing.TB, dir string) string {
	t.Helper()
	conf := filepath.Join(dir, "bus.conf")
	writeFile(t, conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path=`+filepath.Join(dir, "bus")+`</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/>
<allow send_requested_reply="true"/><allow receive_requested_reply="true"/></policy></busconfig>`))
	out := start(t, "dbus-daemon", exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile", "--print-address=1"))
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon: no address: %v", err)
	}
	go io.Copy(io.Discard, out)
	return strings.TrimSpace(addr)
}

// start starts cmd with its stdout and stderr on the returned pipe; it is
// killed (by its pid) and waited for when the test ends.
func start(t testing.TB, name string, cmd *exec.Cmd) io.Reader {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	w.Close()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		r.Close()
	})
	return r
}

// tempDir is a directory polkitd (which runs as its own user) can read.
func tempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ifw-polkit-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
