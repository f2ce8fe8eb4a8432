package main

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/ifw/ifw/sources"
)

// packet is what one generated log line says.
type packet struct {
	src, dst     netip.Addr
	proto        uint8
	ttl          uint8
	id           uint16
	sport, dport uint16
	flags        sources.TCPFlags
	window       uint16
	seq          uint32
	opts         string // TCP options, hex
	ipOpts       string // IP options, hex (--log-ip-options)
	df           bool
	icmpType     uint8
	icmpCode     uint8
	embedded     bool
}

var syslogLines = []string{
	"sshd[2211]: Accepted publickey for admin from 198.51.100.23 port 51234 ssh2: ED25519 SHA256:Zm9vYmFy",
	"sshd[2290]: Invalid user oracle from 198.51.100.77 port 40112",
	"CRON[3011]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
	"systemd[1]: Started session-42.scope - Session 42 of User admin.",
	"kernel: [259200.123456] usb 1-1: new high-speed USB device number 3 using xhci_hcd",
	"postfix/smtpd[1200]: connect from unknown[198.51.100.9]",
}

func (g *generator) appendStamp(b []byte) []byte {
	b = g.now.AppendFormat(b, time.Stamp)
	return append(b, " fw "...)
}

func (g *generator) appendSyslog(b []byte) []byte {
	b = g.appendStamp(b)
	b = append(b, syslogLines[g.rng.IntN(len(syslogLines))]...)
	return append(b, '\n')
}

// appendPacket writes p as the kernel's LOG target would, behind a syslog
// stamp and the kernel's uptime.
func (g *generator) appendPacket(b []byte, p *packet) []byte {
	b = g.appendStamp(b)
	up := g.now.Sub(g.boot)
	b = append(b, "kernel: ["...)
	b = strconv.AppendInt(b, int64(up/time.Second), 10)
	b = append(b, '.')
	b = appendPadded(b, int(up%time.Second/time.Microsecond), 6)
	b = append(b, "] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:"...)
	if p.src.Is4() {
		b = append(b, "08:00 "...)
	} else {
		b = append(b, "86:dd "...)
	}
	b = appendIP(b, p.src, p.dst, p.ttl, p.id, ipLen(p))
	if p.df && p.src.Is4() {
		b = append(b, "DF "...)
	}
	if p.ipOpts != "" && p.src.Is4() {
		b = append(b, "OPT ("...)
		b = append(b, p.ipOpts...)
		b = append(b, ") "...)
	}
	b = appendTransport(b, p)
	return append(b, '\n')
}

func ipLen(p *packet) int {
	n := len(p.ipOpts) / 2
	switch p.proto {
	case sources.ProtoTCP:
		return n + 40 + len(p.opts)/2
	case sources.ProtoUDP:
		return n + 28
	}
	return n + 84
}

func appendIP(b []byte, src, dst netip.Addr, ttl uint8, id uint16, n int) []byte {
	b = append(b, "SRC="...)
	b = appendAddr(b, src)
	b = append(b, " DST="...)
	b = appendAddr(b, dst)
	b = append(b, " LEN="...)
	if src.Is4() {
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, " TOS=0x00 PREC=0x00 TTL="...)
		b = strconv.AppendUint(b, uint64(ttl), 10)
		b = append(b, " ID="...)
		b = strconv.AppendUint(b, uint64(id), 10)
		return append(b, ' ')
	}
	b = strconv.AppendInt(b, int64(n+20), 10)
	b = append(b, " TC=0 HOPLIMIT="...)
	b = strconv.AppendUint(b, uint64(ttl), 10)
	return append(b, " FLOWLBL=0 "...)
}

// appendAddr writes IPv6 in the kernel's full %pI6 form.
func appendAddr(b []byte, a netip.Addr) []byte {
	if a.Is4() {
		return a.AppendTo(b)
	}
	s := a.As16()
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexDigits[s[i]>>4], hexDigits[s[i]&15], hexDigits[s[i+1]>>4], hexDigits[s[i+1]&15])
	}
	return b
}

const hexDigits = "0123456789abcdef"

func appendPadded(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}
