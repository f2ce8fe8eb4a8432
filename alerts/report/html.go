package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sync"
)

// pageText is the HTML report's template: one self-contained page (inline
// CSS and SVG, no script, nothing fetched).
//
//go:embed page.html.tmpl
var pageText string

// page is the template, parsed on the first HTML report (not at start-up:
// every ifw command links this package); it is never changed after.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{"right": right}).Parse(pageText))
})

// right reports whether column i is one of numbers.
func right(flags []bool, i int) bool { return i < len(flags) && flags[i] }

// pageData is what the template shows: every number is formatted and
// every coordinate computed here; html/template escapes all text.
type pageData struct {
	Title, Period, Generated, Note string
	Cards                          []card
	Charts                         []chart
	Tables                         []table
}

// card is one of the totals at the top of the page.
type card struct {
	Label, Value, Change string
}

// HTML writes r as one self-contained HTML page: inline CSS, three inline
// SVG charts (alerts per hour, danger levels over time, top ports), each
// followed by a table of its numbers, then the report's other sections.
func HTML(w io.Writer, r *Report) error {
	if err := page().Execute(w, newPageData(r)); err != nil {
		return fmt.Errorf("report: write html: %w", err)
	}
	return nil
}

func newPageData(r *Report) pageData {
	title := "ifw report"
	if r.Host != "" {
		title += ": " + orDash(r.Host)
	}
	d := pageData{Title: title, Period: periodText(r.Period),
		Generated: when(r.Generated, r.Period.From.Location()), Charts: charts(r)}
	for _, t := range sections(r) {
		switch t.ID {
		case "totals":
			d.Cards, d.Note = cards(t), t.Note
		case "activity", "ports": // the charts' tables stand for them
		default:
			d.Tables = append(d.Tables, t)
		}
	}
	return d
}

// cards are the totals table's rows, with the change from the previous
// period when there is one.
func cards(t table) []card {
	out := make([]card, 0, len(t.Rows))
	for _, row := range t.Rows {
		c := card{Label: row[0], Value: row[1]}
		if len(row) == 4 {
			c.Change = fmt.Sprintf("previous period %s, change %s", row[2], row[3])
		}
		out = append(out, c)
	}
	return out
}
