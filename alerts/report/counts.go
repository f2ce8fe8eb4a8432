package report

import (
	"cmp"
	"slices"
)

// SignatureCount is one signature of the top-signatures list.
type SignatureCount struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	Level     int    `json:"level"`     // the highest level it gave
	Attackers int    `json:"attackers"` // attackers that matched it
	Packets   int    `json:"packets"`   // their matching packets
}

// ScanClassCount is one scan class (syn, udp, sweep…) of the top list.
type ScanClassCount struct {
	Type      string `json:"type"`
	Attackers int    `json:"attackers"` // attackers with a scan of the class
	Packets   int    `json:"packets"`   // the packets of those scans
}

// topSignatures lists the n signatures most attackers matched (then
// packets, level, name, id).
func topSignatures(ts []*tally, n int) []SignatureCount {
	by := map[sigKey]*SignatureCount{}
	for _, t := range ts {
		for k, h := range t.sigs {
			c, ok := by[k]
			if !ok {
				c = &SignatureCount{ID: k.id, Name: k.name}
				by[k] = c
			}
			c.Attackers++
			c.Packets += h.Packets
			c.Level = max(c.Level, h.Level)
		}
	}
	out := make([]SignatureCount, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b SignatureCount) int {
		return cmp.Or(cmp.Compare(b.Attackers, a.Attackers), cmp.Compare(b.Packets, a.Packets),
			cmp.Compare(b.Level, a.Level), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out[:min(n, len(out))]
}

// topScanClasses lists the n scan classes most attackers used (then
// packets, name).
func topScanClasses(ts []*tally, n int) []ScanClassCount {
	by := map[string]*ScanClassCount{}
	for _, t := range ts {
		seen := map[string]bool{}
		for k, s := range t.scans {
			c, ok := by[k.typ]
			if !ok {
				c = &ScanClassCount{Type: k.typ}
				by[k.typ] = c
			}
			if !seen[k.typ] {
				seen[k.typ] = true
				c.Attackers++
			}
			c.Packets += s.Packets
		}
	}
	out := make([]ScanClassCount, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b ScanClassCount) int {
		return cmp.Or(cmp.Compare(b.Attackers, a.Attackers), cmp.Compare(b.Packets, a.Packets),
			cmp.Compare(a.Type, b.Type))
	})
	return out[:min(n, len(out))]
}
