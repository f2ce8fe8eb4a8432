package report

import (
	"reflect"
	"testing"
	"time"
)

func TestNiceScale(t *testing.T) {
	cases := []struct {
		max, top, step int
	}{
		{0, 1, 1}, {1, 1, 1}, {3, 3, 1}, {5, 5, 1}, {7, 8, 2}, {10, 10, 2}, {11, 15, 5},
		{317, 400, 100}, {1600, 2000, 500}, {99999, 100000, 20000},
	}
	for _, c := range cases {
		s := niceScale(c.max)
		if s.top != c.top || s.step != c.step {
			t.Errorf("niceScale(%d) = %+v, want top %d step %d", c.max, s, c.top, c.step)
		}
		if ticks := s.ticks(); ticks[0] != 0 || ticks[len(ticks)-1] != s.top || len(ticks) > 7 {
			t.Errorf("niceScale(%d) ticks %v", c.max, ticks)
		}
	}
	if got := niceScale(7).ticks(); !reflect.DeepEqual(got, []int{0, 2, 4, 6, 8}) {
		t.Errorf("ticks %v", got)
	}
}

func TestSpanText(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{0, "0m"}, {90 * time.Minute, "1h 30m"}, {time.Hour, "1h"}, {24 * time.Hour, "24h"},
		{47 * time.Hour, "47h"}, {7 * 24 * time.Hour, "7d"}, {3*24*time.Hour + 6*time.Hour, "3d 6h"},
		{59 * time.Second, "1m"},
	}
	for _, c := range cases {
		if got := spanText(c.d); got != c.want {
			t.Errorf("spanText(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestDelta(t *testing.T) {
	cases := []struct {
		cur, prev int
		want      string
	}{
		{5, 5, "0"}, {0, 0, "0"}, {3, 0, "+3 (new)"}, {8, 2, "+6 (+300%)"}, {1, 2, "-1 (-50%)"}, {0, 4, "-4 (-100%)"},
	}
	for _, c := range cases {
		if got := delta(c.cur, c.prev); got != c.want {
			t.Errorf("delta(%d, %d) = %q, want %q", c.cur, c.prev, got, c.want)
		}
	}
}

func TestZone(t *testing.T) {
	cases := []struct {
		loc  *time.Location
		want string
	}{
		{time.UTC, "UTC"}, {time.FixedZone("CET", 3600), "CET"}, {time.FixedZone("", 5*3600+1800), "UTC+05:30"},
	}
	for _, c := range cases {
		if got := zone(day.In(c.loc)); got != c.want {
			t.Errorf("zone(%v) = %q, want %q", c.loc, got, c.want)
		}
	}
}

// TestTimeTicks: labels on round times, at most maxXLabels of them.
func TestTimeTicks(t *testing.T) {
	cases := []struct {
		name  string
		from  time.Time
		n, h  int
		first string
		count int
	}{
		{"a day of hours", day, 24, 1, "Mar 1 00:00", 12},
		{"a day from 13:00", at(13, 0), 24, 1, "Mar 1 14:00", 12},
		{"a week of hours", day, 168, 1, "Mar 1", 7},
		{"a month of 6 hours", day, 124, 6, "Mar 1", 11},
		{"two hours", day, 2, 1, "Mar 1 00:00", 2},
	}
	for _, c := range cases {
		starts := make([]time.Time, c.n)
		for i := range starts {
			starts[i] = c.from.Add(time.Duration(i*c.h) * time.Hour)
		}
		got := timeTicks(timeFrame(), starts, c.h, time.UTC)
		if len(got) != c.count || got[0].Text != c.first || len(got) > maxXLabels {
			t.Errorf("%s: %d labels from %q, want %d from %q", c.name, len(got), got[0].Text, c.count, c.first)
		}
	}
}
