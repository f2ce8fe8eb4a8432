package notifytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/actions/notify"
)

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
  <listen>` + notify.BusAddress(filepath.Join(dir, "bus")) + `</listen>
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

// StartBus runs a private dbus-daemon with its socket "bus" in dir (a
// fresh directory when dir is ""), as cred's user when cred is set, and
// returns its address. It is killed when the test ends. The test checks
// first that there is one: testenv.Tool(t, "dbus-daemon").
func StartBus(t testing.TB, dir string, anyUser bool, cred *syscall.Credential) string {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	conf := filepath.Join(dir, "bus.conf") // where the daemon's user can read it
	if err := os.WriteFile(conf, []byte(busConfig(dir, anyUser)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile", "--print-address=3")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return Background(t, cmd)
}

// Connect opens a private connection to the bus at addr, closed with the
// test.
func Connect(t testing.TB, addr string) *dbus.Conn {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatalf("connect %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}
