package kmsg

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/test/testenv"
)

func TestOpenDeviceErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("4,1,1,-;x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want error
	}{
		{path: file, want: errNotPollable},
		{path: filepath.Join(t.TempDir(), "missing"), want: fs.ErrNotExist},
	}
	for _, tt := range tests {
		if r, err := openDevice(tt.path, false); !errors.Is(err, tt.want) {
			t.Errorf("openDevice(%s) = %v, %v; want %v", tt.path, r, err, tt.want)
		}
	}
}

// TestDevice reads the real /dev/kmsg: a LOG line written to it after the
// source has opened it at its end arrives as a trusted packet stamped now,
// and a cancel ends Run at once. Other tests share the kernel log, so the
// line carries a unique prefix.
func TestDevice(t *testing.T) {
	testenv.Root(t) // to write to /dev/kmsg
	s, err := New(Config{StartAtEnd: true}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	opened := make(chan struct{})
	s.open = func(path string, atEnd bool) (recordReader, error) {
		defer close(opened)
		return openDevice(path, atEnd)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := make(chan *sources.Packet, 64)
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx, out) }()
	<-opened

	token := fmt.Sprintf("ifwtest-%d-%d", os.Getpid(), time.Now().UnixNano())
	before := time.Now()
	pkt := awaitMarker(t, out, errc, token)
	after := time.Now()
	if !pkt.Trusted || pkt.Source != "kmsg" || !pkt.Has(sources.HasTime|sources.HasUptime) {
		t.Errorf("packet %+v", pkt)
	}
	// Written between before and after; the boot time is known to a second
	// or two (uptime and wall clock are read apart).
	if pkt.Time.Before(before.Add(-2*time.Second)) || pkt.Time.After(after.Add(2*time.Second)) {
		t.Errorf("packet time %v, written between %v and %v", pkt.Time, before, after)
	}
	// the position moves just after the packet is handed on
	pos, ok := s.Position()
	for deadline := time.Now().Add(time.Minute); !ok && time.Now().Before(deadline); pos, ok = s.Position() {
		time.Sleep(time.Millisecond)
	}
	if !ok || pos.BootID == "" || pos.Seq == 0 {
		t.Errorf("position %+v %v", pos, ok)
	}

	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Run = %v", err)
	}
}

// awaitMarker writes a LOG line with prefix token to /dev/kmsg until the
// source hands it on (the kernel rate-limits writers), and returns it.
func awaitMarker(t *testing.T, out <-chan *sources.Packet, errc <-chan error, token string) *sources.Packet {
	t.Helper()
	line := "<4>" + token + " IN=lo OUT= SRC=127.0.0.1 DST=127.0.0.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 " +
		"PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0\n"
	deadline := time.After(time.Minute)
	for {
		if err := os.WriteFile("/dev/kmsg", []byte(line), 0); err != nil {
			t.Fatalf("write /dev/kmsg: %v", err)
		}
		retry := time.After(time.Second)
		for waiting := true; waiting; {
			select {
			case p := <-out:
				if p.Prefix == token {
					return p
				}
			case err := <-errc:
				t.Fatalf("Run returned %v", err)
			case <-retry:
				waiting = false
			case <-deadline:
				t.Fatal("the marker line never arrived")
			}
		}
	}
}
