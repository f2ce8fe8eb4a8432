package notify

import (
	"bufio"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testLogger logs through t at debug level.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// missing skips the test for a prerequisite that is not there, or fails
// it under CI=true, where the Makefile installs every package.
func missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("prerequisite missing under CI: %s", what)
	}
	t.Skipf("prerequisite missing: %s", what)
}

// needCommands checks programs, given as "command:debian-package".
func needCommands(t testing.TB, deps ...string) {
	t.Helper()
	for _, d := range deps {
		cmd, pkg, _ := strings.Cut(d, ":")
		if _, err := exec.LookPath(cmd); err != nil {
			missing(t, fmt.Sprintf("%s not found (Debian package %s)", cmd, pkg))
		}
	}
}

func needRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		missing(t, "root (the test changes file owners and process credentials)")
	}
}

// startKilled starts cmd, its output kept in the returned buffer, and
// kills it by pid when the test ends.
func startKilled(t testing.TB, cmd *exec.Cmd) *boundedBuffer {
	t.Helper()
	out := &boundedBuffer{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", cmd.Path, err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	return out
}

// background starts cmd (killed with the test) and returns the first line
// it writes on its fd 3: an address, a display number.
func background(t testing.TB, cmd *exec.Cmd) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd.ExtraFiles = []*os.File{w}
	out := startKilled(t, cmd)
	w.Close()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case s := <-line:
		if s == "" {
			t.Fatalf("%s printed nothing on fd 3: %s", filepath.Base(cmd.Path), out)
		}
		return s
	case <-time.After(time.Minute):
		t.Fatalf("%s did not start: %s", filepath.Base(cmd.Path), out)
	}
	return ""
}

// busConfig is a session-like bus on a socket in dir. anyUser lets every
// uid connect (a real session bus admits its owner only).
func busConfig(dir string, anyUser bool) string {
	users := ""
	if anyUser {
		users = `<allow user="*"/>`
	}
	return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>` + busAddress(filepath.Join(dir, "bus")) + `</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    ` + users + `
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`
}

// startBus runs a private dbus-daemon with its socket in dir (a fresh
// directory when dir is ""), as cred's user when cred is set, and returns
// its address.
func startBus(t testing.TB, dir string, anyUser bool, cred *syscall.Credential) string {
	t.Helper()
	needCommands(t, "dbus-daemon:dbus-daemon")
	if dir == "" {
		dir = t.TempDir()
	}
	conf := filepath.Join(dir, "bus.conf") // where the daemon's user can read it
	if err := os.WriteFile(conf, []byte(busConfig(dir, anyUser)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile", "--print-address=3")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return background(t, cmd)
}
