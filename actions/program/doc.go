// Package program runs an external program for an action, the way the
// script and mail actions both need: only a program that root alone can
// change, and without a shell.
//
// OpenTrusted checks the program (an executable regular file owned by root
// and writable by no one else, reached from / through directories only
// root can change; a symbolic link's own directories too) and returns the
// file it checked, held open. Command.Run runs exactly that file (through
// /proc/self/fd), so no rename after the check can put another program in
// its place; it runs in /, with the environment it is given, as the leader
// of a process group of its own that is killed (SIGKILL) when the context
// ends. A failed run is a *RunError with the exit status and the start of
// standard error (MaxStderr bytes); a refused program a *RefusedError
// (ErrRefused).
//
// It is its own package so that the mail action, which runs sendmail,
// need not import the script action.
package program
