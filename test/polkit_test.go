package test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ifw/ifw/cmd/ifw/polkit/polkittest"
)

// The two desktop users of the polkit tests: numeric uids, never created.
// al is nobody (polkit's rules see the name "nobody"); bo has no passwd
// entry at all.
const (
	uidAl = 65534
	uidBo = 64999
	// socketGroup is an existing group the test's socket is given; the
	// test's users get it as a supplementary group, as desktop users get
	// group ifw.
	socketGroup    = "users"
	socketGroupGID = 100
)

// polkitLab is a verdict lab whose daemon asks a real polkitd on a private
// system bus, with a socket al and bo may reach.
type polkitLab struct {
	*verdictLab
	pk  *polkittest.Authority
	bin string // ifw, where al and bo may run it
}

// activePolicy is the shipped policy as the active local user sees it:
// the test's processes have no logind session, so polkit judges them by
// allow_any, which here takes allow_active's value.
func activePolicy(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../etc/org.ifw.policy")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if strings.Contains(l, "<allow_any>") {
			continue
		}
		if i := strings.Index(l, "<allow_active>"); i >= 0 {
			v := strings.TrimSuffix(strings.TrimSpace(l[i+len("<allow_active>"):]), "</allow_active>")
			fmt.Fprintf(&out, "%s<allow_any>%s</allow_any>\n", l[:i], v)
		}
		out.WriteString(l)
	}
	return out.Bytes()
}

func newPolkitLab(t *testing.T) *polkitLab {
	t.Helper()
	pk := polkittest.Start(t, map[string][]byte{"org.ifw.policy": activePolicy(t)}, nil)
	dir, err := os.MkdirTemp("", "ifw-polkit-lab-") // reachable by al and bo
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "ifw")
	if b, err := os.ReadFile(ifwBin); err != nil || os.WriteFile(bin, b, 0o755) != nil {
		t.Fatalf("copying ifw: %v", err)
	}
	v := newVerdictLabWith(t, nil, "ask_timeout = 60s\n", []string{}, labDaemon{dir: dir,
		env: []string{"DBUS_SYSTEM_BUS_ADDRESS=" + pk.Address}, daemonKeys: "socket_group = " + socketGroup + "\n"})
	return &polkitLab{verdictLab: v, pk: pk, bin: bin}
}

// ifwAs runs an ifw command as uid (in the socket's group).
func (l *polkitLab) ifwAs(uid uint32, args ...string) (string, error) {
	cmd := exec.Command(l.bin, append(args, "--socket", l.d.socket)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: 65534, Groups: []uint32{socketGroupGID}}}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// connectAs starts a connection of exe as uid in the client; the channel
// gets whether it connected.
func (l *polkitLab) connectAs(uid uint32, exe string) <-chan bool {
	ch := make(chan bool, 1)
	cmd := exec.Command("ip", "netns", "exec", l.attacker, "setpriv", "--reuid="+strconv.Itoa(int(uid)),
		"--regid=65534", "--clear-groups", exe, "-z", "-w", "30", victimIP, l.port)
	if err := cmd.Start(); err != nil {
		l.t.Fatal(err)
	}
	go func() { ch <- cmd.Wait() == nil }()
	l.t.Cleanup(func() { cmd.Process.Kill() })
	return ch
}

// questionsAs is `ifw queue list --json` as uid.
func (l *polkitLab) questionsAs(uid uint32) []map[string]any {
	l.t.Helper()
	out, err := l.ifwAs(uid, "queue", "list", "--json")
	var qs []map[string]any
	if err != nil || json.Unmarshal([]byte(out), &qs) != nil {
		l.t.Fatalf("queue list as uid %d: %v\n%s", uid, err, out)
	}
	return qs
}

// rulesAs is the lines of `ifw rules list --json` as uid.
func (l *polkitLab) rulesAs(uid uint32) []string {
	l.t.Helper()
	out, err := l.ifwAs(uid, "rules", "list", "--json")
	var rs []map[string]any
	if err != nil || json.Unmarshal([]byte(out), &rs) != nil {
		l.t.Fatalf("rules list as uid %d: %v\n%s", uid, err, out)
	}
	var lines []string
	for _, r := range rs {
		lines = append(lines, fmt.Sprint(r["line"]))
	}
	return lines
}

