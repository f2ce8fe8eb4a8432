// Package notify puts alerts and the outbound module's questions on the
// desktop as notification bubbles with buttons (Block for 1 h or Unblock,
// Whitelist, Ignore; Allow once, Allow always, Deny, Deny always, Reject)
// and carries the user's click back to the daemon.
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
//   - The applet (user side, `ifw applet` in the desktop session) lives in
//     cmd/ifw/applet: it talks to the daemon through the control API's
//     client (cmd/ifw/control), which an action may not import. It reads
//     the event stream and shows each event through this package: the
//     bubble's text (BubbleFor, QuestionBubble), its look (Style) and the
//     calls to the notification server (Capabilities, Send, Close), which
//     notify-once makes too.
//
// # Bubbles
//
// Send shows a Bubble with github.com/esiqveland/notify on a session bus:
// urgency from the danger level, category network.error, the body escaped
// when the server does markup (EscapeMarkup), buttons only when it
// advertises "actions". esiqveland/notify is used to send only; the
// applet reads the clicks with a loop of its own.
//
// A bubble with buttons is sent with expire_timeout 0 (never) unless its
// Style says how long: the server's own timeout (dunst's 10 s) would take
// the buttons away unanswered. Style.Replaces is the spec's replaces_id:
// the applet keeps one bubble per attacker and replaces it with the
// attacker's next alert; the hub then answers the attacker's older alert
// events (ErrSuperseded), so that only the newest can be acted on. When
// Config.Blocked says an alert's source is blocked already (the daemon
// looks its address up in the store; the auto-blocker ran before the
// actions), the event carries the block (Event.Blocked), the bubble says
// so (AlertBubble) and Unblock takes Block's place.
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
// and default) with the actions allow_once, allow_always, deny,
// deny_always and reject (QuestionActions; GNOME Shell shows the first
// three only) to the
// subscriptions of Question.UID only — never to another uid's applet, not
// even root's — so Choice accepts an answer from that uid alone, once, as
// for alerts (Choice.Question says which question). With no applet of that
// uid, nothing is published and the question waits for `ifw queue` in a
// terminal and its timeout. When the question is answered elsewhere or
// times out, Hub.Retract marks the event answered (a late click gets
// ErrAnswered) and sends a KindRetract event naming it (Event.Ref) to the
// same uid's applets.
//
// The applet shows a question (QuestionBubble) as a critical bubble,
// "Outbound connection", saying which process (path, pid, user; "An
// unknown process" without one) wants which address, port and protocol,
// how many connections wait and what happens at the deadline; on
// KindRetract it closes the bubble that showed Ref (see cmd/ifw/applet).
package notify
