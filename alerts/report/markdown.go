package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/ifw/ifw/alerts"
)

// Markdown writes r as CommonMark with GitHub tables. Every text from the
// data is escaped: HTML characters as entities, Markdown punctuation with
// a backslash, so that a name can neither inject markup nor break a table.
func Markdown(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	title := "ifw report"
	if r.Host != "" {
		title += ": " + mdEscape(r.Host)
	}
	fmt.Fprintf(bw, "# %s\n\n", title)
	fmt.Fprintf(bw, "- Period: %s\n", mdEscape(periodText(r.Period)))
	fmt.Fprintf(bw, "- Generated: %s\n", mdEscape(when(r.Generated, r.Period.From.Location())))
	for _, t := range sections(r) {
		writeMarkdownTable(bw, t)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write markdown: %w", err)
	}
	return nil
}

func writeMarkdownTable(w io.Writer, t table) {
	fmt.Fprintf(w, "\n## %s\n\n", mdEscape(t.Title))
	if t.Note != "" {
		fmt.Fprintf(w, "%s\n\n", mdEscape(t.Note))
	}
	if len(t.Rows) == 0 {
		fmt.Fprintf(w, "%s\n", mdEscape(t.Empty))
		return
	}
	writeMarkdownRow(w, t.Head)
	rule := make([]string, len(t.Head))
	for i := range rule {
		rule[i] = "---"
		if i < len(t.Right) && t.Right[i] {
			rule[i] = "---:"
		}
	}
	fmt.Fprintf(w, "|%s|\n", strings.Join(rule, "|"))
	for _, row := range t.Rows {
		writeMarkdownRow(w, row)
	}
}

func writeMarkdownRow(w io.Writer, cells []string) {
	esc := make([]string, len(cells))
	for i, c := range cells {
		esc[i] = mdEscape(c)
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(esc, " | "))
}

// mdEscape makes s literal text on one line of Markdown: &, < and > as
// entities (no HTML passes), the characters that make emphasis, links,
// code, headings or table cells behind a backslash, control characters
// as spaces.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range alerts.OneLine(s) {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '#', '|', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
