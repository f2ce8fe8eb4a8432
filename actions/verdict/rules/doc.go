// Package rules holds the rules of ifw's interactive outbound firewall:
// which application may open which new outbound connection. The verdict
// module (actions/verdict) asks Set.Match about every new outbound
// connection; `ifw rules list|add|del` and `ifw queue allow N
// --always|--session` add and delete rules.
//
// # Rules
//
// A rule has an action (allow, deny, reject), conditions — executable
// path (or any, or unknown: the process could not be found), the
// executable's SHA-256, destination address or network, destination host
// name, destination port or range, IP protocol, user — and a lifetime:
// permanent, timed (until a time), session (until idle for a while,
// 60 s by default) or once (consumed by its first match). Permanent and
// timed rules are saved in the rules file; session and once rules live in
// memory only.
//
// A rule matches a connection when every condition it sets holds. A
// connection whose process is unknown is matched only by rules for any
// executable and rules for exe=unknown, never by a rule naming a path. A
// rule with a sha256 never matches a connection whose hash was not
// computed. A rule with a port matches only TCP, UDP, UDP-Lite and SCTP
// connections. A host name matches the addresses it resolved to at the
// last Set.Resolve (or when Add first saw it), and the connections whose
// destination is known by that name from the DNS answers the host
// received (Conn.Names); host=*.DOMAIN matches the connections known by a
// name ending in .DOMAIN (label-aligned, not DOMAIN itself), is never
// looked up, and ranks as a /24. With dst also set both must match.
//
// # Specificity
//
// Of the rules matching a connection the most specific decides, comparing
// in this order:
//
//  1. a rule naming an executable (a path, or unknown) beats one for any
//     executable;
//  2. then one with a sha256 beats one without;
//  3. then one naming a destination beats one without, a longer prefix
//     beating a shorter; a host name counts as a single address (/32 or
//     /128), a host and a network together as more than that;
//  4. then one with a port beats one without, a narrower range beating a
//     wider one;
//  5. then one naming a protocol;
//  6. then one naming a user;
//  7. among rules equal so far, deny and reject beat allow (safety);
//  8. then the older rule (lower ID).
//
// # The rules file
//
// /etc/ifw/rules is a text file people may edit. Blank lines and lines
// starting with # are ignored; # outside double quotes starts a comment
// anywhere. Each other line is a rule:
//
//	ACTION key=value key=value ...
//	allow exe=/usr/bin/curl dst=203.0.113.2 port=80 proto=tcp user=alice
//	deny exe=any dst=198.51.100.0/24
//	reject exe=unknown
//	allow exe="/opt/My App/bin/app" host=example.org port=443 proto=tcp note="added by alice"
//	allow exe=/usr/bin/ssh port=22 until=2026-11-22T12:00:00Z
//
// Keys, each at most once: exe (a clean absolute path, any — the default —
// or unknown), sha256 (64 hex digits), dst (address or CIDR network; host
// bits are cleared and IPv4-mapped IPv6 becomes IPv4), host (a name, not
// an address), port (N or LO-HI; 0 alone is refused), proto (tcp, udp,
// icmp, icmpv6, udplite, sctp, any or a number), user (name or number),
// until (RFC 3339: a timed rule), idle (a Go duration such as 10m: a
// session rule), lifetime (permanent, session, timed or once; it must
// agree with until and idle), note (free text) and created (RFC 3339,
// written by Format so that files round-trip). A value may be
// double-quoted with Go escapes (strconv.Unquote); Format quotes only
// values with blanks, quotes, #, backslashes or unprintable characters.
// An unknown key, a repeated key, an empty or bad value is an error
// naming the key; in a file, "file:line: key: …".
//
// Rule.String writes a rule as such a line, and ParseLine reads it back to
// an equal Rule.
//
// # Set
//
// A Set holds the rules in force. Match reads an immutable snapshot of
// them, sorted by specificity, through an atomic pointer: no lock, no
// allocation. Every change (Add, Delete, Load, Expire, Resolve, a Once
// rule consumed) builds and publishes a new snapshot under a mutex. Hit
// counts and last-use times are atomics shared across snapshots.
package rules
