// Package notify puts alerts and the outbound module's questions on the
// desktop as notification bubbles with buttons (Block for 1 h, Whitelist,
// Ignore; Allow once, Allow always, Deny) and carries the user's click
// back to the daemon.
//
// The daemon runs as root and a root process cannot use a user's session
// bus, so the work is split in two halves that talk over the daemon's
// control socket:
//
//   - Hub (daemon side, no D-Bus) is the "notify" alerts.Action. Run
//     publishes each alert as an Event to every subscribed applet; each
//     subscription has a bounded buffer, and a slow applet loses its oldest
//     events (Event.Dropped counts them) instead of slowing the daemon.
//     ServeEvents streams a subscription as JSON lines (GET /v1/events);
//     Choice checks an answer (POST /v1/choices): the event exists, was sent
//     to that uid, offered that choice and was not answered yet. Applying
//     the choice is the caller's business. With no applet subscribed, Run
//     hands the alert to the Config.Fallback.
//   - Applet (user side, `ifw applet` in the desktop session) reads the
//     event stream (reconnecting with backoff when the daemon restarts),
//     shows each event with github.com/esiqveland/notify on the session bus
//     (urgency from the danger level, category network.error, body escaped
//     when the server does markup, buttons only when it advertises
//     "actions") and posts the clicked choice back.
//
// # Clicks
//
// esiqveland/notify is used to send only: its signal loop panics on a
// malformed signal and accepts ActionInvoked from anyone. The applet reads
// ActionInvoked and NotificationClosed with its own loop (signals.go): the
// sender must be the unique name that owns org.freedesktop.Notifications
// (GetNameOwner, followed through NameOwnerChanged; a new owner forgets
// every id of the old one), the body must have the spec's types, the id must
// be one this applet sent (a bounded map) and the action one that bubble
// offered. Anything else is dropped and logged. The connection that sent a
// bubble stays open for the applet's lifetime, since only it receives the
// bubble's signals.
//
// # Without an applet
//
// SessionFallback is the one-shot fallback: it finds the users with a
// session bus (/run/user/UID/bus, a socket owned by UID) and runs the
// configured helper, `ifw notify-once`, as each of them (credentials set
// on the process, never through a shell, a minimal environment with
// DBUS_SESSION_BUS_ADDRESS). The helper calls RunNotifyOnce, which shows a
// plain bubble without buttons.
//
// # Questions
//
// The outbound module (actions/verdict) holds a new outbound connection
// and asks its owner about it: Hub.Ask publishes a KindQuestion event
// (Event.Question: process, destination, connections waiting, deadline
// and default) with the actions allow_once, allow_always and deny to the
// subscriptions of Question.UID only — never to another uid's applet, not
// even root's — so Choice accepts an answer from that uid alone, once, as
// for alerts (Choice.Question says which question). With no applet of that
// uid, nothing is published and the question waits for `ifw queue` in a
// terminal and its timeout. When the question is answered elsewhere or
// times out, Hub.Retract marks the event answered (a late click gets
// ErrAnswered) and sends a KindRetract event naming it (Event.Ref) to the
// same uid's applets.
//
// The applet shows a question as a critical bubble, "Outbound
// connection", saying which process (path, pid, user; "An unknown
// process" without one) wants which address, port and protocol, how many
// connections wait and what happens at the deadline; it expires at the
// deadline (at least a second) and has the three buttons only when the
// server offers "actions" (otherwise the user answers with `ifw queue`).
// Its click is posted like an alert's. On KindRetract it closes the bubble
// that showed Ref (CloseNotification) and forgets it; a Ref it did not
// show is ignored. Events of kinds it does not know are skipped, so an
// old applet keeps working against a newer daemon.
package notify