// refused runs an ifw command as uid and requires it to be refused by
// polkit (with want in the message).
func (l *polkitLab) refused(uid uint32, want string, args ...string) {
	l.t.Helper()
	out, err := l.ifwAs(uid, args...)
	if err == nil || !strings.Contains(out, "not authorized") || !strings.Contains(out, want) {
		l.t.Errorf("uid %d: ifw %s: %v\n%s\nwant refused with %q", uid, strings.Join(args, " "), err, out, want)
		return
	}
	l.t.Logf("uid %d: ifw %s: %s", uid, strings.Join(args, " "), strings.TrimSpace(out))
}

func (l *polkitLab) allowed(uid uint32, args ...string) {
	l.t.Helper()
	if out, err := l.ifwAs(uid, args...); err != nil {
		l.t.Errorf("uid %d: ifw %s: %v\n%s\nwant allowed", uid, strings.Join(args, " "), err, out)
	}
}

// TestPolkitAuthorization performs issue 13's attacks with a desktop user
// al and another user bo, both in the socket's group, against a real
// polkitd with the shipped policy (as for the active local user): al may
// answer its own question once, but "allow always" and a rule for any
// program need an admin's password (no agent here: refused); bo neither
// sees nor settles al's question, directly or with a rule for al's uid;
// root may do everything.
func TestPolkitAuthorization(t *testing.T) {
	l := newPolkitLab(t)
	app := l.copyNC("al-app")
	ch := l.connectAs(uidAl, app)
	var q map[string]any
	waitFor(t, "al's question", time.Minute, func() bool {
		for _, x := range l.questionsAs(uidAl) {
			if x["exe"] == app {
				q = x
				return true
			}
		}
		return false
	})
	id := strconv.Itoa(int(q["id"].(float64)))
	if qs := l.questionsAs(uidBo); len(qs) != 0 {
		t.Errorf("bo sees %d questions (al's), want none", len(qs))
	}
	l.refused(uidBo, "org.ifw.other-user", "queue", "allow", id)
	l.refused(uidBo, "org.ifw.other-user", "rules", "add", "--once", "allow", "exe="+app, "user="+strconv.Itoa(uidAl),
		"dst="+victimIP, "port="+l.port, "proto=tcp")
	l.refused(uidAl, "org.ifw.rules-permanent", "queue", "allow", id, "--always")
	l.refused(uidAl, "org.ifw.rules-permanent", "rules", "add", "allow", "exe=any", "user="+strconv.Itoa(uidAl))
	l.refused(uidAl, "org.ifw.rules-permanent", "rules", "add", "--once", "allow", "exe=any", "user="+strconv.Itoa(uidAl))
	l.refused(uidAl, "org.ifw.other-user", "rules", "add", "--once", "allow", "exe="+app, "dst="+victimIP)
	if rs := l.rulesAs(uidAl); len(rs) != 0 {
		t.Errorf("refused requests left rules: %q", rs)
	}
	l.allowed(uidAl, "queue", "allow", id)
	if !outcome(t, ch, time.Minute) {
		t.Errorf("al allowed its own question once: not connected")
	}

	// root: a rule for al's uid, seen by al, not by bo; deleting it is
	// refused to both (a lasting rule); root deletes it.
	alRule := "allow exe=" + app + " dst=" + victimIP + " port=" + l.port + " proto=tcp user=" + strconv.Itoa(uidAl)
	out, err := l.ifw(append([]string{"rules", "add"}, strings.Fields(alRule)...)...)
	if err != nil {
		t.Fatalf("root: rules add: %v\n%s", err, out)
	}
	if rs := l.rulesAs(uidAl); len(rs) != 1 {
		t.Errorf("al sees rules %q, want its one", rs)
	}
	if rs := l.rulesAs(uidBo); len(rs) != 0 {
		t.Errorf("bo sees rules %q, want none", rs)
	}
	l.refused(uidBo, "org.ifw.other-user", "rules", "del", "1")
	l.refused(uidAl, "org.ifw.rules-permanent", "rules", "del", "1")
	if out, err := l.ifw("rules", "del", "1"); err != nil {
		t.Errorf("root: rules del: %v\n%s", err, out)
	}
	l.refused(uidAl, "org.ifw.block", "block", "add", "203.0.113.9")
}

