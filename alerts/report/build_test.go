package report

import (
	"errors"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

// TestBuildPeriods reports on several periods of the fixed store: only
// the alerts and blocks of each period count, the previous period is as
// long and ends where it starts.
func TestBuildPeriods(t *testing.T) {
	s := fixtureStore(t)
	cases := []struct {
		name           string
		from, to       time.Time
		want, wantPrev Totals
		wantLevels     Levels
	}{
		{"day", at(0, 0), at(24, 0), Totals{9, 6, 2106, 3}, Totals{2, 2, 48, 1}, Levels{0, 2, 1, 1, 1, 1}},
		{"morning", at(0, 0), at(12, 0), Totals{6, 3, 2055, 1}, Totals{1, 1, 8, 0}, Levels{0, 1, 0, 1, 1, 0}},
		{"first alert only", at(0, 0), at(0, 1), Totals{1, 1, 20, 0}, Totals{}, Levels{0, 0, 1, 0, 0, 0}},
		{"the instant after the day", at(24, 0), at(25, 0), Totals{1, 1, 9999, 0}, Totals{1, 1, 30, 1}, Levels{0, 0, 0, 0, 0, 1}},
		{"nothing", at(100, 0), at(101, 0), Totals{}, Totals{}, Levels{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Build(t.Context(), s, Options{From: c.from, To: c.to, Compare: true})
			if err != nil {
				t.Fatal(err)
			}
			if r.Totals != c.want || r.AttackersByLevel != c.wantLevels {
				t.Errorf("totals %+v by level %v, want %+v %v", r.Totals, r.AttackersByLevel, c.want, c.wantLevels)
			}
			p := r.Previous
			if p == nil || p.Totals != c.wantPrev || p.Period != (Period{c.from.Add(c.from.Sub(c.to)), c.from}) {
				t.Fatalf("previous %+v, want totals %+v", p, c.wantPrev)
			}
			if p.Delta != c.want.minus(c.wantPrev) {
				t.Errorf("delta %+v", p.Delta)
			}
		})
	}
}

// TestComparison checks the previous period's numbers in full.
func TestComparison(t *testing.T) {
	r := fixtureReport(t)
	want := &Comparison{
		Period:           Period{at(-24, 0), at(0, 0)},
		Totals:           Totals{Alerts: 2, Attackers: 2, Packets: 48, Blocks: 1},
		AttackersByLevel: Levels{0, 1, 1, 0, 0, 0},
		Delta:            Totals{Alerts: 7, Attackers: 4, Packets: 2058, Blocks: 2},
	}
	if *r.Previous != *want {
		t.Errorf("previous %+v, want %+v", *r.Previous, *want)
	}
	r, err := Build(t.Context(), fixtureStore(t), Options{From: day, To: at(24, 0)})
	if err != nil || r.Previous != nil {
		t.Errorf("without Compare: previous %+v, %v", r.Previous, err)
	}
}

// TestEmptyPeriod: a store without anything gives zeros, empty lists (not
// null) and a bucket per hour.
func TestEmptyPeriod(t *testing.T) {
	r, err := Build(t.Context(), openStore(t), Options{From: day, To: at(24, 0), Compare: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Totals != (Totals{}) || r.AttackersByLevel != (Levels{}) || *r.Previous != (Comparison{Period: Period{at(-24, 0), day}}) {
		t.Errorf("totals %+v %v previous %+v", r.Totals, r.AttackersByLevel, r.Previous)
	}
	if r.TopAttackers == nil || r.TopPorts == nil || r.TopSignatures == nil || r.TopScanClasses == nil ||
		r.Collectors == nil || r.Blocks == nil || r.Blocks.Recent == nil || r.Blocks.ByKind == nil {
		t.Errorf("a nil list: %+v", r)
	}
	if len(r.Hourly) != 24 || len(r.LevelsOverTime) != 24 || r.BucketHours != 1 || !r.Hourly[23].Start.Equal(at(23, 0)) {
		t.Errorf("%d buckets of %dh", len(r.Hourly), r.BucketHours)
	}
	if r.Outbound != nil || r.Generated != at(24, 0) {
		t.Errorf("outbound %v generated %v", r.Outbound, r.Generated)
	}
}

// TestBuildErrors: bad options and a store that fails are errors, the
// store's wrapped.
func TestBuildErrors(t *testing.T) {
	closed := openStore(t)
	closed.Close()
	cases := []struct {
		name string
		src  Source
		opts Options
		want error
	}{
		{"no period", openStore(t), Options{}, ErrOptions},
		{"no end", openStore(t), Options{From: day}, ErrOptions},
		{"backwards", openStore(t), Options{From: day, To: day.Add(-time.Second)}, ErrOptions},
		{"empty", openStore(t), Options{From: day, To: day}, ErrOptions},
		{"top", openStore(t), Options{From: day, To: at(1, 0), Top: MaxTop + 1}, ErrOptions},
		{"negative top", openStore(t), Options{From: day, To: at(1, 0), Top: -1}, ErrOptions},
		{"closed store", closed, Options{From: day, To: at(1, 0)}, alerts.ErrClosed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Build(t.Context(), c.src, c.opts)
			if !errors.Is(err, c.want) || r != nil {
				t.Errorf("Build: %v, want %v", err, c.want)
			}
		})
	}
}

// TestTop bounds every top list.
func TestTop(t *testing.T) {
	opts := fixtureOptions()
	opts.Top = 2
	r, err := Build(t.Context(), fixtureStore(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.TopAttackers) != 2 || len(r.TopPorts) != 2 || len(r.TopScanClasses) != 2 || len(r.Blocks.Recent) != 2 {
		t.Errorf("top 2: %d attackers, %d ports, %d classes, %d blocks",
			len(r.TopAttackers), len(r.TopPorts), len(r.TopScanClasses), len(r.Blocks.Recent))
	}
	if r.TopAttackers[0].Src != addr("198.51.100.200") || r.TopAttackers[1].Src != addr("198.51.100.7") {
		t.Errorf("top attackers %v, %v", r.TopAttackers[0].Src, r.TopAttackers[1].Src)
	}
}

func TestSplit(t *testing.T) {
	for _, p := range []Period{{day, at(24, 0)}, {day, day.Add(3)}, {day, day.Add(time.Nanosecond)}} {
		parts := split(p, readSlices)
		if len(parts) != readSlices || parts[0].From != p.From || parts[len(parts)-1].To != p.To {
			t.Fatalf("split %v: %v", p, parts)
		}
		for i := 1; i < len(parts); i++ {
			if parts[i].From != parts[i-1].To || parts[i].To.Before(parts[i].From) {
				t.Errorf("split %v: %v", p, parts)
			}
		}
	}
}
