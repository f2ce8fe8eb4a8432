// Package gen writes what packaging installs beside the binary: the shell
// completion scripts, from the command tree the help comes from, so they
// cannot drift from it (`make completion`, through the hidden ifw
// gen-completion). The man pages are package gen/man's (`make man`).
package gen
