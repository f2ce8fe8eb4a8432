// Package procs attributes outbound connections to the processes that
// make them, for the interactive outbound firewall: the NFQUEUE module
// holds each new connection's first packet and asks Finder.Lookup who
// sent it.
//
// Lookup answers in two steps:
//
//  1. The socket: an exact sock_diag request (NETLINK_SOCK_DIAG,
//     SOCK_DIAG_BY_FAMILY without NLM_F_DUMP) makes the kernel look the
//     socket up as it would for a packet, and returns its inode and user.
//     An IPv4 tuple is asked of AF_INET, then of AF_INET6 with v4-mapped
//     addresses (dual-stack sockets). Unconnected UDP sockets are found
//     this way too. Only when no exact lookup answers and the tuple has no
//     outgoing interface (Tuple.Iface) are the sockets on the local port
//     dumped and matched here, to find sockets bound to a device: a dump
//     makes the kernel walk its whole socket hash table, so give Iface.
//     The netlink sockets are driven with plain system calls on buffers
//     of their own: an exact lookup allocates nothing, and only replies
//     from the kernel to the request made (sequence number, port ID)
//     are believed.
//  2. The process: a cache maps socket inodes to the descriptor that held
//     each when last seen; a hit costs reading that link, and the exe
//     link, through the holder's pinned directory (below). A
//     miss searches the processes' descriptor tables (/proc/PID/fd),
//     likeliest first: the processes that recently held sockets of the
//     same user (at the descriptor numbers their sockets last had
//     first), those started since the last refresh, the user's other
//     processes newest first, processes of unknown user, then all the
//     rest. Every socket met on the way is cached. A process not pinned
//     (found the first time, or unpinned since) is read by path (stat,
//     exe link, status) and checked against PID reuse: its start time is
//     read before and after the links from one open stat file and must
//     not change.
//
// Pins: between those two reads, the process's /proc/PID directory and
// its comm file are opened and kept. Procfs binds them to the process
// (its struct pid), not to the PID: once the process exits, links read
// through them fail, whoever gets the PID next. So a descriptor link
// read through the pin proves that this very process holds the socket
// now, without a start time to read. A pinned process cached before
// costs two reads (the descriptor link and the exe link; with
// Config.Hash, a stat of the executable too), and is read by path again
// when its exe link changed (an exec of another program); its name
// (Process.Comm) stays the one read then: no verdict depends on it. The
// recent holders' descriptors are probed through their pins as well. At
// most 1024 processes are pinned (fewer under a low descriptor limit:
// each pin is two descriptors), the least recently used are unpinned
// first, and Run unpins the processes that exited. An unpinning never closes a
// descriptor a lookup is using.
//
// Run keeps the process table current off the verdict path, every
// Config.Refresh, and sweeps the caches of processes that exited or whose
// PID was reused. Processes are cached per (PID, start time), reread when
// their exe link or name changes (exec), and their real user is reread
// each refresh. With Config.Hash, the first lookup of each executable
// (per device, inode, size and mtime) digests it on the verdict path.
//
// Process events: New listens to the kernel's process connector
// (NETLINK_CONNECTOR, CN_IDX_PROC: fork, exec and exit events; in the
// host's network namespace, entered for the socket only if the daemon
// runs in another), unless Config.NoEvents or Config.Proc is not the
// host's /proc. The events are hints, never proof: they tell where to
// search, and what a search finds is checked as above. They serve three
// ends. The search takes the processes started since the table's
// refresh from them instead of listing /proc, and reads the likely
// descriptors of the newest three of the socket's user (no listing)
// before the recent holders' (see search), as the event reader told of
// them; before it takes them as all the new processes, the search drains
// the event socket (one non-blocking receive), so that a process that
// connected has been told of, since the kernel sends its events before
// fork or exec returns. A process that exits leaves the hot lists at
// once. And a process that ran a program is read and pinned
// ahead, off the verdict path (at most 256 a second), with the entry of
// its descriptor directory made, so that its first connection costs the
// sock_diag request, a few descriptor links read through its pin and
// the reads of a pinned process. A new process's descriptors are read
// without listing its descriptor directory first (a listing makes procfs
// build an entry for each): the number at which the last new process
// running the same executable had its first socket, then the low
// numbers (3-8), then, only if none is the socket, the rest. Like every
// hint, they order the reads and prove nothing. A pinned process's
// descriptors are always read through its pin (its descriptor directory
// is opened relative to it, bound to the same process), so what is
// found there needs no second check against PID reuse. The events are
// bounded: they keep at most 4096 processes between two refreshes, and a flood beyond, or
// events the kernel dropped (ENOBUFS), make the search list /proc as
// without events until a refresh that started after the loss rebuilt the
// table (Stats: ProcEventsLost, ProcDirListings). Without the connector
// (no CAP_NET_ADMIN, a container's PID namespace) the Finder works as
// without events. Run reads the events and the read-ahead queue in
// goroutines it stops before it returns.
//
// A TCP socket in TIME_WAIT, or closed by its process while the kernel
// still sends (FIN_WAIT, orphaned), has inode 0: no process can own it,
// and Lookup returns ErrNoProcess with Inode 0. A socket no process holds
// (a kernel socket, or a descriptor closed or in flight) gives
// ErrNoProcess with Inode and UID set, and is remembered as such for five
// refresh periods. Of several unconnected UDP sockets sharing a port
// (SO_REUSEPORT), the one the kernel names may not be the sender.
//
// Network namespaces: New opens its sock_diag sockets in the network
// namespace of the calling thread, and Lookup only finds sockets of that
// namespace, from any goroutine; call New on a thread inside the
// namespace whose traffic is queued. The process side reads Config.Proc,
// which must show the PID namespace of the processes.
//
// Lookup is safe for concurrent use: each call takes one netlink socket
// of a pool (Config.Conns) for its sock_diag step only; the caches are
// sharded or guarded briefly, and the process table is an immutable
// snapshot swapped by each refresh.
package procs
