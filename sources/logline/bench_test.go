package logline

import (
	"testing"

	"github.com/ifw/ifw/sources"
)

// BenchmarkParse parses a mix of every captured line form; one op is one line.
func BenchmarkParse(b *testing.B) {
	var lines [][]byte
	for _, f := range captureFiles(b) {
		lines = append(lines, readLines(b, f)...)
	}
	benchLines(b, lines, nil)
}

// BenchmarkReject measures how fast a line that is not a firewall line is
// recognised.
func BenchmarkReject(b *testing.B) {
	lines := [][]byte{
		[]byte("Nov 21 23:30:36 fw sshd[2211]: Accepted publickey for admin from 198.51.100.7 port 51234 ssh2: ED25519 SHA256:abc"),
		[]byte("Nov 21 23:30:37 fw systemd[1]: Started session-42.scope - Session 42 of User admin."),
		[]byte("6,1810,5678901,-;usb 1-1: new high-speed USB device number 3 using xhci_hcd"),
		[]byte("Nov 21 23:30:38 fw CRON[3011]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)"),
	}
	benchLines(b, lines, ErrNotFirewall)
}

func benchLines(b *testing.B, lines [][]byte, want error) {
	p := New(Options{})
	var pkt sources.Packet
	size := 0
	for _, l := range lines {
		size += len(l)
	}
	b.SetBytes(int64(size / len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.Parse(lines[i%len(lines)], &pkt); err != want {
			b.Fatalf("line %q: %v", lines[i%len(lines)], err)
		}
	}
}