// TestPolkitRulesFiles: the administrator's rules files decide: one that
// lets al make lasting rules makes its "allow always" work; one that
// says no to al's quick answers refuses them; and with polkitd gone a
// request that needs it is refused (fail closed) while root goes on.
func TestPolkitRulesFiles(t *testing.T) {
	l := newPolkitLab(t)
	question := func(exe string) (string, <-chan bool) {
		ch := l.connectAs(uidAl, exe)
		var id string
		waitFor(t, "al's question for "+exe, time.Minute, func() bool {
			for _, x := range l.questionsAs(uidAl) {
				if x["exe"] == exe {
					id = strconv.Itoa(int(x["id"].(float64)))
					return true
				}
			}
			return false
		})
		return id, ch
	}
	l.pk.SetRules(t, "50-ifw.rules", `polkit.addRule(function(action, subject) {
		if (action.id == "org.ifw.rules-permanent" && subject.user == "nobody") { return polkit.Result.YES; }
	});`)
	app := l.copyNC("al-always")
	id, ch := question(app)
	l.allowed(uidAl, "queue", "allow", id, "--always")
	if !outcome(t, ch, time.Minute) {
		t.Errorf("allowed always: not connected")
	}
	if rs := l.rulesAs(uidAl); len(rs) != 1 || !strings.Contains(rs[0], app) {
		t.Errorf("after allow always, al's rules: %q", rs)
	}

	l.pk.SetRules(t, "50-ifw.rules", `polkit.addRule(function(action, subject) {
		if (action.id == "org.ifw.answer-own" && subject.user == "nobody") { return polkit.Result.NO; }
	});`)
	other := l.copyNC("al-denied")
	id, ch = question(other)
	l.refused(uidAl, "org.ifw.answer-own", "queue", "allow", id)

	l.pk.Stop(t)
	l.refused(uidAl, "polkit could not be asked", "queue", "allow", id)
	if out, err := l.ifw("queue", "deny", id, "--reject"); err != nil {
		t.Errorf("root with polkitd gone: %v\n%s", err, out)
	}
	if outcome(t, ch, time.Minute) {
		t.Errorf("denied by root: connected")
	}
}

// TestPolkitDesktop: al's applet clicks Allow always; with the default
// policy that needs an administrator (no agent here), so the choice is
// refused and a bubble says why; al's own answer once still goes.
func TestPolkitDesktop(t *testing.T) {
	l := newPolkitLab(t)
	srv, addr := startBubbleServer(t, l.dir)
	applet := exec.Command(l.bin, "applet", "--socket", l.d.socket)
	applet.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+addr)
	applet.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uidAl, Gid: 65534, Groups: []uint32{socketGroupGID}}}
	background(t, "ifw applet as al", applet)
	l.d.waitLog("applet subscribed", time.Minute)
	app := l.copyNC("al-desktop")
	ch := l.connectAs(uidAl, app)
	srv.click(t, srv.waitBubble(t, app), "allow_always")
	b := srv.waitBubble(t, "org.ifw.rules-permanent")
	t.Logf("bubble: %q / %q", b.summary, b.body)
	if !strings.Contains(b.summary, "not applied") || !strings.Contains(b.body, "needs authentication") {
		t.Errorf("refusal bubble %q / %q", b.summary, b.body)
	}
	if rs := l.rulesAs(uidAl); len(rs) != 0 {
		t.Errorf("refused Allow always left rules %q", rs)
	}
	qs := l.questionsAs(uidAl)
	if len(qs) != 1 {
		t.Fatalf("al's questions after the refusal: %v, want the open one", qs)
	}
	l.allowed(uidAl, "queue", "allow", strconv.Itoa(int(qs[0]["id"].(float64))))
	if !outcome(t, ch, time.Minute) {
		t.Errorf("allowed once after the refusal: not connected")
	}
}
