package mail

import (
	"fmt"
	"mime"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ifw/ifw/alerts"
)

// listed is how many destinations the body lists by address.
const listed = 10

// Subject is "[ifw] danger level N from SRC on HOST" ("on HOST" when the
// alert names its host), on one line.
func Subject(a alerts.Alert) string {
	s := fmt.Sprintf("[ifw] danger level %d from %s", a.Level, a.Src)
	if a.Host != "" {
		s += " on " + a.Host
	}
	return alerts.OneLine(s)
}

// message is the mail for a: headers, a blank line, the body, with LF line
// ends (sendmail and net/smtp's DATA writer make them CRLF).
func message(from string, to []string, a alerts.Alert, now time.Time) []byte {
	id := fmt.Sprintf("<ifw.%d.%d.%s@%s>", now.UnixNano(), a.ID, safeID(a.Src), "ifw.invalid")
	return compose(from, to, Subject(a), id, Body(a), now)
}

// compose builds a plain-text mail.
func compose(from string, to []string, subject, id, body string, now time.Time) []byte {
	var b strings.Builder
	header := func(name, value string) { fmt.Fprintf(&b, "%s: %s\n", name, value) }
	header("From", from)
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", id)
	header("Auto-Submitted", "auto-generated")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "8bit")
	b.WriteString("\n")
	b.WriteString(body)
	return []byte(b.String())
}

// Body is the attacker's picture, in plain text.
func Body(a alerts.Alert) string {
	var b strings.Builder
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%-14s%s\n", label+":", alerts.OneLine(value))
		}
	}
	fmt.Fprintf(&b, "%s\n\n", a.Summary())
	line("Source", a.Src.String())
	line("Danger level", levelText(a))
	line("Why now", a.Reasons)
	line("Host", a.Host)
	line("First seen", timeText(a.FirstSeen))
	line("Last seen", timeText(a.LastSeen))
	line("Packets", strconv.Itoa(a.Packets))
	line("Destinations", destinationsText(a))
	line("OS guess", a.OS)
	line("Tool guess", a.Tool)
	line("Evidence", evidenceText(a))
	writeScans(&b, a)
	writeSignatures(&b, a)
	if a.ID != 0 {
		fmt.Fprintf(&b, "\nAlert %d. To block the source: ifw block add %s\n", a.ID, a.Src)
	}
	return b.String()
}

func writeScans(b *strings.Builder, a alerts.Alert) {
	if len(a.Scans) == 0 {
		return
	}
	b.WriteString("\nScans:\n")
	for _, s := range a.Scans {
		fmt.Fprintf(b, "  %s (%d packets)\n", alerts.OneLine(alerts.ScanText(s)), s.Packets)
	}
}

func writeSignatures(b *strings.Builder, a alerts.Alert) {
	if len(a.Signatures) == 0 {
		return
	}
	b.WriteString("\nSignatures:\n")
	for _, s := range a.Signatures {
		fmt.Fprintf(b, "  %s (level %d, %d packets)\n", alerts.OneLine(s.Name), s.Level, s.Packets)
	}
}

func levelText(a alerts.Alert) string {
	if a.PrevLevel > 0 && a.PrevLevel != a.Level {
		return fmt.Sprintf("%d (was %d)", a.Level, a.PrevLevel)
	}
	return strconv.Itoa(a.Level)
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02 15:04:05 MST")
}

func destinationsText(a alerts.Alert) string {
	n := max(a.DestinationCount, len(a.Destinations))
	if n == 0 {
		return ""
	}
	var addrs []string
	for _, d := range a.Destinations[:min(listed, len(a.Destinations))] {
		addrs = append(addrs, d.String())
	}
	s := fmt.Sprintf("%d: %s", n, strings.Join(addrs, ", "))
	if n > len(addrs) {
		s += fmt.Sprintf(" and %d more", n-len(addrs))
	}
	return s
}

func evidenceText(a alerts.Alert) string {
	via := ""
	if a.Collector != "" {
		via = " via " + a.Collector
	}
	if a.Trusted {
		return "kernel log only (trusted)" + via
	}
	return "includes lines any local program could have written (untrusted)" + via
}

// safeID is addr as a Message-ID may carry it.
func safeID(addr netip.Addr) string {
	return strings.NewReplacer(":", "-", ".", "-").Replace(addr.String())
}
