package test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestVerdictDesktopReject: the question bubble's Reject refuses the held
// connection loudly (nc reports it refused, instead of waiting for its
// timeout), Deny drops it (nc times out), and Deny always also saves a
// deny rule; the bubble offers all five answers.
func TestVerdictDesktopReject(t *testing.T) {
	v := newVerdictLab(t, nil, "ask_timeout = 30s\n", []string{})
	srv, addr := startBubbleServer(t, t.TempDir())
	applet := exec.Command(ifwBin, "applet", "--socket", v.d.socket)
	applet.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+addr)
	background(t, "ifw applet", applet)
	v.d.waitLog("applet subscribed", time.Minute)

	rejected := v.copyNC("desktop-rejected")
	ch := v.connectEndAsync(rejected, 30)
	b := srv.waitBubble(t, rejected)
	want := []string{"allow_once", "Allow once", "allow_always", "Allow always", "deny", "Deny",
		"deny_always", "Deny always", "reject", "Reject (fail fast)"}
	if !slices.Equal(b.actions, want) {
		t.Errorf("question bubble offers %v, want %v", b.actions, want)
	}
	srv.click(t, b, "reject")
	if how := v.connEnd(ch); how != refused {
		t.Errorf("rejected from the bubble: %s, want refused", how)
	}

	denied := v.copyNC("desktop-denied")
	ch = v.connectEndAsync(denied, 3)
	srv.click(t, srv.waitBubble(t, denied), "deny")
	if how := v.connEnd(ch); how != timedOut {
		t.Errorf("denied from the bubble: %s, want dropped (timed out)", how)
	}

	always := v.copyNC("desktop-always")
	ch = v.connectEndAsync(always, 3)
	srv.click(t, srv.waitBubble(t, always), "deny_always")
	if how := v.connEnd(ch); how != timedOut {
		t.Errorf("denied always from the bubble: %s, want dropped (timed out)", how)
	}
	saved, err := os.ReadFile(filepath.Join(v.dir, "rules"))
	if err != nil || !strings.Contains(string(saved), "deny exe="+always) {
		t.Fatalf("rules file after Deny always: %v\n%s", err, saved)
	}
	if _, how := v.connect(always, 3); how != timedOut {
		t.Errorf("after Deny always: %s, want dropped by the rule without a question", how)
	}
}

// connectEndAsync starts `exe -v -z -w wait server 8080`; the channel gets
// how it ended.
func (v *verdictLab) connectEndAsync(exe string, wait int) <-chan connEnd {
	ch := make(chan connEnd, 1)
	cmd := v.connectCmd(exe, wait)
	cmd.Args = slices.Insert(cmd.Args, len(cmd.Args)-5, "-v")
	go func() {
		out, err := cmd.CombinedOutput()
		ch <- classify(err, string(out))
	}()
	v.t.Cleanup(func() {
		if cmd.Process != nil {
			cmd.Process.Kill()
		}
	})
	return ch
}

// connEnd waits for a connection's end.
func (v *verdictLab) connEnd(ch <-chan connEnd) connEnd {
	v.t.Helper()
	select {
	case how := <-ch:
		return how
	case <-time.After(time.Minute):
		v.t.Fatal("connection still waiting after a minute")
		return ""
	}
}
