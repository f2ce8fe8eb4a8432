// Package whitelist is ifw's never-block list: the addresses and networks
// no block may ever cover, whatever path the block comes from (automatic,
// `ifw block add`, bulk lists). Guard.Check is the one question every
// blocking path asks before an address reaches the kernel.
//
// A prefix is refused when it overlaps a protected one, either way: it is
// inside it (10.0.0.1/32 inside a whitelisted 10.0.0.0/24) or covers it
// (0.0.0.0/0, 10.0.0.0/8 covering the gateway 10.0.0.1). IPv4-mapped IPv6
// prefixes (::ffff:127.0.0.1) are checked as the IPv4 prefixes they are, and
// an IPv6 prefix covering the whole mapped range is checked as 0.0.0.0/0.
//
// Protected always, in the order a refusal names them:
//   - the host's own addresses, on every interface (netlink);
//   - gateways: every next hop of every route in every routing table (the
//     default gateways first of all), and the peers of point-to-point links;
//   - the DNS servers of /etc/resolv.conf, and of systemd-resolved's
//     /run/systemd/resolve/resolv.conf where it exists (Config.ResolvConf);
//   - the whitelist file (Config.File, /etc/ifw/whitelist): one IP address,
//     CIDR network or host name per line, "#" starts a comment. Host names
//     are resolved at each Load; a name that does not resolve is a warning,
//     keeps the addresses it had at the previous Load, and is tried again at
//     the next;
//   - loopback (127.0.0.0/8, ::1), unspecified (0.0.0.0/8, ::) and
//     link-local (169.254.0.0/16, fe80::/10) networks: a block there cuts
//     the host from itself or from its LAN.
//
// Protected for untrusted evidence only (Check with trusted == false: packets
// read from a syslog file, which any local user can write to with logger):
//   - Config.HomeNet when set: the networks the admin calls home;
//   - when HomeNet is empty: the private networks (RFC 1918 10/8,
//     172.16/12, 192.168/16 and RFC 4193 fc00::/7) and every network the
//     host is directly connected to. A forged line then cannot get a LAN
//     neighbour, a VPN peer or a container blocked; evidence from the kernel
//     (kmsg, NFLOG, journald's kernel transport) and an admin's `ifw block
//     add` still can.
//
// Load reads everything again (interfaces, routes, resolv.conf, the file,
// host names) and swaps in an immutable snapshot: Check never waits for a
// Load and never sees half of one. Before the first successful Load every
// Check is refused. A failed Load keeps the previous snapshot.
//
// A Watcher keeps the list current between loads: the daemon may start
// before the network is up, and addresses, routes and DNS servers change
// (DHCP, a VPN, a cable). It subscribes to netlink's address, route and
// link notifications (in the namespace the facts are read in, listing what exists first so
// that nothing since the last Load is missed) and watches the resolv.conf
// files with inotify; a burst of changes loads the list once, after
// WatchConfig.Debounce, then OnLoad runs (the daemon lifts the blocks the
// new list covers). A broken subscription (an overflowing socket buffer)
// is counted, logged and made again after a wait that doubles up to
// RetryMax; a failed load keeps the previous list and is tried again.
//
// Add and Del edit the whitelist file for `ifw whitelist add|del`: the file
// is rewritten through a temporary file and a rename, every other line and
// comment kept as it was, then loaded again.
package whitelist
