// Package firewall makes the iptables rules ifw needs (ifw setup): the
// DROP rules for the block sets, the logging the detector reads, and the
// outbound module's NFQUEUE rule, for IPv4 (iptables) and IPv6 (ip6tables),
// with the iptables-nft or the iptables-legacy variant.
//
// Plan lists the rules (pure); Script prints them as shell lines (ifw setup
// --dry-run); Apply makes them exist, idempotently; Remove deletes them.
// Commands run through a Runner: Exec for real, a fake in unit tests, a
// wrapper adding "ip netns exec NS" in system tests.
//
// # The rules (IPv4 shown, defaults)
//
//	-N IFW-LOG
//	-A IFW-LOG -m comment --comment ifw -j LOG --log-prefix "ifw " --log-tcp-sequence --log-tcp-options --log-ip-options
//	-I INPUT 1 -m set --match-set ifw-block4 src -m comment --comment ifw -j DROP
//	-I FORWARD 1 -m set --match-set ifw-block4 src -m comment --comment ifw -j DROP
//	-A INPUT -m comment --comment ifw -j IFW-LOG      (placement: see below)
//	-A FORWARD -m comment --comment ifw -j IFW-LOG
//	-A OUTPUT -p tcp -m mark --mark M/M -m comment --comment ifw -j REJECT --reject-with tcp-reset   (Queue.RejectMark M)
//	-A OUTPUT -m mark --mark M/M -m comment --comment ifw -j REJECT --reject-with icmp-port-unreachable
//	-A OUTPUT ! -o lo -m conntrack --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num N [--queue-bypass]   (Config.Queue)
//	-A OUTPUT ! -o lo -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack ! --ctstate NEW -m comment --comment ifw -j NFQUEUE --queue-num N [--queue-bypass]
//	-I OUTPUT 1 -p udp -m udp --dport 53 -m comment --comment ifw -j NFLOG --nflog-group G   (Config.DNS, and tcp)
//	-I INPUT 3 -p udp -m udp --sport 53 -m comment --comment ifw -j NFLOG --nflog-group G    (after the set rules; and tcp)
//
// Every rule carries the comment "ifw": that is how Remove finds exactly
// ifw's rules and nothing else, and how Apply finds rules of an earlier
// configuration (another set, queue number or log target) and deletes
// them. With Log.Target "nflog" the IFW-LOG rule is
// "-j NFLOG --nflog-prefix ifw --nflog-group N". The set rules go first in
// their chains so a blocked address is dropped before any ACCEPT (an
// established connection from it included) and without being logged again:
// a blocked attacker does not keep raising alerts. The sets themselves are
// the block module's; they must exist before Apply (a missing one is a
// *SetError, reported before anything changes).
//
// # Rejecting from the queue
//
// The outbound module rejects a connection by giving its queued packet the
// verdict NF_REPEAT with QueueConfig.RejectMark set: the packet traverses
// OUTPUT again, and the two reject rules, which must come before the
// NFQUEUE rule, answer it with a TCP reset or an ICMP (ICMPv6) port
// unreachable. Apply therefore inserts a missing reject rule just before
// ifw's NFQUEUE rule when there is one (an earlier ifw setup without the
// mark), and appends it otherwise (the queue rule is then appended after
// it). The rules are written as iptables -S lists them: the mark with its
// mask (none for 0xffffffff), the default --reject-with spelled out
// (icmp6-port-unreachable for ip6tables).
//
// # Where the log jump goes
//
// ifw reads what the kernel logs about packets the firewall drops, as psad
// does: the jump to IFW-LOG belongs where INPUT and FORWARD are about to
// drop a packet, after every ACCEPT of the admin's policy. IFW-LOG only
// logs and returns, so the chain's own verdict still applies. Appending the
// jump blindly is wrong in two common cases: a chain ending in its own
// "-j DROP" or "-j REJECT" (ufw-less hand-made firewalls, many distribution
// defaults) never reaches an appended rule, and a chain with policy ACCEPT
// would log every packet it accepts (every packet of a desktop without a
// firewall), flooding the log and the detector with normal traffic. So,
// by default (Log.Hook "" = HookAuto), Apply puts the jump:
//   - just before the chain's last rule when that rule drops or rejects
//     everything (-j DROP, -j REJECT [--reject-with …]);
//   - else at the end, when the chain's policy is DROP;
//   - else nowhere, with a warning in the Report: the chain accepts what
//     reaches its end, so there is nothing about to be dropped to log. Such
//     a host needs a policy first (accept lo, established traffic and its
//     services, then DROP); run ifw setup again after.
//
// A jump already there is left where it is, wherever that is. HookAppend
// appends whatever the policy; HookNone creates IFW-LOG without jumps for
// admins who place "-j IFW-LOG" themselves (Remove then refuses to delete
// the chain while their jumps remain, *ChainInUseError). The placement is
// decided when the jump is added: a firewall script that flushes and
// rebuilds the chains must run ifw setup again (or carry the lines of
// ifw setup --dry-run) after it.
//
// # Backends
//
// BackendAuto runs "iptables" and "ip6tables" as installed (Debian's
// alternatives choose nft or legacy) and reports which they are from
// "iptables -V"; BackendNFT and BackendLegacy run iptables-nft or
// iptables-legacy directly. Mixing them is a trap: rules of both are in the
// kernel at once. iptables-nft's warning that legacy tables exist is passed
// on in Report.Warnings.
//
// ip6tables-legacy 1.8.9 answers -C (and matches -D) comparing the matches
// and the target's name but none of the target's options: NFQUEUE
// --queue-num 0 "exists" when a rule with --queue-num 5 does. Apply
// therefore takes a rule as present only when -C says so and iptables -S
// lists it token for token, and deletes rules by position, from a listing
// made just before, never by spec.
package firewall
