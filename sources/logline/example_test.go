package logline_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// A Parser reads one line at a time into a packet the caller owns. A BSD
// syslog stamp has no year: Reference supplies it.
func ExampleParser_Parse() {
	p := logline.New(logline.Options{
		Reference: time.Date(2024, 11, 30, 0, 0, 0, 0, time.UTC),
		Location:  time.UTC,
		Source:    "syslog",
	})
	line := "Nov 21 23:45:01 vm kernel: [  905.962596] [UFW BLOCK] IN=eth0 OUT= " +
		"MAC=7a:7d:ff:54:4c:31:da:a4:d5:68:c5:81:08:00 SRC=198.51.100.2 DST=203.0.113.2 LEN=44 " +
		"TOS=0x00 PREC=0x00 TTL=43 ID=52039 PROTO=TCP SPT=42374 DPT=21 WINDOW=1024 RES=0x00 SYN URGP=0"
	var pkt sources.Packet
	if err := p.Parse([]byte(line), &pkt); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pkt.Time.Format(time.RFC3339), pkt.Host, pkt.Prefix, pkt.In)
	fmt.Println(sources.ProtoName(pkt.Proto), pkt.Src, pkt.SrcPort, "->", pkt.Dst, pkt.DstPort, pkt.TCPFlags, "TTL", pkt.TTL)

	err := p.Parse([]byte("Nov 21 23:45:02 vm sshd[812]: Accepted publickey for root"), &pkt)
	fmt.Println(errors.Is(err, logline.ErrNotFirewall))
	// Output:
	// 2024-11-21T23:45:01Z vm [UFW BLOCK] eth0
	// tcp 198.51.100.2 42374 -> 203.0.113.2 21 SYN TTL 43
	// true
}
