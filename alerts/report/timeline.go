package report

import (
	"net/netip"
	"time"

	"github.com/ifw/ifw/alerts"
)

// maxBuckets bounds a timeline: wider buckets beyond it (a chart of more
// bars than this is unreadable at a page's width).
const maxBuckets = 192

// HourBucket is the alerts of one bucket of the period.
type HourBucket struct {
	Start    time.Time `json:"start"`
	Alerts   int       `json:"alerts"`
	MaxLevel int       `json:"max_level"` // the highest alert level (0: no alert)
}

// LevelBucket counts the attackers active in one bucket by their highest
// alert level in it.
type LevelBucket struct {
	Start     time.Time `json:"start"`
	Attackers Levels    `json:"attackers"`
}

// bucketHours is the narrowest width that covers p in maxBuckets buckets.
// The widths are 1, 2, 3, 6, 12 hours, 1 and 2 days, 1, 2 weeks and 30
// days.
func bucketHours(p Period) int {
	widths := [...]int{1, 2, 3, 6, 12, 24, 48, 168, 336, 720}
	for _, h := range widths {
		if bucketCount(p, h) <= maxBuckets {
			return h
		}
	}
	return widths[len(widths)-1]
}

// bucketStart is where p's first bucket of h hours starts: p.From's day
// at midnight, or its hour rounded down to a multiple of h, on the clock
// of p.From's time zone.
func bucketStart(p Period, h int) time.Time {
	y, m, d := p.From.Date()
	hour := 0
	if h < 24 {
		hour = p.From.Hour() - p.From.Hour()%h
	}
	return time.Date(y, m, d, hour, 0, 0, 0, p.From.Location())
}

// bucketCount is how many buckets of h hours cover p (at least one).
func bucketCount(p Period, h int) int {
	w := time.Duration(h) * time.Hour
	span := p.To.Sub(bucketStart(p, h))
	return max(1, int((span+w-1)/w))
}

// timeline puts the alerts in buckets of h hours over p. Alerts outside p
// go to the nearest bucket (a log's period ends at its last packet).
// A period without a start (a log without attackers) has no bucket.
func timeline(as []alerts.Alert, p Period, h int) ([]HourBucket, []LevelBucket) {
	if p.From.IsZero() {
		return []HourBucket{}, []LevelBucket{}
	}
	n := bucketCount(p, h)
	start := bucketStart(p, h)
	w := time.Duration(h) * time.Hour
	hours := make([]HourBucket, n)
	levels := make([]LevelBucket, n)
	for i := range n {
		at := start.Add(time.Duration(i) * w)
		hours[i].Start, levels[i].Start = at, at
	}
	type key struct {
		bucket int
		src    netip.Addr
	}
	highest := map[key]int{}
	for i := range as {
		a := &as[i]
		b := min(max(int(a.Time.Sub(start)/w), 0), n-1)
		hours[b].Alerts++
		hours[b].MaxLevel = max(hours[b].MaxLevel, a.Level)
		k := key{b, a.Src}
		if l, ok := highest[k]; !ok || a.Level > l {
			highest[k] = a.Level
		}
	}
	for k, l := range highest {
		levels[k.bucket].Attackers[min(max(l, 0), len(Levels{})-1)]++
	}
	return hours, levels
}
