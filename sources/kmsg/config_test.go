package kmsg

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
		{name: "full", cfg: Config{Path: "/dev/kmsg", Name: "kernel", StartAtEnd: true, Resume: &Position{BootID: "0aaf957a-7759-422a-ad8b-8659c97cb687", Seq: 3}, BootIDPath: "/proc/sys/kernel/random/boot_id"}, ok: true},
		{name: "relative path", cfg: Config{Path: "dev/kmsg"}},
		{name: "relative boot id path", cfg: Config{BootIDPath: "boot_id"}},
		{name: "name with space", cfg: Config{Name: "my kmsg"}},
		{name: "name with control", cfg: Config{Name: "k\x00"}},
		{name: "name not UTF-8", cfg: Config{Name: "k\xff"}},
		{name: "bad boot id", cfg: Config{Resume: &Position{BootID: "a b"}}},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrConfig)) {
			t.Errorf("%s: Validate = %v", tt.name, err)
		}
	}
}

func TestNewErrors(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	if _, err := New(Config{Name: "a b"}, log); !errors.Is(err, ErrConfig) {
		t.Errorf("bad config: %v", err)
	}
	if _, err := New(Config{BootIDPath: "/nonexistent/boot_id"}, log); err == nil {
		t.Error("missing boot ID file: no error")
	}
}
