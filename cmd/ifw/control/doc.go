// Package control is ifw's control API: the daemon's HTTP+JSON interface
// on a unix socket, and the one typed client every command of the CLI and
// the desktop applet use.
//
// Why it is built this way:
//   - One table (routes.go) lists every route with what a non-root peer
//     needs from polkit for it, so that what a route allows is read in one
//     place and a route cannot be added without deciding it.
//   - Authorization stays next to that table: SO_PEERCRED at accept
//     (peerlistener.go: who, and how many connections per uid), the
//     socket's group (peercred.go), polkit for what changes something
//     (authz.go, needs.go). Nothing below a handler trusts a client.
//   - The server owns the HTTP side and the daemon the state: the daemon
//     is a Backend (backend.go), so the API is tested in-process with a
//     fake backend and the daemon without HTTP.
//   - The wire types (types.go) and the paths are defined once; the client
//     (client.go) is the only code that builds a request, and its errors
//     say what the user can do about them (clienterrors.go): the daemon
//     not running, a user outside group ifw, a refusal in plain words.
//   - What changed goes out on one feed (feed.go, GET /v1/stream): the
//     stored alerts, and a bare note per list that changed. The server
//     publishes what its own routes change (the route table's changes),
//     the daemon the rest (auto-blocks, expiry, questions). A note
//     carries no data: the reader fetches the list with its own
//     credentials, so the feed cannot show a user more than the socket
//     would; and it never blocks, a slow reader loses its oldest events.
package control
