package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestVerdictRules: with rules for three executables to the same server,
// nc connects, a copy of nc is denied (the SYN is dropped: nc waits its
// full timeout) and another is rejected (fails at once); a fourth copy has
// no rule, is held as a question and gets the default (deny) after the ask
// timeout. Each connection is attributed to its own executable. Every
// verdict has its line in the verdict log ([verdict] log = file PATH).
func TestVerdictRules(t *testing.T) {
	dir := t.TempDir()
	vlog := filepath.Join(dir, "log", "verdicts.log")
	v := newVerdictLabWith(t, nil, "ask_timeout = 2s\nlog = file "+vlog+"\n", nil, labDaemon{dir: dir})
	denied, rejected, other := v.copyNC("nc-denied"), v.copyNC("nc-rejected"), v.copyNC("nc-other")
	v.writeRules(
		"allow exe="+v.nc+" dst="+victimIP+" port=8080 proto=tcp",
		"allow exe="+v.nc+" dst=2001:db8:1::/64 port=8080 proto=tcp",
		"deny exe="+denied+" dst="+victimIP,
		"deny exe="+denied+" dst="+server6,
		"reject exe="+rejected+" port=8080")
	v.d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the rules reloaded", time.Minute, func() bool {
		o := v.outbound()
		return o != nil && o["rules"] == 5.0
	})
	v.setup()
	if ok, _ := v.connect(v.nc, 3); !ok {
		t.Errorf("nc: not connected, want allowed by its rule")
	}
	if ok, _ := v.connectTo(server6, v.nc, 3); !ok {
		t.Errorf("nc over IPv6: not connected, want allowed by its rule")
	}
	if _, how := v.connectTo(server6, denied, 2); how != timedOut {
		t.Errorf("nc-denied over IPv6: %s, want dropped (timed out)", how)
	}
	if _, how := v.connectTo(server6, rejected, 5); how != refused {
		t.Errorf("nc-rejected over IPv6: %s, want refused", how)
	}
	if _, how := v.connect(denied, 2); how != timedOut {
		t.Errorf("nc-denied: %s, want dropped (nc's 2 s timeout)", how)
	}
	if _, how := v.connect(rejected, 5); how != refused {
		t.Errorf("nc-rejected: %s, want refused", how)
	}
	ch := v.connectAsync(other, 6)
	q := v.question(other, 1)
	if q["dst"] != victimIP || q["port"] != 8080.0 || q["proto"] != "tcp" || q["uid"] != 0.0 {
		t.Errorf("question %v", q)
	}
	start := time.Now()
	if outcome(t, ch, time.Minute) {
		t.Errorf("nc-other: connected, want the default (deny) after the ask timeout")
	}
	o := v.outbound()
	t.Logf("outbound status after %s: %v", time.Since(start), o)
	// One question: the retransmitted SYNs got the default without asking.
	if o["timed_out"] != 1.0 || o["asked"] != 1.0 || o["by_rule"].(float64) < 6 || o["unknown_process"] != 0.0 {
		t.Errorf("outbound counters %v", o)
	}
	if a, _ := o["attribution"].(map[string]any); a == nil || a["lookups"].(float64) < 6 || a["pid_reuse"] != 0.0 {
		t.Errorf("attribution counters %v", o["attribution"])
	}
	if out, _ := v.ifw("status"); !strings.Contains(out, "Outbound: queue 3") || !strings.Contains(out, "attribution:") ||
		!strings.Contains(out, "verdict log "+vlog+": ") {
		t.Errorf("ifw status:\n%s", out)
	}
	wantLines := []string{
		" allow by=rule rule=1 user=root uid=0 pid=", " exe=" + v.nc + " dst=" + victimIP + " port=8080 proto=tcp name=-",
		" exe=" + v.nc + " dst=" + server6 + " port=8080 proto=tcp",
		" deny by=rule rule=3 user=root uid=0 pid=", " exe=" + denied + " dst=" + victimIP,
		" reject by=rule rule=5 ", " exe=" + rejected + " dst=" + server6,
		" deny by=timeout question=", " exe=" + other + " dst=" + victimIP,
	}
	var logged string
	waitFor(t, "the verdicts logged", time.Minute, func() bool {
		b, _ := os.ReadFile(vlog)
		logged = string(b)
		for _, w := range wantLines {
			if !strings.Contains(logged, w) {
				return false
			}
		}
		return true
	})
	if fi, err := os.Stat(vlog); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("verdict log %v, %v: want mode 0640", fi, err)
	}
	t.Logf("verdict log:\n%s", logged)
	// The closed question is in the store: the report counts it.
	out, err := exec.Command(ifwBin, "report", "--config", v.d.conf, "--format", "json", "--socket", v.d.socket).Output()
	var rep struct {
		Outbound *struct {
			Questions int `json:"questions"`
			Timed     int `json:"timed_out"`
			RuleHits  []struct {
				ID   uint64 `json:"id"`
				Hits uint64 `json:"hits"`
			} `json:"rule_hits"`
		} `json:"outbound"`
	}
	if err != nil || json.Unmarshal(out, &rep) != nil || rep.Outbound == nil || rep.Outbound.Questions != 1 || rep.Outbound.Timed != 1 {
		t.Errorf("ifw report: %v\n%s", err, out)
	}
	// Every rule decided connections: the report and ifw rules list show
	// their hits (the report's from the daemon's rules, over the socket).
	if rep.Outbound == nil || len(rep.Outbound.RuleHits) != 5 {
		t.Errorf("ifw report's rule hits: %s", out)
	}
	if out, err := v.ifw("rules", "list"); err != nil || !strings.Contains(out, " hits  deny exe="+denied) {
		t.Errorf("ifw rules list: %v\n%s", err, out)
	}
}

