package main

import (
	"bytes"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/verdict"
	"github.com/ifw/ifw/actions/verdict/rules"
	"github.com/ifw/ifw/cmd/ifw/control"
)

func TestAnswerOf(t *testing.T) {
	cases := []struct {
		verb                    string
		reject, always, session bool
		dur                     string
		want                    control.AnswerRequest
		bad                     bool
	}{
		{verb: "allow", want: control.AnswerRequest{Action: "allow", Lifetime: "once"}},
		{verb: "allow", always: true, want: control.AnswerRequest{Action: "allow", Lifetime: "permanent"}},
		{verb: "allow", session: true, want: control.AnswerRequest{Action: "allow", Lifetime: "session"}},
		{verb: "deny", dur: "1h", want: control.AnswerRequest{Action: "deny", Lifetime: "timed", For: "1h"}},
		{verb: "deny", reject: true, want: control.AnswerRequest{Action: "reject", Lifetime: "once"}},
		{verb: "allow", reject: true, bad: true},
		{verb: "allow", always: true, session: true, bad: true},
	}
	for _, c := range cases {
		got, err := answerOf(c.verb, c.reject, c.always, c.session, c.dur)
		if (err != nil) != c.bad || (!c.bad && got != c.want) {
			t.Errorf("%+v: %+v, %v", c, got, err)
		}
		if err != nil {
			continue
		}
		if _, err := got.Verdict(); err != nil {
			t.Errorf("%+v: the daemon refuses it: %v", got, err)
		}
	}
	if _, err := (control.AnswerRequest{Action: "allow", Lifetime: "timed", For: "-1h"}).Verdict(); err == nil {
		t.Error("negative duration accepted")
	}
}

func TestRuleLine(t *testing.T) {
	words := []string{"allow", "exe=/opt/My App/app", "port=443", `note=a "b" #c`}
	line := ruleLine(words)
	r, err := rules.ParseLine(line, nil)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	if r.Exe != "/opt/My App/app" || r.Note != `a "b" #c` || r.Ports.Lo != 443 {
		t.Errorf("%s → %+v", line, r)
	}
}

func TestWriteQuestionsAndRules(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	writeQuestions(&b, nil, now)
	qs := []verdict.Question{{ID: 3, UID: 1000, User: "alice", PID: 42, Exe: "/usr/bin/curl", Port: 443, Proto: "tcp",
		Connections: 2, Deadline: now.Add(20 * time.Second), Default: "deny"},
		{ID: 4, UID: 1001, Port: 53, Proto: "udp", Connections: 1, Deadline: now.Add(-time.Second), Default: "reject"}}
	writeQuestions(&b, qs, now)
	writeRules(&b, []control.Rule{{ID: 1, Line: "allow exe=/usr/bin/ssh port=22", Lifetime: "permanent", Hits: 5},
		{ID: 2, Line: "deny exe=any", Lifetime: "timed", Until: now.Add(time.Hour)}}, now)
	for _, want := range []string{"no connection is waiting", "alice", "/usr/bin/curl [42]", "2 connections, 20s then DENY",
		"uid 1001", "(unknown process)", "0s then REJECT", "permanent", "5 hits", "1h0m0s left"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in:\n%s", want, b.String())
		}
	}
}

func TestConfigCheckRulesFile(t *testing.T) {
	dir := t.TempDir()
	rulesPath := dir + "/rules"
	if err := os.WriteFile(rulesPath, []byte("allow exe=/usr/bin/ssh port=22\nallow exe=relative\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := writeConf(t, "[verdict]\nenabled = yes\nrules = "+rulesPath+"\n")
	var out, errb bytes.Buffer
	if code := run(env{stdout: &out, stderr: &errb}, []string{"config", "check", "--config", conf}); code != exitFail ||
		!strings.Contains(errb.String(), rulesPath+":2:") {
		t.Errorf("exit %d, stderr %q: want the rules file's line 2", code, errb.String())
	}
}

func TestSetupQueueFromVerdict(t *testing.T) {
	conf := writeConf(t, "[verdict]\nenabled = yes\nqueue = 4\nfail = open\nreject_mark = 0x20000000\n")
	cases := []struct {
		args       []string
		want, miss []string
	}{
		{nil, []string{"--queue-num 4 --queue-bypass", "--mark 0x20000000/0x20000000"}, nil},
		{[]string{"--queue", "6"}, []string{"--queue-num 6"}, []string{"--queue-bypass", "0x20000000"}},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		args := append([]string{"setup", "--dry-run", "--log", "none", "--config", conf}, c.args...)
		if code := run(env{stdout: &out, stderr: &errb}, args); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errb.String())
		}
		for _, w := range c.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%v: no %q in\n%s", c.args, w, out.String())
			}
		}
		for _, m := range c.miss {
			if strings.Contains(out.String(), m) {
				t.Errorf("%v: %q in\n%s", c.args, m, out.String())
			}
		}
	}
}

// A question whose destination is known by a name shows it before the
// address, made safe for the terminal.
func TestWriteQuestionsHost(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	qs := []verdict.Question{{ID: 3, UID: 1000, Exe: "/usr/bin/curl", Dst: netip.MustParseAddr("198.51.100.7"),
		Host: "www.test.example", Port: 443, Proto: "tcp", Connections: 1, Deadline: now, Default: "deny"},
		{ID: 4, UID: 1000, Dst: netip.MustParseAddr("198.51.100.8"), Host: "a\x1b[2Jb", Port: 443, Proto: "tcp"}}
	writeQuestions(&b, qs, now)
	if !strings.Contains(b.String(), "→ www.test.example (198.51.100.7) port 443/tcp") {
		t.Errorf("no name in:\n%s", b.String())
	}
	if strings.Contains(b.String(), "\x1b") {
		t.Errorf("escape passed: %q", b.String())
	}
}
