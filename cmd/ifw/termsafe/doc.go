// Package termsafe keeps what others wrote from steering the terminal.
//
// What ifw prints comes in part from others: an executable path chosen by
// any local user, a log prefix an attacker's packet or a forger's `logger`
// line carries. Printed raw, "\r\x1b[2K" in a path redraws the line to
// look like root's apt-get, and U+202E makes text read backwards. Every
// stream of the CLI therefore goes through a Writer, which shows control
// characters escaped but keeps the newlines and tabs of ifw's own layout;
// a field that could carry a newline of its own (and so forge a whole row)
// is escaped first by Field.
//
// It is its own package because the CLI's commands and the libraries that
// print for it (cmd/ifw/analyze) share it, and it depends on nothing.
package termsafe
