package test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDaemonSecondRefused: a second `ifw daemon` on the same state
// directory, or on the same ipsets of the same namespace with a state
// directory of its own, refuses to start, names the first one's PID, and
// leaves the first one's kernel blocks (a permanent one among them) alone.
func TestDaemonSecondRefused(t *testing.T) {
	l, d := blockLab(t, "")
	for _, args := range [][]string{
		{"198.51.100.61", "--for", "1h"},
		{"198.51.100.62", "--for", "forever"},
	} {
		out, err := exec.Command(ifwBin, append([]string{"block", "add", "--socket", d.socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("ifw block add %v: %v\n%s", args, err, out)
		}
	}
	pid := fmt.Sprint(d.cmd.Process.Pid)

	// The same configuration: the same state directory.
	out, code := runSecondDaemon(t, l.victim, d.conf)
	if code == 0 || !strings.Contains(out, "PID "+pid) || !strings.Contains(out, "state directory") {
		t.Errorf("second daemon on the same state directory: exit %d\n%s", code, out)
	}

	// Its own state directory and socket, the same ipsets.
	dir2 := t.TempDir()
	conf2 := filepath.Join(dir2, "ifw.conf")
	orig, err := os.ReadFile(d.conf)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(filepath.Join(d.dir, "ifw.db"), filepath.Join(dir2, "ifw.db"),
		d.socket, filepath.Join(dir2, "ifw.sock")).Replace(string(orig))
	if err := os.WriteFile(conf2, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = runSecondDaemon(t, l.victim, conf2)
	if code == 0 || !strings.Contains(out, "PID "+pid) || !strings.Contains(out, "ifw-block4") {
		t.Errorf("second daemon on the same ipsets: exit %d\n%s", code, out)
	}
	t.Logf("the second daemon said:\n%s", out)

	for _, ip := range []string{"198.51.100.61", "198.51.100.62"} {
		if err := exec.Command("ip", "netns", "exec", l.victim, "ipset", "test", "ifw-block4", ip).Run(); err != nil {
			t.Errorf("%s is no longer in the kernel set", ip)
		}
		if !listed(d.blockList(), ip+"/32") {
			t.Errorf("%s is no longer listed", ip)
		}
	}
	d.stop()
}

// runSecondDaemon starts `ifw daemon` and waits for it to exit (it must
// refuse to start); one that runs on is killed and reported.
func runSecondDaemon(t *testing.T, ns, conf string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", ns, ifwBin, "daemon", "--config", conf)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Errorf("the second daemon was still running after 20s\n%s", out)
		return string(out), 0
	}
	if err != nil {
		return string(out), cmd.ProcessState.ExitCode()
	}
	return string(out), 0
}
