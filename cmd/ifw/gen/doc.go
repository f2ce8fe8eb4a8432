// Package gen writes what packaging installs beside the binary: the man
// pages and the shell completion scripts, both from the command tree the
// help comes from, so they cannot drift from it (`make man`, `make
// completion`, through the hidden ifw gen-man and gen-completion).
package gen
