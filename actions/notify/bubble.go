package notify

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	fdn "github.com/esiqveland/notify"
	"github.com/godbus/dbus/v5"

	"github.com/ifw/ifw/alerts"
)

// Urgency is a bubble's urgency (the spec's byte values).
type Urgency uint8

// Urgencies.
const (
	UrgencyLow      Urgency = 0
	UrgencyNormal   Urgency = 1
	UrgencyCritical Urgency = 2
)

func (u Urgency) String() string {
	switch u {
	case UrgencyLow:
		return "low"
	case UrgencyNormal:
		return "normal"
	case UrgencyCritical:
		return "critical"
	}
	return fmt.Sprintf("urgency(%d)", uint8(u))
}

// ParseUrgency reads what String writes.
func ParseUrgency(s string) (Urgency, error) {
	for _, u := range []Urgency{UrgencyLow, UrgencyNormal, UrgencyCritical} {
		if s == u.String() {
			return u, nil
		}
	}
	return 0, fmt.Errorf("notify: urgency %q is not low, normal or critical", s)
}

// UrgencyOf maps a danger level to an urgency: 1-2 low, 3 normal, 4-5
// critical.
func UrgencyOf(level int) Urgency {
	switch {
	case level >= 4:
		return UrgencyCritical
	case level == 3:
		return UrgencyNormal
	}
	return UrgencyLow
}

// Bubble is what a notification says, in plain text.
type Bubble struct {
	Summary string
	Body    string
	Urgency Urgency
}

// Bubble text limits: an alert's lists are long, a bubble is not.
const (
	maxBodyScans = 3
	maxBodySigs  = 3
	maxBodyBytes = 1024
)

// BubbleFor is the bubble of an alert.
func BubbleFor(a alerts.Alert) Bubble { return AlertBubble(a, nil) }

// AlertBubble is the bubble of an alert whose source is blocked already
// (blk; nil when it is not): a line under the first says so and until
// when.
func AlertBubble(a alerts.Alert, blk *Blocked) Bubble {
	lines := []string{fmt.Sprintf("Intrusion detected from %s", a.Src)}
	summary := fmt.Sprintf("Firewall alert: danger level %d", a.Level)
	if blk != nil {
		lines = append(lines, blockedLine(*blk))
	}
	if !a.Trusted {
		summary += " (untrusted evidence)"
		lines = append(lines, untrustedLine)
	}
	for i, s := range a.Scans {
		if i == maxBodyScans {
			lines = append(lines, fmt.Sprintf("and %d more scans", len(a.Scans)-i))
			break
		}
		lines = append(lines, scanLine(s.Type, s.Proto, s.Dst.String(), s.Ports(), s.Packets))
	}
	for i, s := range a.Signatures {
		if i == maxBodySigs {
			lines = append(lines, fmt.Sprintf("and %d more signatures", len(a.Signatures)-i))
			break
		}
		lines = append(lines, fmt.Sprintf("signature: %s", s.Name))
	}
	return Bubble{
		Summary: summary,
		Body:    clip(strings.Join(lines, "\n"), maxBodyBytes),
		Urgency: UrgencyOf(a.Level),
	}
}

// blockedLine says how the source is blocked: "Blocked automatically
// until 12:00:30.", "Blocked by hand until Nov 22 12:00.", "Blocked
// automatically for good." (local time; the date when not today).
func blockedLine(b Blocked) string {
	how := "by hand"
	if b.Auto {
		how = "automatically"
	}
	if b.Until.IsZero() {
		return fmt.Sprintf("Blocked %s for good.", how)
	}
	return fmt.Sprintf("Blocked %s until %s.", how, localStamp(b.Until, time.Now()))
}

// localStamp is t in local time: the time of day when t is on now's day,
// the date and time otherwise.
func localStamp(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format(time.TimeOnly)
	}
	return t.Format("Jan 2 15:04")
}

// untrustedLine says why a forged alert is possible: some of its packets
// come from a syslog file, which any local user can write to.
const untrustedLine = "Untrusted: seen in a log file any local user can write to; the source may be forged"

// clip cuts s to at most max bytes (and "…"), on a character boundary.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}

// maxFieldBytes bounds one name in a question's text (a path, a host).
const maxFieldBytes = 256

// QuestionBubble is the bubble of a question, such as "curl
// (/usr/bin/curl, pid 4242, user alice) wants to connect to 203.0.113.2
// port 80/tcp — 2 connections waiting. No answer by 12:00:30: deny." (the
// deadline in local time). Names come from the process and the network:
// control and bidirectional-override characters in them are replaced, and
// each is bounded.
func QuestionBubble(q Question) Bubble {
	var b strings.Builder
	fmt.Fprintf(&b, "%s wants to connect to %s port %d/%s", who(q), where(q), q.Port, printable(q.Proto))
	if q.Connections > 1 {
		fmt.Fprintf(&b, " — %d connections waiting", q.Connections)
	}
	b.WriteString(".")
	if !q.Deadline.IsZero() && q.Default != "" {
		fmt.Fprintf(&b, " No answer by %s: %s.", q.Deadline.Local().Format(time.TimeOnly), printable(q.Default))
	}
	return Bubble{Summary: "Outbound connection", Body: clip(b.String(), maxBodyBytes), Urgency: UrgencyCritical}
}

