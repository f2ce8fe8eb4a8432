// Command ifw is the one ifw binary: the offline analyzer (ifw analyze) now,
// and the daemon, status, block, report, applet and setup commands as they
// land. It is the only package that knows every concrete part and wires the
// pipeline from an explicit table of commands.
package main