// TestVerdictAsk: held connections answered from a terminal: allow once,
// two connections merged into one question and denied together, and a
// session rule that lets the next connections through until it has been
// idle for session_idle.
func TestVerdictAsk(t *testing.T) {
	v := newVerdictLab(t, nil, "ask_timeout = 30s\nsession_idle = 2s\n", []string{})
	app := v.copyNC("app")
	ch := v.connectAsync(app, 20)
	v.answer("allow", v.question(app, 1))
	if !outcome(t, ch, time.Minute) {
		t.Errorf("allowed once: not connected")
	}
	a, b := v.connectAsync(app, 5), v.connectAsync(app, 5)
	v.answer("deny", v.question(app, 2))
	if outcome(t, a, time.Minute) || outcome(t, b, time.Minute) {
		t.Errorf("denied: a connection got through")
	}
	ch = v.connectAsync(app, 20)
	v.answer("allow", v.question(app, 1), "--session")
	if !outcome(t, ch, time.Minute) {
		t.Fatalf("session: not connected")
	}
	if _, how := v.connect(app, 5); how != connected {
		t.Errorf("during the session: %s, want connected without a question", how)
	}
	time.Sleep(4 * time.Second) // idle longer than session_idle, and the expiry tick
	ch = v.connectAsync(app, 5)
	v.answer("deny", v.question(app, 1)) // asked again: the session ended
	if outcome(t, ch, time.Minute) {
		t.Errorf("after the session: connected")
	}
}

// TestVerdictPermanentRestart: "allow always" writes the rules file; the
// rule decides after a daemon restart, and `ifw rules del` removes it.
func TestVerdictPermanentRestart(t *testing.T) {
	v := newVerdictLab(t, nil, "ask_timeout = 30s\n", []string{})
	app := v.copyNC("app")
	ch := v.connectAsync(app, 20)
	v.answer("allow", v.question(app, 1), "--always")
	if !outcome(t, ch, time.Minute) {
		t.Fatalf("allowed always: not connected")
	}
	saved, err := os.ReadFile(filepath.Join(v.dir, "rules"))
	if err != nil || !strings.Contains(string(saved), "allow exe="+app) {
		t.Fatalf("rules file: %v\n%s", err, saved)
	}
	v.d.stop()
	v.d.start()
	waitFor(t, "the queue bound again", time.Minute, func() bool { return v.outbound()["kernel"] != nil })
	if _, how := v.connect(app, 5); how != connected {
		t.Errorf("after restart: %s, want allowed by the saved rule", how)
	}
	out, err := v.ifw("rules", "list", "--json")
	var list []map[string]any
	if err != nil || json.Unmarshal([]byte(out), &list) != nil || len(list) != 1 {
		t.Fatalf("ifw rules list: %v\n%s", err, out)
	}
	if out, err := v.ifw("rules", "del", strconv.Itoa(int(list[0]["id"].(float64)))); err != nil {
		t.Fatalf("ifw rules del: %v\n%s", err, out)
	}
	ch = v.connectAsync(app, 20)
	v.answer("deny", v.question(app, 1), "--reject")
	if outcome(t, ch, time.Minute) {
		t.Errorf("rule deleted and rejected: connected")
	}
}

// TestVerdictDaemonKilled: the fail modes. Without --queue-bypass (fail
// closed) new connections are dropped while no daemon reads the queue;
// with it (fail open) they go through.
func TestVerdictDaemonKilled(t *testing.T) {
	v := newVerdictLab(t, []string{"allow exe=any"}, "", []string{})
	if ok, _ := v.connect(v.nc, 3); !ok {
		t.Fatalf("allowed by exe=any: not connected")
	}
	v.d.kill9()
	if ok, _ := v.connect(v.nc, 2); ok {
		t.Errorf("fail closed, daemon killed: connected, want dropped")
	}
	v.in(v.attacker, ifwBin, "setup", "--config", v.d.conf, "--remove")
	v.setup("--queue-bypass")
	if ok, _ := v.connect(v.nc, 3); !ok {
		t.Errorf("fail open (--queue-bypass), no daemon: not connected")
	}
	v.d.start()
	waitFor(t, "the queue bound again", time.Minute, func() bool { return v.outbound()["kernel"] != nil })
	if ok, _ := v.connect(v.nc, 3); !ok {
		t.Errorf("daemon back: not connected")
	}
}

// TestVerdictDesktop: a held connection becomes a bubble on its owner's
// desktop (`ifw applet` with a fake notification server); Allow once lets
// it go, Allow always also saves a rule.
func TestVerdictDesktop(t *testing.T) {
	v := newVerdictLab(t, nil, "ask_timeout = 30s\n", []string{})
	srv, addr := startBubbleServer(t, t.TempDir())
	applet := exec.Command(ifwBin, "applet", "--socket", v.d.socket)
	applet.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+addr)
	background(t, "ifw applet", applet)
	v.d.waitLog("applet subscribed", time.Minute)
	app := v.copyNC("desktop-app")
	ch := v.connectAsync(app, 20)
	b := srv.waitBubble(t, app)
	t.Logf("bubble: %q / %q with %v", b.summary, b.body, b.actions)
	srv.click(t, b, "allow_once")
	if !outcome(t, ch, time.Minute) {
		t.Fatalf("allowed once from the bubble: not connected")
	}
	other := v.copyNC("desktop-other")
	ch = v.connectAsync(other, 20)
	srv.click(t, srv.waitBubble(t, other), "allow_always")
	if !outcome(t, ch, time.Minute) {
		t.Fatalf("allowed always from the bubble: not connected")
	}
	if _, how := v.connect(other, 5); how != connected {
		t.Errorf("after Allow always: %s, want allowed by the rule", how)
	}
}
