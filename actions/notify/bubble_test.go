package notify

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	fdn "github.com/esiqveland/notify"

	"github.com/ifw/ifw/signatures"
)

func TestUrgencyOf(t *testing.T) {
	want := map[int]Urgency{0: UrgencyLow, 1: UrgencyLow, 2: UrgencyLow, 3: UrgencyNormal, 4: UrgencyCritical, 5: UrgencyCritical}
	for level, u := range want {
		if got := UrgencyOf(level); got != u {
			t.Errorf("UrgencyOf(%d) = %s, want %s", level, got, u)
		}
	}
}

func TestParseUrgency(t *testing.T) {
	for _, u := range []Urgency{UrgencyLow, UrgencyNormal, UrgencyCritical} {
		if got, err := ParseUrgency(u.String()); err != nil || got != u {
			t.Errorf("ParseUrgency(%q) = %v, %v", u, got, err)
		}
	}
	if _, err := ParseUrgency("2"); err == nil {
		t.Error("ParseUrgency accepted a number")
	}
}

func TestBubbleFor(t *testing.T) {
	many := testAlert("2001:db8::1", 3)
	for i := range 5 {
		many.Scans = append(many.Scans, signatures.Scan{Type: "fin", Proto: "tcp", Dst: netip.MustParseAddr("2001:db8::2"), MinPort: uint16(i), MaxPort: uint16(i), DistinctPorts: 1, Packets: 1})
		many.Signatures = append(many.Signatures, signatures.SigHit{Name: fmt.Sprintf("sig %d", i)})
	}
	icmp := testAlert("198.51.100.3", 1)
	icmp.Scans = []signatures.Scan{{Type: "icmp", Proto: "icmp", Dst: netip.MustParseAddr("198.51.100.4"), Packets: 7}}
	tests := []struct {
		name      string
		alert     func() Bubble
		summary   string
		lines     []string
		urgency   Urgency
		maxLength int
	}{
		{"bare", func() Bubble { return BubbleFor(testAlert("203.0.113.7", 2)) }, "Firewall alert: danger level 2",
			[]string{"Intrusion detected from 203.0.113.7"}, UrgencyLow, 0},
		{"portless scan", func() Bubble { return BubbleFor(icmp) }, "Firewall alert: danger level 1",
			[]string{"Intrusion detected from 198.51.100.3", "icmp scan of 198.51.100.4 (7 packets)"}, UrgencyLow, 0},
		{"long lists are cut", func() Bubble { return BubbleFor(many) }, "Firewall alert: danger level 3",
			[]string{"Intrusion detected from 2001:db8::1", "fin scan of 2001:db8::2, tcp ports 0-0 (1 packets)",
				"fin scan of 2001:db8::2, tcp ports 1-1 (1 packets)", "fin scan of 2001:db8::2, tcp ports 2-2 (1 packets)",
				"and 2 more scans", "signature: sig 0", "signature: sig 1", "signature: sig 2", "and 2 more signatures"}, UrgencyNormal, 0},
		{"huge body is bounded", func() Bubble {
			a := testAlert("203.0.113.7", 5)
			a.Signatures = []signatures.SigHit{{Name: strings.Repeat("é", 2000)}}
			return BubbleFor(a)
		}, "Firewall alert: danger level 5", nil, UrgencyCritical, maxBodyBytes + len("…")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.alert()
			if b.Summary != tt.summary || b.Urgency != tt.urgency {
				t.Errorf("summary %q urgency %s", b.Summary, b.Urgency)
			}
			if tt.lines != nil && !slices.Equal(strings.Split(b.Body, "\n"), tt.lines) {
				t.Errorf("body:\n%s\nwant:\n%s", b.Body, strings.Join(tt.lines, "\n"))
			}
			if tt.maxLength > 0 && (len(b.Body) > tt.maxLength || !utf8.ValidString(b.Body)) {
				t.Errorf("body of %d bytes (valid UTF-8: %v), want at most %d", len(b.Body), utf8.ValidString(b.Body), tt.maxLength)
			}
		})
	}
}

func TestNotification(t *testing.T) {
	b := Bubble{Summary: "Firewall alert: danger level 4", Body: `a <i>b</i> & 'c'`, Urgency: UrgencyCritical}
	tests := []struct {
		name    string
		caps    []string
		actions []string
		expire  time.Duration
		body    string
		offered []string
		timeout time.Duration
	}{
		// Buttons keep the bubble until answered (dunst closed bubbles
		// after its 10 s, and their buttons with them), unless a style
		// says how long.
		{"markup and actions", allCaps, DefaultActions(), 0, `a &lt;i&gt;b&lt;/i&gt; &amp; &apos;c&apos;`, DefaultActions(), fdn.ExpireTimeoutNever},
		{"plain body", []string{"actions", "body"}, DefaultActions(), ExpireNever, b.Body, DefaultActions(), fdn.ExpireTimeoutNever},
		{"no actions capability", []string{"body-markup"}, DefaultActions(), 5 * time.Second, `a &lt;i&gt;b&lt;/i&gt; &amp; &apos;c&apos;`, nil, 5 * time.Second},
		{"unknown actions skipped", allCaps, []string{"allow_forever", "ignore"}, 0, `a &lt;i&gt;b&lt;/i&gt; &amp; &apos;c&apos;`, []string{"ignore"}, fdn.ExpireTimeoutNever},
		{"buttons with a set expiry", allCaps, QuestionActions(), 30 * time.Second, `a &lt;i&gt;b&lt;/i&gt; &amp; &apos;c&apos;`, QuestionActions(), 30 * time.Second},
		{"no button on the server", []string{"body-markup"}, DefaultActions(), 0, `a &lt;i&gt;b&lt;/i&gt; &amp; &apos;c&apos;`, nil, fdn.ExpireTimeoutSetByNotificationServer},
		{"no actions offered", allCaps, nil, 0, `a &lt;i&gt;b&lt;/i&gt; &amp; &apos;c&apos;`, nil, fdn.ExpireTimeoutSetByNotificationServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, offered := notification(b, tt.caps, tt.actions, Style{Icon: "dialog-warning", Expire: tt.expire})
			if n.Body != tt.body || n.Summary != b.Summary || n.AppName != "ifw" || n.AppIcon != "dialog-warning" {
				t.Errorf("notification %+v", n)
			}
			if !slices.Equal(offered, tt.offered) || len(n.Actions) != len(tt.offered) {
				t.Errorf("offered %q, buttons %v, want %q", offered, n.Actions, tt.offered)
			}
			if n.ExpireTimeout != tt.timeout {
				t.Errorf("expire %s, want %s", n.ExpireTimeout, tt.timeout)
			}
			if u, _ := n.Hints["urgency"].Value().(byte); u != 2 {
				t.Errorf("urgency hint %v", n.Hints["urgency"])
			}
		})
	}
}

// TestBubbleUntrusted: an alert resting on lines any local user could have
// written says so in the summary and the body, so a human does not click
// Block on a forged source without knowing.
func TestBubbleUntrusted(t *testing.T) {
	a := testAlert("192.168.1.1", 3)
	a.Trusted = false
	b := BubbleFor(a)
	if b.Summary != "Firewall alert: danger level 3 (untrusted evidence)" || !strings.Contains(b.Body, untrustedLine) {
		t.Fatalf("bubble %+v; want it marked untrusted", b)
	}
	if b := BubbleFor(testAlert("192.168.1.1", 3)); strings.Contains(b.Summary+b.Body, "ntrusted") {
		t.Fatalf("trusted alert marked untrusted: %+v", b)
	}
}
