package report

import (
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

func TestBucketHours(t *testing.T) {
	cases := []struct {
		span  time.Duration
		hours int
		n     int
	}{
		{time.Minute, 1, 1},
		{24 * time.Hour, 1, 24},
		{7 * 24 * time.Hour, 1, 168},
		{8 * 24 * time.Hour, 1, 192},
		{9 * 24 * time.Hour, 2, 108},
		{31 * 24 * time.Hour, 6, 124},
		{365 * 24 * time.Hour, 48, 183},
		{20 * 365 * 24 * time.Hour, 720, 244},
	}
	for _, c := range cases {
		p := Period{day, day.Add(c.span)}
		h := bucketHours(p)
		if h != c.hours || bucketCount(p, h) != c.n {
			t.Errorf("%v: %d buckets of %dh, want %d of %dh", c.span, bucketCount(p, h), h, c.n, c.hours)
		}
	}
}

// TestTimeline: alerts go to their bucket; an attacker counts once per
// bucket, at its highest level there; a period not on the hour starts
// its first bucket on the hour.
func TestTimeline(t *testing.T) {
	p := Period{at(0, 30), at(3, 30)}
	as := []alerts.Alert{
		alert("198.51.100.1", at(0, 40), 1, 1, nil),
		alert("198.51.100.1", at(0, 50), 3, 1, nil),
		alert("198.51.100.2", at(0, 59), 2, 1, nil),
		alert("198.51.100.1", at(2, 0), 4, 1, nil),
		alert("198.51.100.3", at(3, 29), 5, 1, nil),
	}
	hours, levels := timeline(as, p, 1)
	wantAlerts, wantMax := []int{3, 0, 1, 1}, []int{3, 0, 4, 5}
	wantLevels := []Levels{{0, 0, 1, 1, 0, 0}, {}, {0, 0, 0, 0, 1, 0}, {0, 0, 0, 0, 0, 1}}
	if len(hours) != 4 || len(levels) != 4 {
		t.Fatalf("%d, %d buckets", len(hours), len(levels))
	}
	for i := range hours {
		if !hours[i].Start.Equal(at(i, 0)) || hours[i].Alerts != wantAlerts[i] || hours[i].MaxLevel != wantMax[i] ||
			levels[i].Attackers != wantLevels[i] || !levels[i].Start.Equal(at(i, 0)) {
			t.Errorf("bucket %d: %+v %+v", i, hours[i], levels[i])
		}
	}
	if h, l := timeline(as, Period{}, 1); len(h) != 0 || len(l) != 0 || h == nil || l == nil {
		t.Errorf("no period: %v %v", h, l)
	}
}

// TestTimelineZone: buckets start in the period's own time zone.
func TestTimelineZone(t *testing.T) {
	loc := time.FixedZone("X", 5*3600+1800)
	p := Period{time.Date(2024, 3, 1, 0, 0, 0, 0, loc), time.Date(2024, 3, 2, 0, 0, 0, 0, loc)}
	hours, _ := timeline(nil, p, 1)
	if len(hours) != 24 || !hours[0].Start.Equal(p.From) || hours[23].Start.Hour() != 23 {
		t.Errorf("%d buckets from %v", len(hours), hours[0].Start)
	}
}
