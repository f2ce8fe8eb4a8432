package mail

import (
	"bytes"
	"log/slog"
	"net"
	"strings"
	"testing"
)

// TestWarnSandbox: sendmail under no_new_privs is warned about, SMTP or
// a process free to gain privileges is not.
func TestWarnSandbox(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  Config
		nnp  bool
		warn bool
	}{
		{"sendmail, sandboxed", Config{Sendmail: DefaultSendmail}, true, true},
		{"sendmail, free", Config{Sendmail: DefaultSendmail}, false, false},
		{"smtp, sandboxed", Config{SMTP: "localhost:25"}, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			warnSandbox(tt.cfg, func() bool { return tt.nnp }, slog.New(slog.NewTextHandler(&b, nil)))
			if got := strings.Contains(b.String(), "smtp = localhost:25"); got != tt.warn {
				t.Errorf("warned %v, want %v: %s", got, tt.warn, b.String())
			}
		})
	}
}

// TestIsLocalMTA: only a loopback server on a privileged port counts as
// this host's MTA; a high loopback port may be any local user's.
func TestIsLocalMTA(t *testing.T) {
	for _, tt := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:25", true},
		{"[::1]:587", true},
		{"127.0.0.1:2525", false},
		{"192.0.2.1:25", false},
		{"[2001:db8::1]:25", false},
	} {
		a, err := net.ResolveTCPAddr("tcp", tt.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := isLocalMTA(a); got != tt.want {
			t.Errorf("isLocalMTA(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}
