package report

import (
	"context"
	"encoding/json"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/ifw/ifw/alerts"
	"github.com/ifw/ifw/signatures"
)

// Hostile strings: a name in an alert or a block is attacker-influenced
// (signature files, OS guesses, reasons), an executable's path any local
// user's choice, a host name is configuration.
const (
	evilHost = `gw<script>alert(1)</script>&"'`
	evilSig  = "<script>alert(\"sig\")</script> | & 'x'\n# heading"
	evilOS   = `<img src=x onerror=alert(1)>`
	evilTool = `*bold* [link](javascript:alert(1))`
	evilWhy  = `</td></tr><script>evil()</script>`
	evilName = "<b>kmsg</b>"
	evilErr  = "line1\nline2 `code` \x1b[31mred"
	evilExe  = `/tmp/<script>alert(1)</script>`
)

// hostileReport is a report whose every free text is hostile.
func hostileReport(t *testing.T) *Report {
	t.Helper()
	s := openStore(t)
	a := alert("198.51.100.66", at(3, 0), 5, 100, []signatures.Scan{scan("syn", "tcp", "203.0.113.5", 22, 22, 1, 100)},
		signatures.SigHit{ID: 666, Name: evilSig, Level: 5, Packets: 100})
	a.OS, a.Tool = evilOS, evilTool
	b := alerts.Block{Prefix: netip.MustParsePrefix("198.51.100.66/32"), Reason: evilWhy, Level: 5,
		Source: alerts.BlockAuto, Created: at(3, 1)}
	fill(t, s, []alerts.Alert{a}, []blockSpec{{b: b}})
	fillQuestions(t, s, []alerts.Question{question(evilExe, "203.0.113.5", 443, "tcp", at(4, 0),
		alerts.VerdictAllow, alerts.ClosedByAnswer, alerts.LifetimeOnce)})
	r, err := Build(context.Background(), s, Options{From: day, To: at(24, 0), Host: evilHost, Outbound: true,
		Collectors: []CollectorHealth{{Name: evilName, Type: "file", LastError: evilErr}}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestHostileHTML: no hostile text becomes markup in the HTML report.
func TestHostileHTML(t *testing.T) {
	out := string(render(t, hostileReport(t), HTML))
	lower := strings.ToLower(out)
	for _, bad := range []string{"<script", "<img", "<b>", "</td></tr><", "<a ", "href"} {
		if strings.Contains(lower, bad) {
			t.Errorf("the HTML report contains %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(&#34;sig&#34;)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;",
		"gw&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#34;&#39;", "&lt;/td&gt;&lt;/tr&gt;", "&lt;b&gt;kmsg&lt;/b&gt;",
		"<td>/tmp/&lt;script&gt;alert(1)&lt;/script&gt;</td>"} {
		if !strings.Contains(out, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	if n := strings.Count(lower, "<table"); n != strings.Count(lower, "</table>") {
		t.Errorf("%d tables opened, %d closed", n, strings.Count(lower, "</table>"))
	}
}

// unescapedLink is a Markdown link or image: "](" not behind a backslash.
var unescapedLink = regexp.MustCompile(`(^|[^\\])\]\(`)

// TestHostileMarkdown: no hostile text becomes HTML, a link, a heading or
// an extra table cell in the Markdown report.
func TestHostileMarkdown(t *testing.T) {
	out := string(render(t, hostileReport(t), Markdown))
	for _, bad := range []string{"<script", "<img", "<b>", "</td>", "\x1b"} {
		if strings.Contains(strings.ToLower(out), bad) {
			t.Errorf("the Markdown report contains %q", bad)
		}
	}
	if unescapedLink.MatchString(out) {
		t.Error("the Markdown report has a link")
	}
	cells := 0
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "# ") && !strings.HasPrefix(line, "# ifw report"), strings.HasPrefix(line, "# heading"):
			t.Errorf("a heading from the data: %q", line)
		case strings.HasPrefix(line, "|"):
			n := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1))
			if cells != 0 && n != cells && !strings.HasPrefix(line, "|---") {
				t.Errorf("%d cells in %q, the table has %d", n, line, cells)
			}
			if cells == 0 {
				cells = n
			}
		default:
			cells = 0
		}
	}
	if !strings.Contains(out, `&lt;script&gt;alert("sig")&lt;/script&gt; \| &amp; 'x' \# heading`) {
		t.Errorf("the signature name is not escaped as expected:\n%s", out)
	}
	if !strings.Contains(out, "| /tmp/&lt;script&gt;alert(1)&lt;/script&gt; | 1 |") {
		t.Errorf("the executable is not escaped as expected:\n%s", out)
	}
}

// TestHostileText: names stay on their line, without control characters.
func TestHostileText(t *testing.T) {
	out := string(render(t, hostileReport(t), Text))
	if strings.ContainsAny(out, "\x1b\r\t") {
		t.Error("a control character in the text report")
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "# heading") || strings.HasPrefix(line, "line2") {
			t.Errorf("a name broke its line: %q", line)
		}
	}
}

// TestHostileJSON: JSON keeps every string exactly, with <, > and &
// escaped.
func TestHostileJSON(t *testing.T) {
	out := render(t, hostileReport(t), JSON)
	if strings.Contains(string(out), "<") {
		t.Error("a raw < in the JSON report")
	}
	var back Report
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if back.Host != evilHost || back.TopSignatures[0].Name != evilSig || back.TopAttackers[0].OS != evilOS ||
		back.Blocks.Recent[0].Reason != evilWhy || back.Collectors[0].LastError != evilErr ||
		back.Outbound.Programs[0].Name != evilExe {
		t.Errorf("strings changed on the way: %+v", back)
	}
}
