package test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ifw/ifw/test/testenv"
)

// bootPackage boots the Debian system with the package installed under
// systemd-nspawn (its own network namespace: --private-network) and runs
// ifw.service for real, sandbox and all, against every kind of action:
// forged firewall lines in a log file make an attacker whose alert runs a
// psad-style script that reads the desktop user's ~/.Xauthority, a syslog
// line, a mail delivered by Debian's exim4, a desktop bubble through the fallback helper run as the desktop
// user on her session bus, and an auto-block in the container's ipset.
// The desktop user, in group ifw, reads `ifw alerts` over the control
// socket; `systemctl reload` and `stop` work. What the boot adds is
// removed after, so the purge that follows still finds nothing left.
func bootPackage(t *testing.T, sys *chrootSys) {
	testenv.Tool(t, "systemd-nspawn", "nsenter")
	root := sys.root
	const attacker, cookie = "203.0.113.5", "MIT-MAGIC-COOKIE-1 0123456789abcdef"
	prepareBoot(t, sys, cookie)
	c := startContainer(t, root)
	t.Cleanup(func() {
		if t.Failed() {
			out, _ := c.in("journalctl", "--no-pager", "-u", "ifw.service")
			t.Logf("the daemon's journal:\n%s", tail([]byte(out), 6000))
			out, _ = c.in("sh", "-c", "cat /var/log/exim4/mainlog /var/log/exim4/paniclog")
			t.Logf("exim4's logs:\n%s", tail([]byte(out), 3000))
		}
	})

	waitFor(t, "ifw.service active", 2*time.Minute, func() bool {
		out, _ := c.in("systemctl", "is-active", "ifw.service")
		return strings.TrimSpace(out) == "active"
	})
	waitFor(t, "exim4 listening (the mail action's SMTP server)", 2*time.Minute, func() bool {
		_, err := c.in("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/25")
		out, _ := c.in("systemctl", "is-active", "exim4.service")
		return err == nil && strings.TrimSpace(out) == "active"
	})
	c.must("sh", "-c", "mkdir -p /run/user/1000 && chown alice:alice /run/user/1000 && chmod 700 /run/user/1000 && "+
		"runuser -u alice -- dbus-daemon --session --address=unix:path=/run/user/1000/bus --fork --nopidfile")

	f, err := os.OpenFile(filepath.Join(root, "var/log/fw.log"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for port := 1; port <= 30; port++ {
		fmt.Fprintf(f, "%s fw kernel: DROP IN=eth0 OUT= SRC=%s DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=50 ID=1 PROTO=TCP SPT=40000 DPT=%d WINDOW=1024 RES=0x00 SYN URGP=0\n",
			time.Now().Format(time.RFC3339Nano), attacker, port)
	}
	f.Close()

	waitFor(t, "the auto-block in the container's ipset", 2*time.Minute, func() bool {
		_, err := c.in("ipset", "test", "ifw-block4", attacker)
		return err == nil
	})
	hookOut := filepath.Join(root, "var/lib/ifw/hook.out")
	waitFor(t, "the script's run", 2*time.Minute, func() bool { b, _ := os.ReadFile(hookOut); return len(b) > 0 })
	waitFor(t, "the script's whole output", time.Minute, func() bool {
		b, _ := os.ReadFile(hookOut)
		return strings.Contains(string(b), attacker)
	})
	if b, _ := os.ReadFile(hookOut); !strings.Contains(string(b), cookie) {
		t.Errorf("the script could not read ~/.Xauthority (ProtectHome): %q", b)
	}
	waitFor(t, "the syslog line", time.Minute, func() bool {
		out, _ := c.in("journalctl", "--no-pager", "-o", "cat", "SYSLOG_IDENTIFIER=ifw")
		return strings.Contains(out, attacker)
	})
	// Through SMTP to exim4's own daemon: a sendmail run under the
	// sandbox's no_new_privs could not deliver (exim4 cannot regain root
	// to switch to alice), and the daemon warns about it at start.
	if out := c.must("journalctl", "--no-pager", "-u", "ifw.service"); !strings.Contains(out, "set smtp = localhost:25") {
		t.Errorf("no warning about the sendmail action under no_new_privs:\n%s", tail([]byte(out), 3000))
	}
	waitFor(t, "the mail in alice's mailbox (Debian's exim4, through SMTP)", 2*time.Minute, func() bool {
		out, err := c.in("runuser", "-u", "alice", "--", "ifw", "alerts", "--json")
		if o := findOutcome(t, out, err, "mail"); o != nil && !o.OK {
			t.Fatalf("the mail action failed: %s", o.Error)
		}
		b, _ := os.ReadFile(filepath.Join(root, "var/mail/alice"))
		return strings.Contains(string(b), attacker)
	})
	var bubble *actionOutcome
	waitFor(t, "the desktop action's outcome in ifw alerts, as alice", time.Minute, func() bool {
		out, err := c.in("runuser", "-u", "alice", "--", "ifw", "alerts", "--json")
		bubble = findOutcome(t, out, err, "notify")
		return bubble != nil
	})
	checkBubbleOutcome(t, *bubble)

	c.must("systemctl", "reload", "ifw.service")
	if out, _ := c.in("systemctl", "is-active", "ifw.service"); strings.TrimSpace(out) != "active" {
		t.Errorf("after systemctl reload: %s", out)
	}
	c.must("systemctl", "stop", "ifw.service")
	if out := c.must("systemctl", "show", "-p", "Result", "ifw.service"); strings.TrimSpace(out) != "Result=success" {
		t.Errorf("after systemctl stop: %s", out)
	}
}

// prepareBoot readies the installed system: the desktop user alice in
// group ifw with an ~/.Xauthority, a log file collector instead of kmsg
// (a container has no /dev/kmsg), auto-blocking from level 2, a script and
// a syslog action, and ifw.service enabled.
func prepareBoot(t *testing.T, sys *chrootSys, cookie string) {
	root := sys.root
	conf := filepath.Join(root, "etc/ifw/ifw.conf")
	orig := readFile(t, conf)
	hook := filepath.Join(root, "usr/local/sbin/ifw-test-hook")
	t.Cleanup(func() {
		writeFile(t, conf, orig)
		os.Remove(hook)
		os.Remove(filepath.Join(root, "var/log/fw.log"))
		sys.runOK("userdel", "-r", "alice")
	})
	sys.run("useradd", "-m", "-u", "1000", "-G", "ifw", "alice")
	xauth := filepath.Join(root, "home/alice/.Xauthority")
	writeFile(t, xauth, cookie+"\n")
	if err := errors.Join(os.Chown(xauth, 1000, 1000), os.Chmod(xauth, 0o600)); err != nil {
		t.Fatal(err)
	}
	writeFile(t, hook, "#!/bin/sh\n# psad's notify-send recipe reads this file (XAUTHORITY=/home/USER/.Xauthority)\n"+
		"cat /home/alice/.Xauthority > /var/lib/ifw/hook.out\necho \"$1\" >> /var/lib/ifw/hook.out\n")
	if err := os.Chmod(hook, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "var/log/fw.log"), "")
	text := orig
	for _, r := range [][2]string{
		{"[source kmsg]\ntype = kmsg\n", "[source kmsg]\ntype = file\npath = /var/log/fw.log\n"},
		{"\nauto = no\nmin_level = 5\n", "\nauto = yes\nmin_level = 2\n"},
	} {
		if !strings.Contains(text, r[0]) {
			t.Fatalf("the shipped ifw.conf has no %q", r[0])
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	text += "\n[action hook]\ntype = script\ncommand = /usr/local/sbin/ifw-test-hook SRCIP\nmode = attacker\nmin_level = 2\n" +
		"\n[action log]\ntype = syslog\nmin_level = 2\n" +
		"\n[action mail]\ntype = mail\nfrom = root@localhost\nto = alice@localhost\nsmtp = localhost:25\nmin_level = 2\n" +
		"\n[action sendmail]\ntype = mail\nfrom = root@localhost\nto = alice@localhost\nmin_level = 5\n"
	writeFile(t, conf, text)
	sys.run("ifw", "config", "check")
	sys.run("systemctl", "enable", "ifw.service")
}

// checkBubbleOutcome: the desktop action reached alice's session bus as
// alice. No notification server runs there, so the helper's D-Bus call
// fails, but only after it ran as her and connected to her bus: under a
// sandbox without CAP_SETUID, or with /run/user hidden, it fails earlier
// with another error.
func checkBubbleOutcome(t *testing.T, o actionOutcome) {
	t.Helper()
	t.Logf("the desktop action's outcome: ok=%v %s", o.OK, o.Error)
	if !strings.Contains(o.Error, "uid 1000: notify: helper /usr/bin/ifw: exit status 1: ifw notify-once:") ||
		!strings.Contains(o.Error, "The name org.freedesktop.Notifications was not provided") {
		t.Errorf("the fallback did not reach alice's bus as alice: %+v", o)
	}
}

// actionOutcome is one action's outcome in `ifw alerts --json`.
type actionOutcome struct {
	Action string `json:"action"`
	OK     bool   `json:"ok"`
	Error  string `json:"error"`
}

// findOutcome is action's outcome in the alerts out lists, or nil.
func findOutcome(t *testing.T, out string, err error, action string) *actionOutcome {
	t.Helper()
	if err != nil {
		t.Logf("ifw alerts: %v: %s", err, out)
		return nil
	}
	var alerts []struct {
		Outcomes []actionOutcome `json:"outcomes"`
	}
	if err := json.Unmarshal([]byte(out), &alerts); err != nil {
		t.Fatalf("ifw alerts --json: %v\n%s", err, out)
	}
	for _, a := range alerts {
		for _, o := range a.Outcomes {
			if o.Action == action {
				return &o
			}
		}
	}
	return nil
}

// container is a booted systemd-nspawn container.
type container struct {
	t      *testing.T
	leader int // the container's PID 1, as the host sees it
}

// startContainer boots root with systemd-nspawn and finds its PID 1; the
// container is halted when the test ends.
func startContainer(t *testing.T, root string) *container {
	t.Helper()
	nspawnRunDir(t)
	var console syncBuffer
	cmd := exec.Command("systemd-nspawn", "--register=no", "--keep-unit", "--quiet", "-D", root,
		"--private-network", "-b", "--console=pipe")
	cmd.Stdout, cmd.Stderr = &console, &console
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM) // nspawn halts the container
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() {
			t.Logf("container console:\n%s", tail([]byte(console.String()), 4000))
		}
	})
	c := &container{t: t}
	waitFor(t, "the container's init", time.Minute, func() bool {
		c.leader = findInit(cmd.Process.Pid)
		return c.leader > 0
	})
	return c
}

