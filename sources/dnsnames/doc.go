// Package dnsnames learns which names the host's addresses go by from the
// DNS answers the host itself asked for, so that the outbound module can
// show "firefox wants to connect to download.mozilla.org (2a02:…)" and
// rules can say host=NAME or host=*.DOMAIN for names whose addresses
// rotate.
//
// The kernel hands the DNS traffic over NFLOG (ifw setup: the host's
// queries on OUTPUT, destination port 53, and the answers on INPUT, source
// port 53, UDP and TCP, loopback included so that the answers of a local
// stub such as systemd-resolved on 127.0.0.53 count). Watcher reads the
// group and feeds each packet, with the netfilter hook it was logged at,
// to Learner.
//
// # What an answer must be to teach a name
//
// Forged answers are the threat: a name learned widens what a host= rule
// allows. So an answer counts only when it answers a query the host sent
// and that is still outstanding:
//   - the query was logged at the OUTPUT hook and the answer at INPUT (the
//     hook is the kernel's, not something a packet can claim);
//   - same protocol; the answer comes from the address and port the query
//     went to, to the address and port it came from;
//   - same transaction id, same question (name, case-insensitively, type
//     and class IN), RCODE 0;
//   - within QueryTimeout of the query; the first matching answer consumes
//     the query, so a later one (forged or duplicated) teaches nothing.
//
// Of a counting answer only the chain from the question is followed: the
// question name, its CNAME records (at most MaxChain deep, inside this
// answer), and the A and AAAA records of the names on that chain. The
// address is then known by the question name, the name the program asked
// for. Records about other names are ignored.
//
// A name is kept with the uid of the socket that sent the query (NFLOG
// gives it at OUTPUT) and holds for that uid's connections only, unless
// that uid is one of Config.Resolvers (root, the resolver daemons): a
// local user who queries a server of their own fools only their own
// programs.
//
// # Bounds
//
// Every size is bounded: the message (64 KiB, as DNS), the records read
// (MaxRecords), the name (255 bytes, compression pointers only backwards,
// at most MaxPointers of them), the outstanding queries (Config.MaxQueries;
// beyond it a query is not recorded and its answer will teach nothing),
// the addresses known (Config.MaxAddrs; the ones expiring first go) and
// the names per address (Config.MaxNames). A name's life is its TTL (the
// smallest along the chain) clamped to [Config.MinTTL, Config.MaxTTL]: the
// minimum because programs keep using an address a while after its TTL
// (browsers cache 60 s and more), the maximum so a wrong mapping does not
// outlive a day.
//
// Names are lowercase, without the trailing dot, made of letters, digits,
// '-' and '_' in labels of 1-63 bytes, 253 bytes in all; a message whose
// question is anything else is ignored.
//
// TCP: a segment whose payload holds whole length-prefixed messages is
// read; a message split over segments is not reassembled (counted as
// skipped).
package dnsnames
