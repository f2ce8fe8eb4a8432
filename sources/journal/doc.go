// Package journal is a sources.Source that reads the kernel's firewall log
// lines from systemd's journal, without cgo: it runs
// "journalctl -k -f -o json" as a child process and reads one JSON entry a
// line.
//
// Each entry's MESSAGE (a string, or an array of bytes when it is not
// printable UTF-8) is parsed by logline. The packet's time is the entry's
// __REALTIME_TIMESTAMP, its host the entry's _HOSTNAME, and it is trusted
// only when journald itself says the entry came from the kernel
// (_TRANSPORT=kernel): any local program can log a kernel-looking line
// through syslog or the native protocol.
//
// The Source remembers the cursor of the last entry it handled
// (LastCursor); a restarted Run, or a daemon that saved the cursor, resumes
// after it.
package journal
