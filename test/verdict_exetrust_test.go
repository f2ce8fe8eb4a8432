package test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestVerdictExeSpoof: user nobody, in a user namespace of its own, points
// its exe link at nc (test/exespoof) and connects to
// the server, which a rule allows nc to reach. The daemon does not let
// the rule allow it: the connection is held as a question about an
// unverified program ("userns:NS:" before nc's path), and answering it
// "allow always" lets that connection through but adds no rule.
func TestVerdictExeSpoof(t *testing.T) {
	require(t, "setpriv")
	v := newVerdictLab(t, nil, "ask_timeout = 1m\n", nil)
	v.writeRules("allow exe=" + v.nc + " dst=" + victimIP + " port=8080 proto=tcp")
	v.d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the rules reloaded", time.Minute, func() bool {
		o := v.outbound()
		return o != nil && o["rules"] == 1.0
	})
	v.setup()
	if ok, _ := v.connect(v.nc, 3); !ok {
		t.Fatalf("nc: not connected, want allowed by its rule")
	}

	dir, err := os.MkdirTemp("", "ifw-spoof-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	evil := filepath.Join(dir, "evil")
	for _, out := range []string{evil, evil + ".map"} {
		if b, err := exec.Command("go", "build", "-o", out, "./exespoof/cmd/exespoof").CombinedOutput(); err != nil {
			t.Fatalf("building the spoofer: %v\n%s", err, b)
		}
	}
	cmd := exec.Command("ip", "netns", "exec", v.attacker, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", evil)
	cmd.Env = append(os.Environ(), "IFW_EXESPOOF=spoof "+v.nc+" tcp "+victimIP+":"+v.port)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(line)
	}()
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })

	var q map[string]any
	waitFor(t, "a question for the spoofer, or its connection", time.Minute, func() bool {
		select {
		case line := <-lines:
			if strings.HasPrefix(line, "error: ") {
				t.Skipf("this kernel refuses the exe spoof: %s", line)
			}
			t.Fatalf("spoofer connected (%s): allowed by nc's rule", line)
		default:
		}
		out, err := v.ifw("queue", "list", "--json")
		var qs []map[string]any
		if err != nil || json.Unmarshal([]byte(out), &qs) != nil {
			return false
		}
		for _, x := range qs {
			if exe, _ := x["exe"].(string); strings.HasSuffix(exe, ":"+v.nc) {
				q = x
				return true
			}
		}
		return false
	})
	if exe := q["exe"].(string); !strings.HasPrefix(exe, "userns:") || q["unverified"] != true || q["uid"] != 65534.0 {
		t.Errorf("question %v: want nobody's unverified userns:NS:%s", q, v.nc)
	}
	if out, _ := v.ifw("queue", "list"); !strings.Contains(out, "program unverified") {
		t.Errorf("ifw queue list does not say unverified:\n%s", out)
	}
	v.answer("allow", q, "--always")
	select {
	case line := <-lines:
		if _, exe, _ := strings.Cut(line, " "); exe != v.nc {
			t.Errorf("spoofer after the answer: %q, want connected, its exe link saying %s", line, v.nc)
		}
	case <-time.After(time.Minute):
		t.Fatal("spoofer not connected a minute after the answer")
	}
	if o := v.outbound(); o["rules"] != 1.0 {
		t.Errorf("rules after answering allow always: %v, want still 1 (no rule for an unverified program)", o["rules"])
	}
}
