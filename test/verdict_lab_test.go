package test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// verdictLab is a lab whose attacker namespace plays a desktop ("client"):
// the daemon runs there with the outbound module on queue 3, `ifw setup`
// queues its new outbound connections, and the victim ("server") accepts
// TCP on 8080 (connbench serve).
type verdictLab struct {
	*lab
	t    *testing.T
	d    *daemonProc
	dir  string
	nc   string // the real nc executable
	port string
}

const (
	verdictQueue = "3"
	client6      = "2001:db8:1::2"
	server6      = "2001:db8:1::3"
)

// connbenchBin builds test/connbench once per run.
var connbenchBin = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(filepath.Dir(ifwBin), "connbench")
	out, err := exec.Command("go", "build", "-o", bin, "./connbench").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building connbench: %v\n%s", err, out)
	}
	return bin, nil
})

// newVerdictLab starts the server, writes rules (one line each) and starts
// the daemon with [verdict] extra keys; setupArgs go to `ifw setup` (nil:
// no queue rule yet).
func newVerdictLab(t *testing.T, rules []string, verdictKeys string, setupArgs []string) *verdictLab {
	t.Helper()
	return newVerdictLabWith(t, rules, verdictKeys, setupArgs, labDaemon{dir: t.TempDir()})
}

// labDaemon is how the verdict lab's daemon runs: in dir, with env added
// to its environment and daemonKeys in its [daemon] section.
type labDaemon struct {
	dir        string
	env        []string
	daemonKeys string
}

// newVerdictLabWith is newVerdictLab with the daemon as ld says.
func newVerdictLabWith(t *testing.T, rules []string, verdictKeys string, setupArgs []string, ld labDaemon) *verdictLab {
	t.Helper()
	require(t, "ip", "iptables", "nc")
	bench, err := connbenchBin()
	if err != nil {
		t.Fatal(err)
	}
	nc, err := exec.LookPath("nc")
	if err != nil {
		t.Fatal(err)
	}
	if nc, err = filepath.EvalSymlinks(nc); err != nil {
		t.Fatal(err)
	}
	v := &verdictLab{lab: newLab(t), t: t, dir: ld.dir, nc: nc, port: "8080"}
	v.must("ip", "-n", v.attacker, "addr", "add", client6+"/64", "dev", v.ifA, "nodad")
	v.must("ip", "-n", v.victim, "addr", "add", server6+"/64", "dev", v.ifV, "nodad")
	background(t, "connbench serve", exec.Command("ip", "netns", "exec", v.victim, bench, "serve", victimIP+":8080"))
	background(t, "connbench serve 6", exec.Command("ip", "netns", "exec", v.victim, bench, "serve", "["+server6+"]:8080"))
	waitFor(t, "the server", time.Minute, func() bool { ok, _ := v.connect(v.nc, 1); return ok })
	v.writeRules(rules...)
	sections := ld.daemonKeys + fmt.Sprintf("\n[source none]\ntype = file\npath = %s\n\n[block]\nenabled = no\n\n"+
		"[verdict]\nenabled = yes\nqueue = %s\nrules = %s\n%s", filepath.Join(v.dir, "none.log"), verdictQueue,
		filepath.Join(v.dir, "rules"), verdictKeys)
	v.d = startDaemonEnv(t, v.attacker, v.dir, time.Second, ld.env, sections)
	waitFor(t, "the queue bound", time.Minute, func() bool { return v.outbound()["kernel"] != nil })
	if setupArgs != nil {
		v.setup(setupArgs...)
	}
	return v
}

// setup runs `ifw setup --log none --queue 3 ARGS` in the client.
func (v *verdictLab) setup(args ...string) {
	v.t.Helper()
	base := []string{ifwBin, "setup", "--config", v.d.conf, "--log", "none", "--queue", verdictQueue}
	v.t.Logf("ifw setup:\n%s", v.in(v.attacker, append(base, args...)...))
}

