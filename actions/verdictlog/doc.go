// Package verdictlog writes one line per verdict of the outbound module
// ([verdict] log = syslog | file PATH), as appfirewall's --log does: the
// time, the verdict and why (the rule, the user's answer, the mode's
// default…), the user, the program, the destination, port and protocol,
// and the name the program asked for when it is known.
//
// A verdict is never held up by its line: Add queues it (a bounded
// queue, Config.Queue lines) and Run writes from the queue on a
// goroutine of its own; a line that finds the queue full, because the
// disk is full or slow or syslog is stuck, is dropped and counted
// (Stats.Dropped, shown by `ifw status`), as is a batch the writer could
// not write (Stats.WriteErrors).
//
// The file is opened without following a symbolic link at its name
// (O_NOFOLLOW), must be a regular file with one link owned by the daemon's
// user, and is created 0640. It is rotated by size: when the next write
// would pass Config.MaxSize, PATH.N-1 becomes PATH.N … PATH becomes
// PATH.1 (renames within the directory, which replace a planted link
// rather than follow it) and a new PATH is created; Config.Keep rotated
// files are kept, so the log takes at most (Keep+1)·MaxSize.
package verdictlog
