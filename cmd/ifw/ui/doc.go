// Package ui is `ifw ui`: the management window, served to the user's
// browser from 127.0.0.1.
//
// Why a local web server and not a toolkit: every desktop has a browser,
// and html/template gives escaping by construction; no toolkit binding,
// no build step (the pages, one stylesheet and one small script are
// embedded with go:embed).
//
// Why it runs as the user and calls the control socket: the daemon's
// authorization (SO_PEERCRED, the socket's group, polkit) stays the only
// one. The ui holds no privilege; it calls control.Client — the one typed
// client of the API — with its own credentials, so a user sees and
// changes through the window exactly what `ifw` commands would let them.
//
// Why the locks on the HTTP side: any local process (and any web page,
// through the browser) can reach 127.0.0.1. So the ui serves only
// connections whose socket belongs to its own user or root (the kernel's
// socket table says whose: peeruid.go); the window is opened with
// a random one-time token exchanged for an HttpOnly SameSite=Strict
// session cookie; every request needs the cookie; the Host header must
// name the loopback address and port (no DNS rebinding); a state change
// needs a same-origin Origin (or Referer) and the session's CSRF token;
// a strict Content-Security-Policy allows only the embedded script and
// stylesheet. Referrer-Policy is same-origin, not no-referrer: under
// no-referrer browsers send "Origin: null" on every POST, same-origin
// ones included, which would leave no origin to check.
//
// Live updates come from the daemon's event stream (control.Client.Stream),
// one per open page, forwarded as server-sent events; the process exits
// when no page has been open for Config.Grace.
package ui
