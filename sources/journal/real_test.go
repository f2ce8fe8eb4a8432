package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/test/testenv"
)

// TestRealJournalctlArgs runs the real journalctl on an empty journal
// directory with each form of the command line: it may fail for want of
// entries, never for an option it does not know.
func TestRealJournalctlArgs(t *testing.T) {
	testenv.Tool(t, "journalctl")
	path, err := exec.LookPath("journalctl")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []Config{{}, {StartAtEnd: true}, {AfterCursor: "s=0aaf957a7759422aad8b8659c97cb687;i=1;b=0aaf957a7759422aad8b8659c97cb687;m=1;t=1;x=1"}} {
		cfg.JournalctlPath, cfg.Directory = path, t.TempDir()
		s := newTestSource(t, cfg)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := s.Run(ctx, make(chan *sources.Packet))
		cancel()
		if err == nil {
			continue // still following at the timeout
		}
		msg := err.Error()
		if !errors.Is(err, ErrExited) || strings.Contains(msg, "unrecognized") || strings.Contains(msg, "Unknown") ||
			strings.Contains(msg, "Failed to parse") {
			t.Errorf("args %q: %v", cfg.args(cfg.AfterCursor), err)
		}
	}
}

// TestRealJournal reads the system journal end to end: a LOG line written
// to /dev/kmsg reaches journald and arrives as a trusted packet. It needs
// root and a running journald.
func TestRealJournal(t *testing.T) {
	testenv.Root(t) // to write to /dev/kmsg
	if _, err := os.Stat("/run/systemd/journal/socket"); err != nil {
		t.Skip("journald is not running")
	}
	s := newTestSource(t, Config{Name: "jrnl", StartAtEnd: true})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan *sources.Packet, 64)
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx, out) }()
	token := fmt.Sprintf("ifwtest-%d-%d", os.Getpid(), time.Now().UnixNano())
	p := awaitMarker(t, out, errc, token)
	if !p.Trusted || p.Source != "jrnl" || p.Host == "" || time.Since(p.Time) > time.Minute || s.LastCursor() == "" {
		t.Errorf("packet %+v, cursor %q", p, s.LastCursor())
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Run = %v", err)
	}
}

// awaitMarker writes a LOG line with prefix token to /dev/kmsg every
// second (journalctl may not follow yet; the kernel rate-limits writers)
// until the source hands it on.
func awaitMarker(t *testing.T, out <-chan *sources.Packet, errc <-chan error, token string) *sources.Packet {
	t.Helper()
	line := "<4>" + token + " IN=lo OUT= SRC=127.0.0.1 DST=127.0.0.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 " +
		"PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0\n"
	deadline := time.After(time.Minute)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if err := os.WriteFile("/dev/kmsg", []byte(line), 0); err != nil {
			t.Fatalf("write /dev/kmsg: %v", err)
		}
		for waiting := true; waiting; {
			select {
			case p := <-out:
				if p.Prefix == token {
					return p
				}
			case err := <-errc:
				t.Fatalf("Run returned %v", err)
			case <-tick.C:
				waiting = false
			case <-deadline:
				t.Fatal("the marker line never arrived")
			}
		}
	}
}
