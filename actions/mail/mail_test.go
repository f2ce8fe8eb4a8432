package mail

import (
	"context"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ifw/ifw/actions/program"
	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/test/testenv"
)

var (
	from = "ifw <root@example.org>"
	to   = []string{"admin@example.org", "Ops <ops@example.org>"}
	now  = time.Date(2024, 3, 1, 12, 0, 5, 0, time.UTC)
)

func sampleAlert() alerts.Alert {
	dst := netip.MustParseAddr("203.0.113.5")
	return alerts.Alert{
		ID: 17, Time: now, Host: "gw", Src: netip.MustParseAddr("198.51.100.7"), Level: 4, PrevLevel: 2,
		Reasons: "level,scan", Packets: 1027, FirstSeen: now.Add(-time.Minute), LastSeen: now,
		DestinationCount: 1, Destinations: []netip.Addr{dst},
		Scans:      []signatures.Scan{{Type: "syn", Proto: "tcp", Dst: dst, MinPort: 1, MaxPort: 1024, DistinctPorts: 1024, Packets: 1024}},
		Signatures: []signatures.SigHit{{ID: 1, Name: "SCAN FIN", Level: 2, Packets: 3}},
		OS:         "Linux", Tool: "nmap", Trusted: true, Collector: "kmsg",
	}
}

