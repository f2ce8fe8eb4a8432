package polkit

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/polkit/polkittest"
)

const testAction = "org.ifw.test"

// testPolicy defines testAction: auth_admin for everyone.
var testPolicy = []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE policyconfig PUBLIC "-//freedesktop//DTD PolicyKit Policy Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/PolicyKit/1/policyconfig.dtd">
<policyconfig><action id="org.ifw.test"><description>test</description><message>test</message>
<defaults><allow_any>auth_admin</allow_any><allow_inactive>auth_admin</allow_inactive><allow_active>auth_admin</allow_active></defaults>
</action></policyconfig>`)

// process runs a process as uid until the test ends and returns its
// subject.
func process(t *testing.T, uid uint32) Subject {
	t.Helper()
	cmd := exec.Command("cat")
	w, err := cmd.StdinPipe() // cat lives until the pipe closes
	if err != nil {
		t.Fatal(err)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: 65534}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(); cmd.Process.Kill(); cmd.Wait() })
	s, err := ProcessSubject(int32(cmd.Process.Pid), uid)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newAuthority(t *testing.T, addr string) *Authority {
	t.Helper()
	a, err := New(Config{Address: addr}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// TestCheckRealPolkitd asks a real polkitd: the policy's default
// (auth_admin, no agent: a challenge, not authorized), rules files that
// say yes and no, root, a subject whose start time is wrong, and a uid
// without a passwd entry.
func TestCheckRealPolkitd(t *testing.T) {
	pk := polkittest.Start(t, map[string][]byte{"org.ifw.test.policy": testPolicy}, nil)
	a := newAuthority(t, pk.Address)
	ctx := context.Background()
	nobody, unnamed := process(t, 65534), process(t, 64999)
	self, err := ProcessSubject(int32(os.Getpid()), 0)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, s Subject, interactive bool, want Result) {
		t.Helper()
		got, err := a.Check(ctx, s, testAction, interactive)
		if err != nil || got.Authorized != want.Authorized || got.Challenge != want.Challenge {
			t.Errorf("%s: %+v %v, want authorized %v challenge %v", name, got, err, want.Authorized, want.Challenge)
		}
	}
	check("default, no agent", nobody, true, Result{Challenge: true})
	check("default, not interactive", nobody, false, Result{Challenge: true})
	check("root", self, true, Result{Authorized: true})
	pk.SetRules(t, "50-test.rules", `polkit.addRule(function(action, subject) {
		if (action.id == "org.ifw.test" && subject.user == "nobody") { return polkit.Result.YES; }
		if (action.id == "org.ifw.test") { return polkit.Result.NO; }
	});`)
	check("rules: yes", nobody, true, Result{Authorized: true})
	check("rules: no", unnamed, true, Result{})
	wrong := nobody
	wrong.StartTime++
	if got, err := a.Check(ctx, wrong, testAction, true); err == nil && got.Authorized {
		t.Errorf("wrong start time: authorized")
	}
}

// TestCheckUnavailable: no bus is an error, never a yes.
func TestCheckUnavailable(t *testing.T) {
	a := newAuthority(t, "unix:path="+t.TempDir()+"/no-bus")
	_, err := a.Check(context.Background(), Subject{PID: 1, UID: 1000}, testAction, true)
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("err = %v, want ErrUnavailable", err)
	}
}
