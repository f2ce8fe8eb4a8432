package journal

import (
	"errors"
	"log/slog"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{name: "zero", ok: true},
		{name: "full", cfg: Config{Name: "journal", JournalctlPath: "/usr/bin/journalctl", Directory: "/var/log/journal",
			AfterCursor: "s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece7;b=6c7c6013a8094b8d;m=a1a1;t=5c0a;x=b1b", StartAtEnd: true}, ok: true},
		{name: "name with space", cfg: Config{Name: "my journal"}},
		{name: "program with space", cfg: Config{JournalctlPath: "journalctl --foo"}},
		{name: "relative directory", cfg: Config{Directory: "journal"}},
		{name: "cursor without fields", cfg: Config{AfterCursor: "abc"}},
		{name: "cursor with newline", cfg: Config{AfterCursor: "s=1\ni=2"}},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrConfig)) {
			t.Errorf("%s: Validate = %v", tt.name, err)
		}
	}
	if _, err := New(Config{Name: "a b"}, slog.New(slog.DiscardHandler)); !errors.Is(err, ErrConfig) {
		t.Errorf("New with a bad config: %v", err)
	}
}
