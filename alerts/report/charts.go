package report

import (
	"fmt"
	"time"
)

// charts are the HTML report's three charts.
func charts(r *Report) []chart {
	loc := r.Period.From.Location()
	return []chart{alertsChart(r, loc), levelsChart(r, loc), portsChart(r)}
}

// starts are the buckets' start times.
func starts(r *Report) []time.Time {
	out := make([]time.Time, len(r.Hourly))
	for i, b := range r.Hourly {
		out[i] = b.Start
	}
	return out
}

// alertsChart: alerts per bucket as bars coloured by their highest level.
func alertsChart(r *Report, loc *time.Location) chart {
	f := timeFrame()
	per := hoursText(r.BucketHours)
	c := chart{ID: "chart-alerts", Title: "Alerts per " + per, Width: chartWidth, Height: timeHeight,
		Desc: fmt.Sprintf("Bar chart: %s over %s of one %s; colour: highest danger level.",
			plural(r.Totals.Alerts, "alert"), plural(len(r.Hourly), "bucket"), per),
		LegendTitle: "Bar colour: highest danger level", Legend: levelLegend(), Axes: axes(f),
		Table: table{Title: "Alerts per " + per, Head: []string{"Start", "Alerts", "Highest level"}, Right: []bool{false, true, true}}}
	c.XLabel, c.YLabel = axisTitles(f, "Time ("+zone(r.Period.From)+")", "Alerts", 48)
	most := 0
	for _, b := range r.Hourly {
		most = max(most, b.Alerts)
	}
	sc := niceScale(most)
	c.Grid, c.Ticks = valueGrid(f, sc), timeTicks(f, starts(r), r.BucketHours, loc)
	band := f.width / float64(max(1, len(r.Hourly)))
	for i, b := range r.Hourly {
		c.Table.Rows = append(c.Table.Rows, []string{stamp(b.Start, loc), num(b.Alerts), num(b.MaxLevel)})
		if b.Alerts == 0 {
			continue
		}
		h := f.height * sc.of(b.Alerts)
		c.Bars = append(c.Bars, bar{X: r1(f.left + float64(i)*band + band*0.1), Y: r1(f.top + f.height - h),
			W: r1(max(band*0.8, 1)), H: r1(h), Class: levelClass(b.MaxLevel),
			Tip: fmt.Sprintf("%s: %s, highest level %d", stamp(b.Start, loc), plural(b.Alerts, "alert"), b.MaxLevel)})
	}
	if most == 0 {
		c.Empty = emptyLabel(f, "No alert in the period.")
	}
	return c
}

// levelsChart: the attackers of each bucket stacked by their level there,
// level 1 at the bottom.
func levelsChart(r *Report, loc *time.Location) chart {
	f := timeFrame()
	per := hoursText(r.BucketHours)
	c := chart{ID: "chart-levels", Title: "Danger levels over time", Width: chartWidth, Height: timeHeight,
		Desc:        fmt.Sprintf("Stacked bar chart: attackers active in each %s, by their highest danger level in it.", per),
		LegendTitle: "Danger level", Legend: levelLegend(), Axes: axes(f),
		Table: table{Title: "Attackers per " + per + " by danger level",
			Head:  []string{"Start", "Level 1", "Level 2", "Level 3", "Level 4", "Level 5", "Attackers"},
			Right: []bool{false, true, true, true, true, true, true}}}
	c.XLabel, c.YLabel = axisTitles(f, "Time ("+zone(r.Period.From)+")", "Attackers", 48)
	most := 0
	for _, b := range r.LevelsOverTime {
		most = max(most, sum(b.Attackers))
	}
	sc := niceScale(most)
	c.Grid, c.Ticks = valueGrid(f, sc), timeTicks(f, starts(r), r.BucketHours, loc)
	band := f.width / float64(max(1, len(r.LevelsOverTime)))
	for i, b := range r.LevelsOverTime {
		l := b.Attackers
		c.Table.Rows = append(c.Table.Rows, []string{stamp(b.Start, loc), num(l[1]), num(l[2]), num(l[3]),
			num(l[4]), num(l[5]), num(sum(l))})
		c.Bars = append(c.Bars, stack(f, sc, b, band, i, loc)...)
	}
	if most == 0 {
		c.Empty = emptyLabel(f, "No attacker in the period.")
	}
	return c
}

// stack is one bucket's bars, level 0 (if any) at the bottom.
func stack(f frame, sc scale, b LevelBucket, band float64, i int, loc *time.Location) []bar {
	var out []bar
	below := 0
	for level, n := range b.Attackers {
		if n == 0 {
			continue
		}
		y0, y1 := f.height*sc.of(below), f.height*sc.of(below+n)
		out = append(out, bar{X: r1(f.left + float64(i)*band + band*0.1), Y: r1(f.top + f.height - y1),
			W: r1(max(band*0.8, 1)), H: r1(y1 - y0), Class: levelClass(level),
			Tip: fmt.Sprintf("%s: %s at level %d", stamp(b.Start, loc), plural(n, "attacker"), level)})
		below += n
	}
	return out
}

// portsChart: the top ports as horizontal bars, most packets on top.
func portsChart(r *Report) chart {
	const left, right, top, bottom = 120.0, 72.0, 12.0, 52.0
	n := len(r.TopPorts)
	f := frame{left: left, top: top, width: chartWidth - left - right, height: max(float64(n)*rowHeight, emptyHeight-top-bottom)}
	pt := portsTable(r)
	c := chart{ID: "chart-ports", Title: "Top ports", Width: chartWidth, Height: f.top + f.height + bottom,
		Desc:  fmt.Sprintf("Horizontal bar chart: the %d destination ports with the most packets (estimated).", n),
		Axes:  axes(f),
		Table: table{Title: "Top ports", Head: pt.Head, Right: pt.Right, Rows: pt.Rows, Note: pt.Note}}
	c.XLabel, c.YLabel = axisTitles(f, "Packets (estimated)", "Destination port", 44)
	most := 0
	for _, p := range r.TopPorts {
		most = max(most, p.Packets)
	}
	sc := niceScale(most)
	for _, v := range sc.ticks() {
		x := r1(f.left + f.width*sc.of(v))
		c.Grid = append(c.Grid, gridLine{X1: x, Y1: f.top, X2: x, Y2: f.top + f.height,
			Label: label{X: x, Y: f.top + f.height + 18, Text: num(v), Anchor: "middle"}})
	}
	for i, p := range r.TopPorts {
		y, w := f.top+float64(i)*rowHeight, f.width*sc.of(p.Packets)
		name := fmt.Sprintf("%s/%d", p.Proto, p.Port)
		c.Ticks = append(c.Ticks, label{X: f.left - 8, Y: r1(y + rowHeight/2 + 4), Text: name, Anchor: "end"})
		c.Bars = append(c.Bars, bar{X: f.left, Y: r1(y + 4), W: r1(max(w, 1)), H: rowHeight - 8, Class: "port",
			Tip: fmt.Sprintf("%s: %s (est.), %s", name, plural(p.Packets, "packet"), plural(p.Attackers, "attacker"))})
		c.Values = append(c.Values, label{X: r1(f.left + w + 6), Y: r1(y + rowHeight/2 + 4), Text: num(p.Packets), Anchor: "start"})
	}
	if n == 0 {
		c.Empty = emptyLabel(f, "No port scanned in the period.")
	}
	return c
}

// sum adds up the counts of every level.
func sum(l Levels) int {
	n := 0
	for _, v := range l {
		n += v
	}
	return n
}
