// Package rules holds attack signatures: header-field matches on a logged
// packet with an id, a name and a danger level. It reads ifw's own rules
// format (etc/signatures) and psad's signature file format, and matches a
// packet against a compiled Set without allocating.
//
// # ifw's rules format
//
// One rule per line; a line ending in a backslash continues on the next.
// Blank lines and lines starting with # are ignored, and # outside quotes
// starts a comment. A rule is a list of keywords separated by blanks:
//
//	id=1001 level=3 class=backdoor name="NetBus probe" proto=tcp flags=S,EC dport=12345,12346
//	id=1301 level=4 class=iot name="Mirai scanner" proto=tcp flags=S,EC seq=dst
//	id=1706 level=3 name="Tiny TCP fragment" proto=tcp fragbits=+M fragoff=0 len<40
//
// Required: id (a positive number, unique in the file), name (double-quoted;
// \" and \\ are the escapes) and level (1-5, the danger level a match
// raises the source to). Optional: class (a category such as backdoor).
// Everything else is a match condition, and a rule matches a packet when all
// of its conditions do. A rule needs at least one.
//
// Numeric conditions are KEY OP VALUE. With = the value is a comma-separated
// list of N, N-M (inclusive), N- (N and above), <N, >N, <=N, >=N, each item
// optionally negated with ! (a value matches when it is in one of the plain
// items, if there are any, and in none of the negated ones); != negates every
// item; <, >, <= and >= take one number. Numbers are decimal or 0x hex.
// Repeating a keyword ANDs the conditions (ttl>10 ttl<20).
//
//	proto    IP protocol: tcp, udp, udplite, icmp, icmp6, sctp, gre, esp, ah or a number
//	family   4 or 6 (also ipv4, ipv6)
//	sport    source port (TCP, UDP, UDP-Lite, SCTP); dport: destination port
//	ttl      IPv4 TTL or IPv6 hop limit
//	tos      TOS / traffic class byte as logged (TOS and PREC together)
//	ipid     IPv4 identification
//	len      IP total length
//	dsize    payload size: len minus the IP header (20 + logged options; 40 for
//	         IPv6) and the transport header (TCP 20 + logged options, UDP and
//	         ICMP 8, SCTP 12). Without --log-tcp-options a SYN's options count
//	         as payload.
//	fragoff  fragment offset (IPv4: 8-byte units; IPv6: bytes)
//	fragend  offset just past this fragment's data in the datagram; above
//	         65515 the IPv4 datagram is oversized (ping of death)
//	window   TCP window
//	seq, ack TCP sequence and acknowledgment number (--log-tcp-sequence); also
//	         seq=dst, seq=src, ack=dst, ack=src: the number equals the IPv4
//	         destination (source) address, a Mirai scanner fingerprint
//	udplen   UDP length
//	itype    ICMP or ICMPv6 type; icode: code
//	icmpid   ICMP echo identifier; icmpseq: echo sequence number
//
// A condition on a field the packet does not carry (ports of a non-first
// fragment, seq when the log has no sequence numbers) does not match.
//
// Other conditions:
//
//	flags=FLAGS    TCP flags, snort style: letters F S R P A U E(CE) C(WR), or 0
//	               for none. flags=SF: exactly SYN and FIN; flags=+SF: at least
//	               these; flags=*SF: any of these; flags=!A: none of these; a
//	               comma and letters give flags to ignore: flags=S,EC is a SYN
//	               with or without ECN bits. Repeat to combine (flags=+F flags=!A).
//	fragbits=BITS  IP flags the same way: M (more fragments), D (don't
//	               fragment), R (reserved, logged as CE); fragbits=+M, fragbits=!D
//	src=LIST       source addresses or CIDR networks, ! negates; dst: destination
//	ipopts=LIST    an IP option is present: any, or names (rr ts sec lsrr ssrr
//	               satid cipso rtralt eol nop) or numbers; ipopts!=LIST: none is;
//	               ipopts=none: no option (needs --log-ip-options to mean much)
//	tcpopts=LIST   the same for TCP options (mss wscale sackok sack ts md5 ao
//	               mptcp fastopen eol nop, or numbers)
//	sameip         the source address equals the destination address
//	bidir          also match with source and destination (address, port)
//	               swapped (psad's <> direction)
//
// # psad's signature format
//
// ParsePsad reads psad's /etc/psad/signatures: snort-like rules,
//
//	alert tcp $EXTERNAL_NET any -> $HOME_NET 12345 (msg:"BACKDOOR netbus"; flags:S; sid:109; psad_id:100009; psad_dl:2;)
//
// Header: action (alert, log, drop, reject, sdrop; pass, activate and
// dynamic rules are skipped), protocol (tcp, udp, icmp, ip, or any name
// ifw knows), source address and port, ->, <> or <-, destination address
// and port. The directions mean what they mean to psad 2.4.6: it reads <>
// and never uses it, so it is ->; <- swaps the addresses, not the ports. As
// in psad, the options run to the last ")" of the line; what follows (psad
// 2.4.6's own file ends two rules in ");") is ignored. Addresses: any,
// $VARIABLE, an address, a CIDR network, !spec or [spec,…]; variables are
// not expanded and match every address. Ports: any, $VARIABLE, N, N:M, N:,
// :M, !spec, [spec,…].
//
// Options: msg, sid, psad_id (the rule id, else sid), psad_dl (level,
// default 2), classtype (the class), flags and fragbits (snort syntax, with
// modifiers + * ! and a mask after a comma; 1 and 2 are CWR and ECE), ttl,
// tos, id, fragoffset, ipopts, itype, icode, icmp_id, icmp_seq, dsize and
// psad_dsize (the payload size as psad computes it from the logged lengths,
// see psad_dsize.go), psad_ip_len, window, seq, ack, ip_proto, sameip. Numbers take
// snort's forms: N, !N, <N, >N, <=N, >=N, N<>M and N-M (both inclusive).
// reference, rev, priority, metadata, gid and psad_derived_sids are ignored.
// A rule with any other keyword (content, pcre, flow, …: the payload is not
// in a firewall log) is skipped as SkipPayload. ParsePsad never refuses a
// file for a rule: a line it cannot read (bad syntax, a duplicate id) or use
// (tests that cannot apply to its protocol, no header test at all) is
// skipped as SkipBad with its line and reason, for the caller to warn about.
// Set.Skipped lists both, Set.SkipCounts counts them. Rule's String method
// converts a psad rule to ifw's format.
//
// # Matching
//
// A Set indexes rules by IP protocol and, within TCP, UDP, UDP-Lite and
// SCTP, by destination port (ICMP and ICMPv6: by type), so a packet is tested
// only against the rules for its port plus the rules that cannot be indexed
// (negated or very wide port lists, rules for every protocol). Match calls
// back in rule order and does not allocate.
package rules
