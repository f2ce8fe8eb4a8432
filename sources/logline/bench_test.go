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

// generatedLines are the line forms of test/loggen's benchmark log (psad's
// long form: MAC, IP options, TCP options), in about its proportions.
var generatedLines = []string{
	"Nov 20 00:00:00 fw kernel: [259200.088772] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=174.248.252.82 DST=203.0.113.39 LEN=48 TOS=0x00 PREC=0x00 TTL=53 ID=44454 DF PROTO=TCP SPT=39689 DPT=8443 SEQ=2819729472 ACK=0 WINDOW=29200 RES=0x00 SYN URGP=0 OPT (020405B40402080A) ",
	"Nov 20 00:00:01 fw kernel: [259201.414902] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=110.186.19.208 DST=203.0.113.66 LEN=52 TOS=0x00 PREC=0x00 TTL=61 ID=31108 OPT (01010100) PROTO=TCP SPT=38791 DPT=2323 SEQ=2728224681 ACK=0 WINDOW=29200 RES=0x00 SYN URGP=0 OPT (020405B40402080A) ",
	"Nov 20 00:00:00 fw kernel: [259200.632115] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=59.208.233.202 DST=203.0.113.105 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=12606 DF PROTO=TCP SPT=10402 DPT=23 SEQ=1143504834 ACK=0 WINDOW=1024 RES=0x00 SYN URGP=0 ",
	"Nov 20 00:00:02 fw kernel: [259202.471161] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=139.0.117.3 DST=203.0.113.37 LEN=40 TOS=0x00 PREC=0x00 TTL=44 ID=18832 PROTO=TCP SPT=57728 DPT=972 SEQ=2385353089 ACK=0 WINDOW=1024 RES=0x00 URG PSH FIN URGP=0 ",
	"Nov 20 00:00:00 fw kernel: [259200.983062] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=170.195.110.130 DST=203.0.113.163 LEN=84 TOS=0x00 PREC=0x00 TTL=52 ID=24100 PROTO=ICMP TYPE=8 CODE=0 ID=24100 SEQ=1 ",
	"Nov 20 00:00:01 fw kernel: [259201.239625] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=208.10.70.59 DST=203.0.113.61 LEN=28 TOS=0x00 PREC=0x00 TTL=44 ID=770 PROTO=UDP SPT=34841 DPT=131 LEN=8 ",
	"Nov 20 00:00:01 fw kernel: [259201.133267] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:86:dd SRC=2001:0db8:0001:0000:0000:0000:0000:003a DST=2001:0db8:0002:0000:0000:0000:0000:0005 LEN=60 TC=0 HOPLIMIT=81 FLOWLBL=0 PROTO=TCP SPT=34152 DPT=3389 SEQ=3566351721 ACK=0 WINDOW=1024 RES=0x00 SYN URGP=0 ",
	"Nov 20 00:00:00 fw kernel: [259200.088772] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=174.248.252.82 DST=203.0.113.39 LEN=48 TOS=0x00 PREC=0x00 TTL=53 ID=44454 DF PROTO=TCP SPT=39689 DPT=8443 SEQ=2819729472 ACK=0 WINDOW=29200 RES=0x00 SYN URGP=0 OPT (020405B40402080A) ",
}

// BenchmarkParseGenerated parses the line forms of ifw analyze's benchmark
// log (make bench-analyze).
func BenchmarkParseGenerated(b *testing.B) {
	var lines [][]byte
	for _, l := range generatedLines {
		lines = append(lines, []byte(l))
	}
	benchLines(b, lines, nil)
}
