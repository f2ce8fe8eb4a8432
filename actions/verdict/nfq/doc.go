// Package nfq reads an NFQUEUE queue and gives its verdicts, on plain
// system calls: the outbound firewall's link to the kernel.
//
// Why not a general netlink library: a just-started program's first
// packet waits for ifw, and on a small VM every thread wakeup on the way
// costs tens of microseconds (an idle virtual CPU woken by an
// interrupt). Reading through Go's network poller costs several: the
// poller's thread wakes, starts a spinning thread to run the reader,
// which peeks at the message's size and reads it, then wakes a worker
// thread to decide. Here one goroutine blocks in poll(2) on the queue's
// socket and an eventfd that stops it, reads each datagram once into a
// buffer of its own (a queue message is never larger than the copy
// range plus its headers) and hands each packet to the caller on the
// same thread, which can decide and answer without waking anyone.
//
// What is parsed is bounded and checked: netlink headers and attributes
// are walked by their lengths within the datagram, a truncated or
// overlong one ends the datagram (ErrMessage), and only messages from the
// kernel (port 0) are believed. The queue is configured with acks
// (bind, copy range and mode, queue length, flags) so that a refused
// setting is an error at Open, not a silent default. Verdicts are
// NFQNL_MSG_VERDICT messages without an ack: an error for one (an id the
// kernel no longer holds) comes back as an NLMSG_ERROR the reader counts.
package nfq