// checkMessage parses raw as a mail and checks its headers and body.
func checkMessage(t *testing.T, raw string, a alerts.Alert) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatalf("not a mail: %v\n%s", err, raw)
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	if want := Subject(a); subject != want || !strings.HasPrefix(subject, "[ifw] danger level 4 from 198.51.100.7 on ") {
		t.Errorf("Subject %q, want %q", subject, want)
	}
	if got := msg.Header.Get("From"); got != from {
		t.Errorf("From %q", got)
	}
	if got := msg.Header.Get("To"); got != strings.Join(to, ", ") {
		t.Errorf("To %q", got)
	}
	if got := msg.Header.Get("Bcc"); got != "" {
		t.Errorf("an alert added a Bcc header: %q", got)
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Danger level: 4 (was 2)\n", "Destinations: 1: 203.0.113.5\n",
		"  syn scan tcp/1-1024 to 203.0.113.5 (1024 packets)\n", "  SCAN FIN (level 2, 3 packets)\n",
		"Evidence:     kernel log only (trusted) via kmsg\n", "ifw block add 198.51.100.7\n"} {
		if !strings.Contains(strings.ReplaceAll(string(body), "\r\n", "\n"), want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

func TestMessage(t *testing.T) {
	a := sampleAlert()
	a.Host = "gw\nBcc: victim@example.org"
	raw := string(message(from, to, a, now))
	checkMessage(t, raw, a)
	if Subject(a) != "[ifw] danger level 4 from 198.51.100.7 on gw Bcc: victim@example.org" {
		t.Errorf("Subject %q", Subject(a))
	}
}

// TestSendmailNotRoots: a sendmail someone other than root can change is
// refused and never run (it would run as root with the alert on stdin).
func TestSendmailNotRoots(t *testing.T) {
	testenv.Root(t) // sendmail must be root's: making a stand-in needs root
	dir := t.TempDir()
	ran := filepath.Join(dir, "ran")
	p := filepath.Join(dir, "sendmail")
	if err := os.WriteFile(p, []byte("#!/bin/sh\ntouch "+ran+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(p, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	err := newMail(t, Config{From: from, To: to, Sendmail: p}).Run(context.Background(), sampleAlert())
	if !errors.Is(err, program.ErrRefused) {
		t.Fatalf("sendmail owned by nobody: %v; want refused", err)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Fatal("the refused sendmail ran")
	}
}

func TestSendmail(t *testing.T) {
	testenv.Root(t) // sendmail must be root's: making a stand-in needs root
	dir := t.TempDir()
	fake := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := fake("sendmail", "printf '%s\\n' \"$@\" > "+dir+"/args\ncat > "+dir+"/stdin\n")
	down := fake("down", "echo 'sendmail: cannot connect to the queue' >&2\nexit 75\n")
	hung := fake("hung", "echo $$ > "+dir+"/hung.pid\nexec sleep 3600\n")

	m := newMail(t, Config{From: from, To: to, Sendmail: ok})
	if err := m.Run(context.Background(), sampleAlert()); err != nil {
		t.Fatal(err)
	}
	args, _ := os.ReadFile(filepath.Join(dir, "args"))
	stdin, _ := os.ReadFile(filepath.Join(dir, "stdin"))
	if string(args) != "-t\n-oi\n" {
		t.Errorf("sendmail arguments %q", args)
	}
	checkMessage(t, string(stdin), sampleAlert())

	var re *program.RunError
	err := newMail(t, Config{From: from, To: to, Sendmail: down}).Run(context.Background(), sampleAlert())
	if !errors.As(err, &re) || re.Status != 75 || !strings.Contains(err.Error(), "cannot connect to the queue") {
		t.Errorf("failing sendmail: %v", err)
	}
	err = newMail(t, Config{From: from, To: to, Sendmail: hung, Timeout: 200 * time.Millisecond}).Run(context.Background(), sampleAlert())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hung sendmail: %v; want the deadline", err)
	}
	// Run returned before the hour was up because the program was killed.
	if b, err := os.ReadFile(filepath.Join(dir, "hung.pid")); err != nil {
		t.Errorf("hung sendmail never started: %v", err)
	} else if pid, _ := strconv.Atoi(strings.TrimSpace(string(b))); syscall.Kill(pid, 0) != syscall.ESRCH {
		t.Errorf("hung sendmail %d still runs", pid)
	}
}

func newMail(t *testing.T, cfg Config) *Mail {
	t.Helper()
	m, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	m.now = func() time.Time { return now }
	return m
}

func TestSMTP(t *testing.T) {
	tlsConfig, roots := selfSigned(t)
	for _, tc := range []struct {
		name    string
		server  serverConfig
		cfg     Config
		trust   bool   // trust the test certificate
		local   bool   // the server counts as this host's MTA (loopback)
		wantErr string // "" for success
		tls     bool
		auth    string
	}{
		{"plain", serverConfig{}, Config{}, false, false, "", false, ""},
		{"starttls and auth", serverConfig{tls: tlsConfig, auth: true}, Config{Username: "ifw", Password: "s3cret"}, true, false, "", true, "\x00ifw\x00s3cret"},
		{"untrusted certificate", serverConfig{tls: tlsConfig}, Config{}, false, false, "starttls: tls: failed to verify certificate", false, ""},
		{"local MTA's self-signed certificate", serverConfig{tls: tlsConfig}, Config{}, false, true, "", true, ""},
		{"recipient refused", serverConfig{rejectRcpt: "ops@"}, Config{}, false, false, "recipient ops@example.org: 550", false, ""},
		{"server silent", serverConfig{silent: true}, Config{Timeout: 300 * time.Millisecond}, false, false, "i/o timeout", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSMTP(t, tc.server)
			cfg := tc.cfg
			cfg.From, cfg.To, cfg.SMTP = from, to, srv.addr
			m := newMail(t, cfg)
			if tc.trust {
				m.smtp.roots = roots
			}
			m.smtp.localMTA = func(net.Addr) bool { return tc.local }
			err := m.Run(context.Background(), sampleAlert())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v; want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkSession(t, srv.waitSessions(t, 1), tc.tls, tc.auth)
		})
	}
}

func checkSession(t *testing.T, sessions []session, tls bool, auth string) {
	t.Helper()
	if len(sessions) != 1 {
		t.Fatalf("%d sessions", len(sessions))
	}
	s := sessions[0]
	var envelope []string
	for _, c := range s.cmds {
		if strings.HasPrefix(c, "MAIL") || strings.HasPrefix(c, "RCPT") {
			envelope = append(envelope, c)
		}
	}
	want := []string{"MAIL FROM:<root@example.org> BODY=8BITMIME", "RCPT TO:<admin@example.org>", "RCPT TO:<ops@example.org>"}
	if !slices.Equal(envelope, want) || s.cmds[0] != "EHLO localhost" || s.cmds[len(s.cmds)-1] != "QUIT" {
		t.Errorf("commands %q", s.cmds)
	}
	if s.tls != tls || s.auth != auth {
		t.Errorf("tls %v, auth %q; want %v, %q", s.tls, s.auth, tls, auth)
	}
	checkMessage(t, s.data, sampleAlert())
}

// TestSend mails a report-style message through sendmail.
func TestSend(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "sendmail")
	os.WriteFile(ok, []byte("#!/bin/sh\ncat > "+dir+"/stdin\n"), 0o755)
	m := newMail(t, Config{From: from, To: to, Sendmail: ok})
	if err := m.Send(context.Background(), "[ifw] daily report for fw", "12 alerts from 3 attackers\n"); err != nil {
		t.Fatal(err)
	}
	stdin, _ := os.ReadFile(filepath.Join(dir, "stdin"))
	for _, want := range []string{"Subject: [ifw] daily report for fw\n", "Auto-Submitted: auto-generated\n", "\n\n12 alerts from 3 attackers\n"} {
		if !strings.Contains(string(stdin), want) {
			t.Errorf("message lacks %q:\n%s", want, stdin)
		}
	}
}