func (v *verdictLab) writeRules(lines ...string) {
	v.t.Helper()
	if err := os.WriteFile(filepath.Join(v.dir, "rules"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		v.t.Fatal(err)
	}
}

// copyNC copies nc to DIR/name: another executable with the same code.
func (v *verdictLab) copyNC(name string) string {
	v.t.Helper()
	b, err := os.ReadFile(v.nc)
	if err != nil {
		v.t.Fatal(err)
	}
	p := filepath.Join(v.dir, name)
	if err := os.WriteFile(p, b, 0o755); err != nil {
		v.t.Fatal(err)
	}
	return p
}

// connect runs `exe -v -z -w wait server 8080` in the client: whether the
// TCP connection was made, and how it ended (see connEnd).
func (v *verdictLab) connect(exe string, wait int) (bool, connEnd) {
	return v.connectTo(victimIP, exe, wait)
}

// connectTo is connect to another address of the server.
func (v *verdictLab) connectTo(addr, exe string, wait int) (bool, connEnd) {
	cmd := v.connectCmdTo(addr, exe, wait)
	cmd.Args = slices.Insert(cmd.Args, len(cmd.Args)-5, "-v")
	out, err := cmd.CombinedOutput()
	return err == nil, classify(err, string(out))
}

// connEnd is how a connection attempt ended, told by nc's own words
// rather than by a clock: a dropped SYN times out, a rejected one is
// refused before the wait is over.
type connEnd string

const (
	connected connEnd = "connected"
	timedOut  connEnd = "timed out"
	refused   connEnd = "refused"
)

func classify(err error, out string) connEnd {
	switch {
	case err == nil:
		return connected
	case strings.Contains(out, "timed out"):
		return timedOut
	case strings.Contains(out, "refused") || strings.Contains(out, "unreachable") ||
		strings.Contains(out, "No route") || strings.Contains(out, "not permitted"):
		return refused
	}
	return connEnd("failed: " + strings.TrimSpace(out))
}

func (v *verdictLab) connectCmd(exe string, wait int) *exec.Cmd {
	return v.connectCmdTo(victimIP, exe, wait)
}

func (v *verdictLab) connectCmdTo(addr, exe string, wait int) *exec.Cmd {
	return exec.Command("ip", "netns", "exec", v.attacker, exe, "-z", "-w", strconv.Itoa(wait), addr, v.port)
}

// connectAsync starts a connection; the channel gets its outcome.
func (v *verdictLab) connectAsync(exe string, wait int) <-chan bool {
	ch := make(chan bool, 1)
	cmd := v.connectCmd(exe, wait)
	if err := cmd.Start(); err != nil {
		v.t.Fatal(err)
	}
	go func() { ch <- cmd.Wait() == nil }()
	v.t.Cleanup(func() { cmd.Process.Kill() })
	return ch
}

// outbound is the status's outbound part.
func (v *verdictLab) outbound() map[string]any {
	st, err := v.d.status()
	if err != nil {
		return nil
	}
	o, _ := st["outbound"].(map[string]any)
	return o
}

// ifw runs an ifw command against the daemon and returns its output.
func (v *verdictLab) ifw(args ...string) (string, error) {
	out, err := exec.Command(ifwBin, append(args, "--socket", v.d.socket)...).CombinedOutput()
	return string(out), err
}

// question waits for the open question of exe and returns it.
func (v *verdictLab) question(exe string, connections int) map[string]any {
	v.t.Helper()
	var found map[string]any
	waitFor(v.t, "a question for "+exe, time.Minute, func() bool {
		out, err := v.ifw("queue", "list", "--json")
		var qs []map[string]any
		if err != nil || json.Unmarshal([]byte(out), &qs) != nil {
			return false
		}
		for _, q := range qs {
			if q["exe"] == exe && int(q["connections"].(float64)) >= connections {
				found = q
				return true
			}
		}
		return false
	})
	return found
}

// answer runs `ifw queue VERB ID FLAGS`.
func (v *verdictLab) answer(verb string, q map[string]any, flags ...string) {
	v.t.Helper()
	id := strconv.Itoa(int(q["id"].(float64)))
	if out, err := v.ifw(append([]string{"queue", verb, id}, flags...)...); err != nil {
		v.t.Fatalf("ifw queue %s %s: %v\n%s", verb, id, err, out)
	}
}

// outcome waits for a connection's outcome.
func outcome(t *testing.T, ch <-chan bool, within time.Duration) bool {
	t.Helper()
	select {
	case ok := <-ch:
		return ok
	case <-time.After(within):
		t.Fatalf("connection still waiting after %s", within)
		return false
	}
}
