package logline

import (
	"bytes"
	"unicode/utf8"
)

// maxNames bounds the intern table: log prefixes, host and interface names
// repeat across lines, so each distinct one is allocated once. Past the bound
// new names are still returned correctly, one allocation each.
const maxNames = 4096

// names interns the short strings a line carries, with a one-entry cache per
// slot in front of the table since consecutive lines usually repeat them.
type names struct {
	table map[string]string
	last  [nameSlots]string
}

// Slots for the one-entry caches.
const (
	slotHost = iota
	slotPrefix
	slotIn
	slotOut
	slotPhys
	nameSlots
)

func newNames() names {
	return names{table: make(map[string]string, 64)}
}

// get returns b as an interned string, or false when it is not UTF-8 or
// holds a NUL byte.
func (n *names) get(slot int, b []byte) (string, bool) {
	if len(b) == 0 {
		return "", true
	}
	if string(b) == n.last[slot] {
		return n.last[slot], true
	}
	s, ok := n.table[string(b)]
	if !ok {
		if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
			return "", false
		}
		s = string(b)
		if len(n.table) < maxNames {
			n.table[s] = s
		}
	}
	n.last[slot] = s
	return s, true
}
