package report

import (
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/ifw/ifw/alerts"
)

// TestSummarizeBlocks: which blocks count as made, in force, expired,
// deleted or lost over the day.
func TestSummarizeBlocks(t *testing.T) {
	p := Period{at(0, 0), at(24, 0)}
	block := func(created, expires, removed time.Time, why alerts.RemovedWhy) alerts.Block {
		return alerts.Block{Prefix: netip.MustParsePrefix("198.51.100.1/32"), Source: alerts.BlockAuto, Reason: "r",
			Created: created, Expires: expires, Removed: removed, RemovedWhy: why}
	}
	never := time.Time{}
	type counts struct{ Made, Active, Expired, Deleted, Lost int }
	cases := []struct {
		name string
		b    alerts.Block
		want counts
	}{
		{"made, in force", block(at(1, 0), at(30, 0), never, ""), counts{Made: 1, Active: 1}},
		{"made, permanent", block(at(1, 0), never, never, ""), counts{Made: 1, Active: 1}},
		{"made, expired", block(at(1, 0), at(2, 0), at(2, 0), alerts.RemovedExpired), counts{Made: 1, Expired: 1}},
		{"made before, deleted", block(at(-9, 0), never, at(3, 0), alerts.RemovedDeleted), counts{Deleted: 1}},
		{"made before, lost", block(at(-9, 0), never, at(3, 0), alerts.RemovedKernel), counts{Lost: 1}},
		{"made before, in force", block(at(-9, 0), never, never, ""), counts{Active: 1}},
		{"run out, not yet removed", block(at(1, 0), at(5, 0), never, ""), counts{Made: 1}},
		{"removed after the period", block(at(1, 0), never, at(30, 0), alerts.RemovedDeleted), counts{Made: 1, Active: 1}},
		{"made at the end", block(at(24, 0), never, never, ""), counts{}},
		{"ended before", block(at(-9, 0), at(-8, 0), at(-8, 0), alerts.RemovedExpired), counts{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := summarizeBlocks([]alerts.Block{c.b}, p, 10)
			n := counts{Made: got.Made, Active: got.Active, Expired: got.Expired, Deleted: got.Deleted, Lost: got.Lost}
			if n != c.want {
				t.Errorf("got %+v, want %+v", n, c.want)
			}
			if len(got.Recent) != c.want.Made || len(got.ByKind) != c.want.Made {
				t.Errorf("recent %v by kind %v", got.Recent, got.ByKind)
			}
		})
	}
}

// TestBlockLists: by kind most first, recent newest first.
func TestBlockLists(t *testing.T) {
	r := fixtureReport(t)
	b := r.Blocks
	if want := []NamedCount{{"automatic, danger level 4", 1}, {"automatic, danger level 5", 1}, {"by hand", 1}}; !reflect.DeepEqual(b.ByKind, want) {
		t.Errorf("by kind %v", b.ByKind)
	}
	var got []string
	for _, rb := range b.Recent {
		got = append(got, rb.Prefix.String())
	}
	if want := []string{"198.51.100.23/32", "198.51.100.200/32", "198.51.100.7/32"}; !reflect.DeepEqual(got, want) {
		t.Errorf("recent %v", got)
	}
	if b.Made != 3 || b.Active != 2 || b.Expired != 1 || b.Deleted != 1 || b.Lost != 1 {
		t.Errorf("counts %+v", b)
	}
}

// TestBlocksByKind: blocks made are grouped by what made them (automatic
// by danger level, by hand, from a desktop bubble, from a bulk list), not
// one row per alert their reason names.
func TestBlocksByKind(t *testing.T) {
	p := Period{at(0, 0), at(24, 0)}
	pfx := netip.MustParsePrefix
	mk := func(prefix, reason string, src alerts.BlockSource, level int) alerts.Block {
		return alerts.Block{Prefix: pfx(prefix), Reason: reason, Source: src, Level: level, Created: at(1, 0)}
	}
	blocks := []alerts.Block{
		mk("198.51.100.1/32", "alert 14: danger level 3 (level)", alerts.BlockAuto, 3),
		mk("198.51.100.2/32", "alert 15: danger level 3 (level,scan)", alerts.BlockAuto, 3),
		mk("198.51.100.3/32", "alert 16: danger level 4 (level)", alerts.BlockAuto, 4),
		mk("198.51.100.4/32", "manual block", alerts.BlockManual, 0),
		mk("198.51.100.5/32", "brute force from the VPN", alerts.BlockManual, 0),
		mk("198.51.100.6/32", "desktop choice of uid 1000 on alert 17", alerts.BlockManual, 3),
		mk("192.0.2.0/24", "drop list", alerts.BlockBulk, 0),
	}
	got := summarizeBlocks(blocks, p, 10).ByKind
	want := []NamedCount{{"automatic, danger level 3", 2}, {"by hand", 2}, {"automatic, danger level 4", 1},
		{"bulk list", 1}, {"desktop bubble", 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("by kind %v, want %v", got, want)
	}
}
