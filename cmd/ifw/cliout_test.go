package main

import (
	"github.com/ifw/ifw/cmd/ifw/control/controltest"

	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ifw/ifw/cmd/ifw/control"
)

// TestWriteCommandsSayWhatTheyDid: the commands that change something
// print one human line by default (they printed JSON before), against a
// real control server.
func TestWriteCommandsSayWhatTheyDid(t *testing.T) {
	socket, _ := controltest.Start(t, nil)
	for _, tt := range []struct {
		args string
		want string
	}{
		{"block add 198.51.100.7 --for 1h", "blocked 198.51.100.7/32 for 1h (manual block)\n"},
		{"block add --for forever 198.51.100.8 --reason brute-force", "blocked 198.51.100.8/32 forever (brute-force)\n"},
		{"block add 198.51.100.0/24", "blocked 198.51.100.0/24 for 1h (manual block)\n"},
		{"block del 198.51.100.7", "unblocked 198.51.100.7/32\n"},
		{"block reload", "loaded 3 entries from 1 file: 2 in the IPv4 set, 0 in the IPv6 set (0 widened, 1 duplicates, 0 refused by the never-block list) in 12ms\n"},
		{"whitelist add 198.51.100.8 --comment monitoring", "added 198.51.100.8 to /etc/ifw/whitelist (198.51.100.8/32)\n" +
			"lifted the active block of 198.51.100.8/32: it is on the never-block list now\n"},
		{"whitelist del 198.51.100.8", "removed 198.51.100.8 from the whitelist\n"},
		{"queue allow 3", "allowed question 3 (/usr/bin/curl [42] → 198.51.100.9 port 443/tcp) once\n"},
		{"queue deny 3 --reject", "rejected question 3 (/usr/bin/curl [42] → 198.51.100.9 port 443/tcp) once\n"},
		{"queue allow 3 --always", "allowed question 3 (/usr/bin/curl [42] → 198.51.100.9 port 443/tcp) always\n" +
			"rule 1 added: allow exe=/usr/bin/curl dst=198.51.100.9 port=443 proto=tcp\n"},
		{"queue deny 3 --session", "denied question 3 (/usr/bin/curl [42] → 198.51.100.9 port 443/tcp) for the session\n" +
			"rule 2 added: deny exe=/usr/bin/curl dst=198.51.100.9 port=443 proto=tcp lifetime=session\n"},
		{"rules add allow exe=/usr/bin/ssh port=22 proto=tcp", "rule 3 added: allow exe=/usr/bin/ssh port=22 proto=tcp\n"},
		{"rules add --once deny exe=/usr/bin/nc", "rule 4 added: deny exe=/usr/bin/nc lifetime=once\n"},
		{"rules del 3", "rule 3 deleted: allow exe=/usr/bin/ssh port=22 proto=tcp\n"},
	} {
		code, out, errs := runArgs(append(strings.Fields(tt.args), "--socket", socket)...)
		if code != exitOK || out != tt.want || errs != "" {
			t.Errorf("ifw %s: exit %d\nstdout: %q\nwant:   %q\nstderr: %s", tt.args, code, out, tt.want, errs)
		}
	}
}

// TestWriteCommandsJSON: with --json the write commands print what they
// printed before: the daemon's answer, every field of it.
func TestWriteCommandsJSON(t *testing.T) {
	socket, _ := controltest.Start(t, nil)
	for _, tt := range []struct {
		args string
		keys string // the JSON object's keys, sorted
	}{
		{"block add 198.51.100.7 --for 1h", "created expires family id level prefix reason source"},
		{"block del 198.51.100.7", "removed"},
		{"block reload", "duplicates entries files loaded4 loaded6 refused took_ns widened"},
		{"whitelist add 198.51.100.8", "added file prefixes unblocked"},
		{"whitelist del 198.51.100.8", "removed"},
		{"queue allow 3", "question"},
		{"queue deny 3 --for 1h", "question rule"},
		{"rules add allow exe=/usr/bin/ssh", "action created hits id last_used lifetime line until"},
		{"rules del 2", "action created hits id last_used lifetime line until"},
	} {
		code, out, errs := runArgs(append(strings.Fields(tt.args), "--json", "--socket", socket)...)
		var v map[string]any
		if code != exitOK || json.Unmarshal([]byte(out), &v) != nil {
			t.Errorf("ifw %s --json: exit %d\n%s%s", tt.args, code, out, errs)
			continue
		}
		if got := strings.Join(slices.Sorted(maps.Keys(v)), " "); !subset(tt.keys, got) {
			t.Errorf("ifw %s --json: keys %q, want %q\n%s", tt.args, got, tt.keys, out)
		}
	}
	// the rule id a script reads from rules add --json
	_, out, _ := runArgs("rules", "add", "deny", "exe=/usr/bin/nc", "--json", "--socket", socket)
	var r control.Rule
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.ID == 0 || r.Line != "deny exe=/usr/bin/nc" {
		t.Errorf("rules add --json: %v %+v", err, r)
	}
}

