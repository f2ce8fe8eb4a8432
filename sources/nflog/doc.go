// Package nflog collects logged packets from the kernel's NFLOG target
// (iptables/ip6tables "-j NFLOG --nflog-group N", nftables "log group N")
// over a netfilter netlink socket, through github.com/florianl/go-nflog/v2.
//
// Decode turns the raw packet NFLOG delivers (starting at the network
// header) into a sources.Packet with the same field values the kernel's LOG
// target would have printed for it, so that the logline parser and this
// collector feed the engine identical packets: TOS as tos&0x1E and PREC as
// tos&0xE0, FRAG in 8-byte units for IPv4 and bytes for IPv6, RES as the TCP
// reserved bits shifted the kernel's way, INCOMPLETE [N bytes] for a
// transport header the packet is too short to hold, the packet an ICMP error
// quotes in Packet.Embedded only. Decode is pure and does not allocate.
//
// Source runs one NFLOG group: it binds the group, fills each packet's
// metadata from the netlink attributes (prefix, interfaces, time, UID/GID,
// mark, link-layer header), counts what the kernel dropped, and sends the
// packets on. Packets from NFLOG are Trusted: only the kernel writes them.
//
// NFLOG groups are per network namespace. Config.NetNS names another
// namespace to collect in (tests use their own): the netlink socket is
// dialled inside it, and interface indexes are resolved inside it, on a
// thread of its own that enters the namespace and is discarded after.
package nflog
