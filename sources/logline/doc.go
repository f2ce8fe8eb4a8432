// Package logline parses the text lines the kernel's LOG target (iptables,
// ip6tables, nftables "log", and the nf_log backends behind UFW, Shorewall and
// firewalld) writes, in every form they reach a reader: syslog files (BSD and
// RFC 3339 time stamps), journalctl -k (short, short-iso, short-precise),
// dmesg (uptime and ISO time), and raw /dev/kmsg records.
//
// A Parser is reused across lines and fills a caller-owned sources.Packet
// without allocating in the steady state. Lines that are not firewall lines
// return ErrNotFirewall cheaply; firewall lines that are malformed return an
// *Error whose Reason says why. The packet an ICMP error quotes is kept in
// Packet.Embedded and never mistaken for the outer header.
package logline
