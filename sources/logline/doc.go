// Package logline parses the text lines the kernel's LOG target (iptables,
// ip6tables, nftables "log", and the nf_log backends behind UFW, Shorewall and
// firewalld) writes, and ulogd2's emulation of it, in every form they reach a
// reader: syslog files (BSD, RFC 3339, RFC 5424 and epoch time stamps; busybox
// and OpenWrt's facility.level and ctime forms; UniFi OS's tagless lines),
// journalctl -k (short, short-iso, short-precise, export, json), dmesg
// (uptime, ISO and -T time), and raw /dev/kmsg records. The corpus of real
// lines from other projects in ../shared/reallogs is what these forms were
// checked against (TestRealLogs).
//
// A Parser is reused across lines and fills a caller-owned sources.Packet
// without allocating in the steady state. Consecutive lines mostly repeat
// their time stamp's second or hour, their host and tag and their MAC=: the
// Parser keeps the last of each and compares bytes instead of parsing them
// again (FuzzCaches holds a line read after another to the line read
// alone). Lines that are not firewall lines
// return ErrNotFirewall cheaply, ARP lines ErrNotIP; firewall lines that are
// malformed return an *Error whose Reason says why. The packet an ICMP error quotes is kept in
// Packet.Embedded and never mistaken for the outer header.
package logline