// findInit is the first descendant of pid named systemd, or 0.
func findInit(pid int) int {
	todo := []int{pid}
	for len(todo) > 0 {
		p := todo[0]
		todo = todo[1:]
		if p != pid {
			if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p)); strings.TrimSpace(string(comm)) == "systemd" {
				return p
			}
		}
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", p))
		for _, f := range tasks {
			b, _ := os.ReadFile(f)
			for _, s := range strings.Fields(string(b)) {
				if n, err := strconv.Atoi(s); err == nil {
					todo = append(todo, n)
				}
			}
		}
	}
	return 0
}

// nspawnRunDir: systemd-nspawn keeps state in /run/systemd/nspawn and
// refuses to clean it up unless it is a tmpfs, as it is on a host that
// runs systemd; elsewhere the test mounts one, and takes it away after.
func nspawnRunDir(t *testing.T) {
	const dir = "/run/systemd/nspawn"
	if err := exec.Command("mountpoint", "-q", dir).Run(); err == nil {
		return
	}
	var made []string
	for _, d := range []string{"/run/systemd", dir} {
		if _, err := os.Stat(d); os.IsNotExist(err) {
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
			made = append(made, d)
		}
	}
	testenv.Run(t, "mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", dir)
	t.Cleanup(func() {
		_ = exec.Command("umount", "-l", dir).Run()
		for i := len(made) - 1; i >= 0; i-- {
			os.Remove(made[i])
		}
	})
}

// in runs argv inside the container (all its namespaces, its root).
func (c *container) in(argv ...string) (string, error) {
	args := append([]string{"-t", strconv.Itoa(c.leader), "-a", "-r", "-w", "--",
		"/usr/bin/env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "SYSTEMD_PAGER="}, argv...)
	var out bytes.Buffer
	cmd := exec.Command("nsenter", args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// must is in, failing the test when argv fails.
func (c *container) must(argv ...string) string {
	c.t.Helper()
	out, err := c.in(argv...)
	if err != nil {
		c.t.Fatalf("in the container: %s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return out
}
