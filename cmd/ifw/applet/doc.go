// Package applet is `ifw applet`, the desktop side of the notify action:
// started in the user's session (etc/ifw-applet.desktop), it reads the
// daemon's event stream, shows each event as a bubble on the session bus
// and posts the user's click back.
//
// Why it lives here, under cmd/ifw and not in actions/notify with the
// hub: it talks to the daemon through the control API's one typed client
// (cmd/ifw/control.Client), and the actions may not import the program
// that wires them. What both sides share stays in actions/notify: the
// wire types (control names them), the bubbles' text (BubbleFor,
// QuestionBubble), their look (Style) and the calls to the notification
// server (Capabilities, Send, Close), which `ifw notify-once`, the
// daemon's fallback when no applet runs, makes too.
//
// # The stream
//
// The applet subscribes with control.Client.Events; the daemon may come
// and go, and a refused subscription (the daemon's or this user's share
// of the streams full: 503, 429) is retried alike, with a backoff doubling
// from Config.BackoffMin to BackoffMax, spread by ±20% so that applets do
// not come back in step. Each event is shown with the notify package
// (urgency from the danger level, category network.error, body escaped
// when the server does markup, buttons only when it advertises
// "actions"). An alert's bubble with buttons stays until answered, and an
// attacker's next alert replaces its bubble (replaces_id: the attacker →
// bubble map lives in the bounded sent set, sent.go; the replaced event's
// buttons are forgotten). A question (KindQuestion) is a critical bubble
// that stays until its deadline (at least a second), with its buttons only
// when the server offers "actions" (otherwise the user answers with `ifw
// queue`); KindRetract closes the bubble
// that showed Event.Ref (answered elsewhere, or timed out) and forgets
// it, a Ref not shown here is ignored; events of kinds it does not know
// are skipped, so an old applet keeps working against a newer daemon.
//
// # Clicks
//
// esiqveland/notify is used to send only: its signal loop panics on a
// malformed signal and accepts ActionInvoked from anyone. The applet reads
// ActionInvoked and NotificationClosed with its own loop (signals.go): the
// sender must be the unique name that owns org.freedesktop.Notifications
// (GetNameOwner, followed through NameOwnerChanged; a new owner forgets
// every id of the old one), the body must have the spec's types, the id must
// be one this applet sent (a bounded set, sent.go) and the action one that
// bubble offered. Anything else is dropped and logged. The connection that
// sent a bubble stays open for the applet's lifetime, since only it
// receives the bubble's signals.
//
// A click is posted with control.Client.Choose. The daemon checks it (the
// bubble was shown to this uid, offered that choice, is not answered yet)
// and may ask polkit; when it refuses, or cannot be reached, a bubble
// without buttons tells the user the choice was not applied, and why.
//
// # The tray icon
//
// tray.go, sni.go and menu.go put a StatusNotifierItem
// (org.kde.StatusNotifierItem on /StatusNotifierItem, under the bus name
// org.kde.StatusNotifierItem-PID-ID) and its com.canonical.dbusmenu menu
// (/MenuBar) on the applet's connection, with godbus's prop and introspect
// packages: that protocol, not the XEmbed tray, is what today's desktops
// show. The item registers with org.kde.StatusNotifierWatcher when one
// owns the name, and again whenever the name gets a new owner
// (NameOwnerChanged); a watcher may own its name before its object is
// exported, so a failed registration is tried again a few times. Without
// a watcher the applet is as before, and says so once. Menu clicks arrive
// as D-Bus calls on the bus's goroutines: they only queue work for the
// tray's own goroutine, which calls the daemon (the switch, whose
// checkbox is read again when the menu is about to show) or runs `ifw
// ui`. The status follows the stream: NeedsAttention on an alert, Active
// on the daemon's "seen"; pausing bubbles holds back alert bubbles only,
// never a question waiting for an answer.
package applet
