// Package userdb looks up the system's users and groups.
//
// ifw is built without cgo (a static binary starts in half the time: no
// dynamic loader, no libc). Without cgo, os/user reads only /etc/passwd and
// /etc/group, and so misses the users and groups that NSS provides from
// elsewhere: LDAP and SSSD accounts, systemd's DynamicUser= and homed users.
// A rule's user=NAME, a desktop session's groups and the name shown for a
// uid must still find them, so what os/user does not know is asked of
// getent(1), which goes through NSS as libc would have: one short-lived
// process per such lookup, bounded in time and in output. Callers that look
// the same key up often (the verdict prompts, the verdict log) cache the
// answer.
//
// The package-level functions use the system's getent; a DB names another
// one (the tests use a fake).
//
// It is under sources, the layer every other may import, since actions
// (verdict rules, notify, the verdict log) and cmd (the control socket's
// group, the daemon's DNS resolvers) all ask it: the host's accounts are
// facts read from the system, as packets are.
package userdb
