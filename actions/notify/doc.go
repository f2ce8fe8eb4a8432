// Package notify puts alerts on the desktop as notification bubbles with
// buttons (Block for 1 h, Whitelist, Ignore) and carries the user's click
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
// # Questions (extension point)
//
// Events have a Kind; today every event is KindAlert. The outbound module
// (actions/verdict) will add KindQuestion: a Hub method that publishes a
// question with the actions allow_once/allow_always/deny and a payload field
// on Event beside Alert. Subscriptions, buffering, the recipient check of
// Choice and the applet's click path are already kind-agnostic; the applet
// skips kinds it does not know, so an old applet keeps working against a
// newer daemon.
package notify
