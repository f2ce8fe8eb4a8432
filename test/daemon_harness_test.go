package test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// daemonProc is an ifw daemon the test started, inside a namespace.
type daemonProc struct {
	t      *testing.T
	dir    string
	socket string
	conf   string
	ns     string
	cmd    *exec.Cmd
	logs   *syncBuffer
	done   chan error
	env    []string // added to the daemon's environment
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startDaemon writes a configuration (the given sections after a [daemon]
// section pointing into dir) and starts `ifw daemon` in namespace ns.
func startDaemon(t *testing.T, ns, dir, sections string) *daemonProc {
	t.Helper()
	return startDaemonSaving(t, ns, dir, time.Second, sections)
}

// startDaemonSaving is startDaemon with the given save_interval.
func startDaemonSaving(t *testing.T, ns, dir string, saveInterval time.Duration, sections string) *daemonProc {
	t.Helper()
	return startDaemonEnv(t, ns, dir, saveInterval, nil, sections)
}

// startDaemonEnv is startDaemonSaving with env added to the daemon's
// environment.
func startDaemonEnv(t *testing.T, ns, dir string, saveInterval time.Duration, env []string, sections string) *daemonProc {
	t.Helper()
	return startDaemonConf(t, ns, dir, env, fmt.Sprintf("save_interval = %s\n", saveInterval), sections)
}

// startDaemonConf writes dir/ifw.conf — [daemon] with the database and
// socket in dir, log_level debug and the lines of daemon ("key = value\n"
// each), then sections — and starts `ifw daemon` in ns on it, with env
// added to its environment. The daemon is killed when t ends; its log is
// shown when t failed.
func startDaemonConf(t *testing.T, ns, dir string, env []string, daemon, sections string) *daemonProc {
	t.Helper()
	d := &daemonProc{t: t, dir: dir, ns: ns, socket: filepath.Join(dir, "ifw.sock"), conf: filepath.Join(dir, "ifw.conf"), env: env}
	conf := fmt.Sprintf("[daemon]\ndatabase = %s\nsocket = %s\nlog_level = debug\n%s\n%s",
		filepath.Join(dir, "ifw.db"), d.socket, daemon, sections)
	if err := os.WriteFile(d.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	d.start()
	t.Cleanup(func() {
		if d.cmd != nil && d.cmd.ProcessState == nil {
			d.cmd.Process.Kill()
			<-d.done
		}
		if t.Failed() {
			t.Logf("daemon log (%s):\n%s", dir, d.logs.String())
		}
	})
	return d
}

func (d *daemonProc) start() {
	d.t.Helper()
	d.logs = &syncBuffer{}
	args := []string{"netns", "exec", d.ns, ifwBin, "daemon", "--config", d.conf}
	if p := os.Getenv("IFW_DAEMON_CPUPROFILE"); p != "" { // for profiling a system test
		args = append(args, "--cpuprofile", p)
	}
	d.cmd = exec.Command("ip", args...)
	d.cmd.Env = append(os.Environ(), d.env...)
	d.cmd.Stdout, d.cmd.Stderr = d.logs, d.logs
	if err := d.cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	d.done = make(chan error, 1)
	go func() { d.done <- d.cmd.Wait() }()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if _, err := d.status(); err == nil {
			return
		}
		select {
		case err := <-d.done:
			d.t.Fatalf("daemon exited: %v\n%s", err, d.logs.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	d.t.Fatalf("daemon did not answer on %s\n%s", d.socket, d.logs.String())
}

// status is `ifw status --json`, decoded.
func (d *daemonProc) status() (map[string]any, error) {
	out, err := exec.Command(ifwBin, "status", "--json", "--socket", d.socket).Output()
	if err != nil {
		return nil, err
	}
	var st map[string]any
	return st, json.Unmarshal(out, &st)
}

// waitAttacker polls the status until src is listed at level min or more.
func (d *daemonProc) waitAttacker(src string, min int, within time.Duration) map[string]any {
	d.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if st, err := d.status(); err == nil {
			if a := findAttacker(st, src); a != nil && int(a["danger_level"].(float64)) >= min {
				return a
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	st, _ := d.status()
	b, _ := json.MarshalIndent(st, "", "  ")
	d.t.Fatalf("%s never reached level %d within %s; status:\n%s", src, min, within, b)
	return nil
}

func findAttacker(st map[string]any, src string) map[string]any {
	list, _ := st["attackers"].([]any)
	for _, x := range list {
		if a, ok := x.(map[string]any); ok && a["src"] == src {
			return a
		}
	}
	return nil
}

// stop sends SIGTERM and requires a clean exit.
func (d *daemonProc) stop() {
	d.t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-d.done:
		if err != nil {
			d.t.Fatalf("daemon exit: %v\n%s", err, d.logs.String())
		}
	case <-time.After(time.Minute):
		d.t.Fatalf("daemon did not stop on SIGTERM\n%s", d.logs.String())
	}
}

// kill9 kills the daemon without warning.
func (d *daemonProc) kill9() {
	d.cmd.Process.Kill()
	<-d.done
}

// scanTypes lists an attacker's "type/proto" scans.
func scanTypes(a map[string]any) string {
	var out []string
	list, _ := a["scans"].([]any)
	for _, x := range list {
		s := x.(map[string]any)
		out = append(out, fmt.Sprintf("%v/%v", s["type"], s["proto"]))
	}
	return strings.Join(out, " ")
}
