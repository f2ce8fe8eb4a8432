// Package controltest runs the control API for tests: a real
// control.Server on a temporary socket over a fake daemon (Backend), so
// that a client — the CLI's commands, the API's own tests — goes its
// whole way (client, HTTP, peer checks, routes, the server's errors)
// without root and without a daemon.
package controltest
