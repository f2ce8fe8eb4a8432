package report

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/ifw/ifw/alerts"
)

// BlockSummary is what the blocking did over the period.
type BlockSummary struct {
	Made    int `json:"made"`    // blocks created in the period
	Active  int `json:"active"`  // blocks in force at the end of the period
	Expired int `json:"expired"` // blocks whose time ran out in the period
	Deleted int `json:"deleted"` // blocks removed by hand in the period
	Lost    int `json:"lost"`    // blocks the kernel refused or lost in the period
	// ByKind counts the blocks made by what made them (blockKind), most
	// first.
	ByKind []NamedCount `json:"by_kind"`
	// Recent are the newest blocks made, at most Options.Top of them.
	Recent []RecentBlock `json:"recent"`
}

// RecentBlock is one block made in the period.
type RecentBlock struct {
	Prefix     netip.Prefix `json:"prefix"`
	Source     string       `json:"source"`
	Reason     string       `json:"reason"`
	Level      int          `json:"level"`
	Created    time.Time    `json:"created"`
	Expires    time.Time    `json:"expires,omitzero"` // zero: never
	Removed    time.Time    `json:"removed,omitzero"` // zero: still active
	RemovedWhy string       `json:"removed_why,omitempty"`
}

// activeAt reports whether b is in force at t: made before, not removed
// and not run out by then.
func activeAt(b *alerts.Block, t time.Time) bool {
	return b.Created.Before(t) && (b.Removed.IsZero() || b.Removed.After(t)) &&
		(b.Expires.IsZero() || b.Expires.After(t))
}

// summarizeBlocks sums up blocks (every block the store has, ended ones
// too) over p.
func summarizeBlocks(blocks []alerts.Block, p Period, top int) *BlockSummary {
	s := &BlockSummary{Recent: []RecentBlock{}}
	kinds := map[string]int{}
	var made []*alerts.Block
	for i := range blocks {
		b := &blocks[i]
		if p.in(b.Created) {
			s.Made++
			kinds[blockKind(b)]++
			made = append(made, b)
		}
		if activeAt(b, p.To) {
			s.Active++
		}
		if p.in(b.Removed) {
			switch b.RemovedWhy {
			case alerts.RemovedExpired:
				s.Expired++
			case alerts.RemovedDeleted:
				s.Deleted++
			case alerts.RemovedKernel:
				s.Lost++
			}
		}
	}
	s.ByKind = ranked(kinds, len(kinds))
	s.Recent = recentBlocks(made, top)
	return s
}

// desktopReason starts the reason of a block made from a desktop bubble's
// Block button (cmd/ifw's desktop choices); such blocks are stored as
// manual ones.
const desktopReason = "desktop choice"

// blockKind is what made b, for grouping: automatic blocks by the danger
// level behind them, blocks made by hand, from a desktop bubble, or from
// a bulk list. A reason names one alert; the kind groups them.
func blockKind(b *alerts.Block) string {
	switch {
	case b.Source == alerts.BlockAuto:
		return fmt.Sprintf("automatic, danger level %d", b.Level)
	case b.Source == alerts.BlockBulk:
		return "bulk list"
	case b.Source == alerts.BlockManual && strings.HasPrefix(b.Reason, desktopReason):
		return "desktop bubble"
	case b.Source == alerts.BlockManual:
		return "by hand"
	}
	return "other: " + string(b.Source)
}

// recentBlocks are the newest n of made, newest first.
func recentBlocks(made []*alerts.Block, n int) []RecentBlock {
	slices.SortFunc(made, func(a, b *alerts.Block) int {
		return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(b.ID, a.ID))
	})
	out := make([]RecentBlock, 0, min(n, len(made)))
	for _, b := range made[:min(n, len(made))] {
		out = append(out, RecentBlock{
			Prefix: b.Prefix, Source: string(b.Source), Reason: b.Reason, Level: b.Level,
			Created: b.Created, Expires: b.Expires, Removed: b.Removed, RemovedWhy: string(b.RemovedWhy),
		})
	}
	return out
}

// blocksMade counts the blocks created in p.
func blocksMade(blocks []alerts.Block, p Period) int {
	n := 0
	for i := range blocks {
		if p.in(blocks[i].Created) {
			n++
		}
	}
	return n
}

// ranked lists counts most first (then by name), at most n of them.
func ranked(counts map[string]int, n int) []NamedCount {
	out := make([]NamedCount, 0, len(counts))
	for name, c := range counts {
		out = append(out, NamedCount{name, c})
	}
	slices.SortFunc(out, func(a, b NamedCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name))
	})
	return out[:min(n, len(out))]
}
