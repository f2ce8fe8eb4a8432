package report

import (
	"fmt"
	"time"
)

// Chart geometry, in SVG user units (the page scales the chart to its
// width).
const (
	chartWidth  = 960.0
	timeHeight  = 300.0
	rowHeight   = 26.0 // one bar of the ports chart
	tickLength  = 5.0
	maxXLabels  = 12 // time labels under a chart
	emptyHeight = 120.0
)

// chart is one inline SVG chart with every coordinate computed in Go: the
// template only writes numbers and (escaped) text where they go.
type chart struct {
	ID, Title, Desc string
	Width, Height   float64
	Grid            []gridLine // value lines, each with its label
	Axes            []gridLine // the x and y axis lines (no label)
	Ticks           []label    // category or time labels
	Bars            []bar
	Values          []label // numbers written beside bars
	XLabel, YLabel  label
	LegendTitle     string
	Legend          []legendItem
	Empty           *label // said in the plot when there is nothing to draw
	Table           table  // the same numbers, for those who cannot see the chart
}

// label is a text at (X, Y); Anchor is start, middle or end.
type label struct {
	X, Y      float64
	Text      string
	Anchor    string
	Transform string // "rotate(-90 X Y)" for the vertical axis title
}

type gridLine struct {
	X1, Y1, X2, Y2 float64
	Label          label
}

// bar is one rectangle; Class colours it, Tip is its tooltip.
type bar struct {
	X, Y, W, H float64
	Class, Tip string
}

// legendItem is a colour (Class) and what it means.
type legendItem struct {
	Class, Text string
}

// frame is a chart's plot area.
type frame struct {
	left, top, width, height float64
}

// timeFrame is the plot area of the charts over time.
func timeFrame() frame {
	const left, right, top, bottom = 64.0, 16.0, 16.0, 64.0
	return frame{left: left, top: top, width: chartWidth - left - right, height: timeHeight - top - bottom}
}

// valueGrid draws sc's horizontal lines across f, labelled on the left.
func valueGrid(f frame, sc scale) []gridLine {
	var out []gridLine
	for _, v := range sc.ticks() {
		y := r1(f.top + f.height*(1-sc.of(v)))
		out = append(out, gridLine{X1: f.left, Y1: y, X2: f.left + f.width, Y2: y,
			Label: label{X: f.left - tickLength - 3, Y: y + 4, Text: num(v), Anchor: "end"}})
	}
	return out
}

// axes are the lines along the bottom and the left of f.
func axes(f frame) []gridLine {
	bottom := f.top + f.height
	return []gridLine{{X1: f.left, Y1: bottom, X2: f.left + f.width, Y2: bottom},
		{X1: f.left, Y1: f.top, X2: f.left, Y2: bottom}}
}

// timeTicks labels the buckets starting at starts at their left edge,
// at most maxXLabels of them, on round times (labelStep): the time, with
// the date where the day changes, or the date alone for steps of days.
func timeTicks(f frame, starts []time.Time, hours int, loc *time.Location) []label {
	n := len(starts)
	if n == 0 {
		return nil
	}
	step := labelStep(n, hours)
	every := step / hours
	band := f.width / float64(n)
	var out []label
	lastDay := ""
	for i := firstRound(starts, step, every, loc); i < n; i += every {
		t := starts[i].In(loc)
		text, day := t.Format("15:04"), t.Format("Jan 2")
		if step >= 24 {
			text = day
		} else if day != lastDay {
			text = day + " " + text
		}
		lastDay = day
		out = append(out, label{X: r1(f.left + float64(i)*band), Y: f.top + f.height + 18, Text: text, Anchor: "middle"})
	}
	return out
}

// labelStep is the hours between time labels: the shortest round step,
// a multiple of the bucket width, that needs at most maxXLabels labels
// for n buckets of the given hours.
func labelStep(n, hours int) int {
	for _, s := range []int{1, 2, 3, 4, 6, 12, 24, 48, 72, 168, 336, 720, 1440, 2160, 4320, 8760} {
		if s%hours == 0 && (n*hours+s-1)/s <= maxXLabels {
			return s
		}
	}
	return n * hours
}

// firstRound is the first bucket on a round time for step (hours a
// multiple of step, or midnight for steps of days); 0 if none is.
func firstRound(starts []time.Time, step, every int, loc *time.Location) int {
	for i := 0; i < min(every, len(starts)); i++ {
		t := starts[i].In(loc)
		if step < 24 && t.Hour()%step == 0 || step >= 24 && t.Hour() == 0 {
			return i
		}
	}
	return 0
}

// axisTitles puts the x title under f and the y title along its left.
func axisTitles(f frame, x, y string, below float64) (label, label) {
	xl := label{X: r1(f.left + f.width/2), Y: r1(f.top + f.height + below), Text: x, Anchor: "middle"}
	yx, yy := 16.0, r1(f.top+f.height/2)
	yl := label{X: yx, Y: yy, Text: y, Anchor: "middle", Transform: fmt.Sprintf("rotate(-90 %g %g)", yx, yy)}
	return xl, yl
}

// emptyLabel is the message in the middle of f.
func emptyLabel(f frame, text string) *label {
	return &label{X: r1(f.left + f.width/2), Y: r1(f.top + f.height/2), Text: text, Anchor: "middle"}
}

// levelLegend explains the level colours.
func levelLegend() []legendItem {
	out := make([]legendItem, 0, len(Levels{})-1)
	for l := 1; l < len(Levels{}); l++ {
		out = append(out, legendItem{Class: levelClass(l), Text: fmt.Sprintf("level %d", l)})
	}
	return out
}

// levelClass is the CSS class that colours level l.
func levelClass(l int) string { return fmt.Sprintf("lv%d", min(max(l, 0), len(Levels{})-1)) }
