package test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// TestCaptureParses drives real scans between network namespaces with
// test/capture/capture.sh, then parses every line the kernel wrote, in every
// line form, and requires zero errors and the expected scan packets.
func TestCaptureParses(t *testing.T) {
	require(t, "ip", "iptables", "ip6tables", "nft", "nmap", "nc", "rsyslogd", "dmesg")
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "capture/capture.sh", out)
	cmd.Env = append(os.Environ(), "CAPTURE_QUICK=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("capture.sh: %v\n%s", err, b)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.log"))
	if len(files) < 8 {
		t.Fatalf("capture wrote %d forms, want 8: %v", len(files), files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { checkCapture(t, f) })
	}
}

func checkCapture(t *testing.T, path string) {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, _ := fh.Stat()
	p := logline.New(logline.Options{Reference: st.ModTime()})
	var pkt sources.Packet
	flags := map[sources.TCPFlags]int{}
	sc := bufio.NewScanner(fh)
	n := 0
	for sc.Scan() {
		n++
		if err := p.Parse(sc.Bytes(), &pkt); err != nil {
			if errors.Is(err, logline.ErrNotFirewall) {
				continue
			}
			t.Fatalf("line %d: %v\n%s", n, err, sc.Text())
		}
		if pkt.Proto == sources.ProtoTCP && pkt.Chain == sources.ChainInput {
			flags[pkt.TCPFlags]++
		}
	}
	scans := map[string]sources.TCPFlags{"syn": sources.SYN, "fin": sources.FIN, "null": 0,
		"xmas": sources.FIN | sources.PSH | sources.URG, "ack": sources.ACK, "maimon": sources.FIN | sources.ACK}
	for name, f := range scans {
		if flags[f] == 0 {
			t.Errorf("no %s scan packet among %d lines (flags seen %v)", name, n, flags)
		}
	}
}
