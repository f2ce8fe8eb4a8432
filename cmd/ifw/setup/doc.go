// Package setup is what `ifw setup` does: from ifw.conf and the command
// line, the firewall rules ifw needs (package actions/firewall writes them)
// and the ipsets (actions/block), created, printed or removed. It is a
// package so that the package's maintainer scripts, the CLI and tests
// share one answer to "which rules for this configuration".
package setup