// who names the question's process: "curl (/usr/bin/curl, pid 4242, user
// alice)", "An unknown process (uid 1000)".
func who(q Question) string {
	name, about := "An unknown process", []string(nil)
	if q.Exe != "" {
		name = printable(path.Base(q.Exe))
		about = append(about, printable(q.Exe))
	}
	if q.PID > 0 {
		about = append(about, fmt.Sprintf("pid %d", q.PID))
	}
	if q.User != "" {
		about = append(about, "user "+printable(q.User))
	} else {
		about = append(about, fmt.Sprintf("uid %d", q.UID))
	}
	return fmt.Sprintf("%s (%s)", name, strings.Join(about, ", "))
}

// where names the destination: "203.0.113.2", "example.org (203.0.113.2)".
func where(q Question) string {
	dst := "an unknown address"
	if q.Dst.IsValid() {
		dst = q.Dst.String()
	}
	if q.Host == "" {
		return dst
	}
	return fmt.Sprintf("%s (%s)", printable(q.Host), dst)
}

// printable makes s safe to show in a line of text: valid UTF-8, no
// control or bidirectional formatting characters (a file named to fake
// another line or to read backwards), at most maxFieldBytes.
func printable(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
	return clip(s, maxFieldBytes)
}

func scanLine(typ, proto, dst, ports string, packets int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s scan of %s", typ, dst)
	if ports != "" {
		fmt.Fprintf(&b, ", %s ports %s", proto, ports)
	}
	fmt.Fprintf(&b, " (%d packets)", packets)
	return b.String()
}

// Capabilities the bubbles depend on (GetCapabilities).
const (
	capActions    = "actions"
	capBodyMarkup = "body-markup"
)

// Fixed parts of every bubble.
const (
	appName  = "ifw"
	category = "network.error"
	// desktopEntry is the applet's desktop file (etc/ifw-applet.desktop).
	desktopEntry = "ifw-applet"
)

// Style is how a bubble looks: the applet's configuration, or
// notify-once's defaults.
type Style struct {
	// Icon is the icon's name (DefaultIcon).
	Icon string
	// Expire is how long a bubble stays: 0 leaves it to the server for a
	// bubble without buttons and keeps one with buttons until closed,
	// ExpireNever keeps any until closed.
	Expire time.Duration
	// Replaces is the id of a bubble of this program the new one takes
	// the place of (the spec's replaces_id); 0 means a new bubble.
	Replaces uint32
}

// DefaultIcon is the bubbles' icon unless configured.
const DefaultIcon = "security-high"

// ExpireNever as Style.Expire keeps bubbles until closed.
const ExpireNever time.Duration = -1

// notification builds the D-Bus notification of b for a server with caps:
// the body escaped when the server reads markup, buttons for actions only
// when it supports them (unknown actions are skipped). offered is what the
// buttons are.
func notification(b Bubble, caps, actions []string, st Style) (n fdn.Notification, offered []string) {
	body := b.Body
	if slices.Contains(caps, capBodyMarkup) {
		body = EscapeMarkup(body)
	}
	n = fdn.Notification{
		AppName: appName, AppIcon: st.Icon, Summary: b.Summary, Body: body,
		ExpireTimeout: expireTimeout(st.Expire), ReplacesID: st.Replaces,
		Hints: map[string]dbus.Variant{
			"urgency":       dbus.MakeVariant(byte(b.Urgency)),
			"category":      dbus.MakeVariant(category),
			"desktop-entry": dbus.MakeVariant(desktopEntry),
		},
	}
	if !slices.Contains(caps, capActions) {
		return n, nil
	}
	for _, a := range actions {
		if l := Label(a); l != "" {
			n.Actions = append(n.Actions, fdn.Action{Key: a, Label: l})
			offered = append(offered, a)
		}
	}
	if len(offered) > 0 && st.Expire == 0 {
		// Buttons gone with the bubble cannot be pressed: the server's
		// timeout (dunst's 10 s for low and normal urgency) does not
		// apply, the bubble stays until answered or retracted.
		n.ExpireTimeout = fdn.ExpireTimeoutNever
	}
	return n, offered
}

func expireTimeout(d time.Duration) time.Duration {
	switch d {
	case 0:
		return fdn.ExpireTimeoutSetByNotificationServer
	case ExpireNever:
		return fdn.ExpireTimeoutNever
	}
	return d
}

// EscapeMarkup makes s literal text for a server that reads the spec's
// XML-like body markup: what a bubble's body is on such a server.
func EscapeMarkup(s string) string {
	return strings.NewReplacer(
		"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;",
	).Replace(s)
}
