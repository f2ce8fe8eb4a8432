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

// splitCaptures separates captured lines the fast path takes (the kernel's
// common layout) from the rest (ICMP errors, fragments, IP options…).
func splitCaptures(b *testing.B) (common, unusual [][]byte) {
	p := New(Options{})
	var pkt sources.Packet
	for _, f := range captureFiles(b) {
		for _, l := range readLines(b, f) {
			if at := firstHeader(l); at >= 0 && p.fastBody(l[at:], &pkt) {
				common = append(common, l)
			} else {
				unusual = append(unusual, l)
			}
		}
	}
	return common, unusual
}

// BenchmarkParseCommon parses the captured lines in the kernel's common
// layout (TCP, UDP, ICMP echo), every line form.
func BenchmarkParseCommon(b *testing.B) {
	common, _ := splitCaptures(b)
	benchLines(b, common, nil)
}

// BenchmarkParseUnusual parses the other captured lines, which take the
// general decoder.
func BenchmarkParseUnusual(b *testing.B) {
	_, unusual := splitCaptures(b)
	benchLines(b, unusual, nil)
}

// BenchmarkParseWild parses one line of each form other loggers and relays
// give (wild_test.go: ulogd2, busybox, OpenWrt, RFC 5424, dmesg -T, epoch,
// journal JSON); like the kernel's own forms they take no allocation.
func BenchmarkParseWild(b *testing.B) {
	var lines [][]byte
	for _, c := range wildCases() {
		lines = append(lines, []byte(c.line))
	}
	benchLines(b, lines, nil)
}
