package mail

import (
	"bytes"
	"log/slog"
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
