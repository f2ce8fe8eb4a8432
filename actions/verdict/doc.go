// Package verdict is ifw's interactive outbound firewall: the NFQUEUE
// module that decides, per application, which new outbound connections may
// leave.
//
// `ifw setup --queue N` sends the first packet of every NEW outbound
// connection to queue N. Module reads the queue with package nfq (plain
// system calls: one goroutine blocked in poll(2), no thread woken between
// the packet and its decision) and, for each packet:
//
//  1. decodes the IP and transport headers (Decode) into a procs.Tuple;
//  2. finds who sent it: the socket's UID/GID from the queue attribute, the
//     socket inode by an exact sock_diag lookup and the process that holds
//     it (package procs);
//  3. adds the names the destination is known by for that uid (Deps.Names,
//     a sources/dnsnames Learner: from the DNS answers to the host's own
//     queries), which host= rules match; a connection no rule decides and
//     without names waits up to 50 ms for names whose answer is still
//     being read, then is matched again;
//  4. asks the rule set (package rules) for the most specific rule; with
//     none, the mode decides: ask the user (ModeAsk), allow only the listed
//     executables (ModeWhitelist), deny only the listed ones
//     (ModeBlacklist), or let everything through and only record it
//     (ModeMonitor);
//  5. gives the kernel its verdict: accept, drop, or reject (NF_REPEAT with
//     Config.RejectMark, which the REJECT rules `ifw setup` puts before the
//     queue rule turn into a TCP reset or ICMP unreachable at once).
//
// While no worker is busy, the reader decides a packet itself when a
// rule, the mode or ifw's own PID decides it: the connection of a program
// just started is then answered by the thread the kernel woke, with no
// other thread woken on the way (each such wakeup costs tens of
// microseconds on a small VM). What needs waiting (a question, names
// still on their way) and every packet that arrives while a worker is
// busy go to Config.Workers workers, with the sender the reader found:
// under a burst of connections their verdicts, whose system call also
// sends the packet on, run in parallel.
//
// # Asking
//
// A connection with no rule in ModeAsk is held on its own: other
// connections keep flowing while it waits. It becomes a Question, merged
// with any question already open for the same user, executable,
// destination, port and protocol (TCP's retransmitted SYNs and a browser's
// parallel connections make one question, not ten). The question goes to
// the owner's applet (Asker, a notify.Hub: only that uid's desktop sees it
// and may answer; an applet that starts later still gets it, and a
// question is put on a desktop once: while one show of it is out, the
// upkeep tick that looks for unshown questions skips it) and to
// `ifw queue list`, with the destination's name (Question.Host) when it
// has one; Answer carries a reply from either: allow or deny, once or as
// a session, timed or permanent rule, which names the host (host=NAME)
// instead of the address when the question has a name.
// Without an answer, Config.Default applies after Config.AskTimeout to
// that question's connections only.
//
// # Always a verdict
//
// Every packet the kernel hands over gets exactly one verdict: from a rule,
// an answer, the timeout, the fail mode when the work queue is full or a
// packet cannot be read, and on shutdown (Run gives every held and waiting
// packet the fail-mode verdict before it returns). Config.FailOpen picks
// that fail mode and also sets the kernel's fail-open flag (packets are
// accepted when the kernel queue is full); `ifw setup --queue-bypass` is
// its counterpart for when no daemon listens at all.
package verdict