// subset: every word of want is in got (fields with omitzero may be absent).
func subset(want, got string) bool {
	have := strings.Fields(got)
	for _, w := range strings.Fields(want) {
		if !slices.Contains(have, w) && w != "expires" && w != "until" && w != "last_used" && w != "created" {
			return false
		}
	}
	return true
}

// TestPlainErrors: a refusal is said in the user's words, after the
// command's name, with exit 1.
func TestPlainErrors(t *testing.T) {
	socket, _ := controltest.Start(t, nil)
	for _, tt := range []struct {
		args string
		want string
	}{
		{"block add notanip", `ifw block add: "notanip" is not an IP address or network` + "\n"},
		{"block del 198.51.100.99", "ifw block del: "},
		{"rules del 99", "ifw rules del: no rule 99\n"},
		{"queue allow 99", "ifw queue allow: no question 99\n"},
		{"rules add allow exe=relative/path", "ifw rules add: "},
		{"whitelist del nosuch.example", "ifw whitelist del: "},
	} {
		code, out, errs := runArgs(append(strings.Fields(tt.args), "--socket", socket)...)
		if code != exitFail || out != "" || !strings.HasPrefix(errs, tt.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("ifw %s: exit %d, stdout %q\nstderr: %q\nwant:   %q", tt.args, code, out, errs, tt.want)
		}
	}
	code, _, errs := runArgs("status", "--socket", socket+".none")
	if code != exitFail || !strings.HasPrefix(errs, "ifw status: the ifw daemon is not running (no one listens on "+socket+".none") {
		t.Errorf("status without a daemon: exit %d %q", code, errs)
	}
}

// TestNotInGroupMessage: a user outside group ifw is told that, and what
// to do, not "permission denied" alone.
func TestNotInGroupMessage(t *testing.T) {
	var out, errb strings.Builder
	e := env{stdout: &out, stderr: &errb}
	cmd := newRootCmd(e)
	cmd.SetArgs([]string{"status"})
	err := failed(e, cmd, &control.SocketError{Socket: control.DefaultSocket, Err: control.ErrNoAccess})
	var code exitCode
	if !errors.As(err, &code) || code != exitFail ||
		!strings.Contains(errb.String(), "only root and members of group ifw may talk to the daemon") {
		t.Errorf("%v: %q", err, errb.String())
	}
}

// TestSetupNeedsRoot: ifw setup as another user says it needs root
// before reading anything; --dry-run changes nothing and runs.
func TestSetupNeedsRoot(t *testing.T) {
	var out, errb strings.Builder
	e := env{stdout: &out, stderr: &errb, euid: 1000}
	if code := run(e, []string{"setup", "--config", "/nonexistent/ifw.conf"}); code != exitFail ||
		!strings.HasPrefix(errb.String(), "ifw setup: needs root") || out.Len() != 0 {
		t.Errorf("setup as uid 1000: exit %d %q %q", code, out.String(), errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := run(e, []string{"setup", "--dry-run", "--config", "/nonexistent/ifw.conf"}); code != exitOK ||
		!strings.Contains(out.String(), "ifw-block4") {
		t.Errorf("setup --dry-run as uid 1000: exit %d %q %q", code, out.String(), errb.String())
	}
}

// TestCompletionFromDaemon: rule ids, question numbers, blocked
// addresses and whitelist entries come from the running daemon; without
// one, nothing (and no error).
func TestCompletionFromDaemon(t *testing.T) {
	socket, _ := controltest.Start(t, nil)
	if code, out, errs := runArgs("rules", "add", "allow", "exe=/usr/bin/ssh", "--socket", socket); code != exitOK {
		t.Fatalf("rules add: %d %s%s", code, out, errs)
	}
	for _, tt := range []struct {
		args string
		want string
	}{
		{"rules del", "1\tallow exe=/usr/bin/ssh\n"},
		{"queue allow", "3\t/usr/bin/curl [42] → 198.51.100.9 port 443/tcp\n"},
		{"queue deny", "3\t"},
		{"block del", "203.0.113.5/32\tport scan\n"},
		{"whitelist del", "backup.example.org\tnightly backups\n"},
	} {
		args := append(append([]string{"__complete"}, strings.Fields(tt.args)...), "--socket", socket, "")
		code, out, _ := runArgs(args...)
		if code != exitOK || !strings.Contains(out, tt.want) || !strings.HasSuffix(out, ":4\n") {
			t.Errorf("completing ifw %s: exit %d\n%s\nwant %q", tt.args, code, out, tt.want)
		}
		args[len(args)-2] = socket + ".none"
		if code, out, errs := runArgs(args...); code != exitOK || out != ":4\n" {
			t.Errorf("completing ifw %s without a daemon: exit %d %q %q", tt.args, code, out, errs)
		}
	}
	if _, out, _ := runArgs("__complete", "rules", "add", ""); !strings.Contains(out, "allow\n") {
		t.Errorf("completing a rule's action:\n%s", out)
	}
}
