package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Text writes r as plain text for a terminal or a mail: one aligned table
// per section. Control characters of names become spaces.
func Text(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	title := "ifw report"
	if r.Host != "" {
		title += ": " + orDash(r.Host)
	}
	fmt.Fprintf(bw, "%s\n%s\n", title, strings.Repeat("=", utf8.RuneCountInString(title)))
	fmt.Fprintf(bw, "Period:    %s\n", periodText(r.Period))
	fmt.Fprintf(bw, "Generated: %s\n", when(r.Generated, r.Period.From.Location()))
	for _, t := range sections(r) {
		writeTextTable(bw, t)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: write text: %w", err)
	}
	return nil
}

// writeTextTable writes a title, its note and the rows in columns two
// spaces apart.
func writeTextTable(w io.Writer, t table) {
	fmt.Fprintf(w, "\n%s\n%s\n", t.Title, strings.Repeat("-", utf8.RuneCountInString(t.Title)))
	if t.Note != "" {
		fmt.Fprintln(w, t.Note)
	}
	if len(t.Rows) == 0 {
		fmt.Fprintln(w, t.Empty)
		return
	}
	widths := columnWidths(t)
	writeTextRow(w, t.Head, widths, t.Right)
	for _, row := range t.Rows {
		writeTextRow(w, row, widths, t.Right)
	}
}

// columnWidths is the widest cell of each column, in runes.
func columnWidths(t table) []int {
	widths := make([]int, len(t.Head))
	for _, row := range append([][]string{t.Head}, t.Rows...) {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	return widths
}

func writeTextRow(w io.Writer, cells []string, widths []int, right []bool) {
	var b strings.Builder
	for i, c := range cells {
		pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
		if i > 0 {
			b.WriteString("  ")
		}
		if i < len(right) && right[i] {
			b.WriteString(pad + c)
		} else {
			b.WriteString(c + pad)
		}
	}
	fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
}
