package dnsnames

import "strings"

// MaxName is the longest normalised name.
const MaxName = 253

// Normalize returns name lowercase and without the trailing dot when it is
// a host name — labels of 1-63 letters, digits, '-' and '_', at most 253
// bytes — and "" otherwise (the root, empty labels, any other byte: a dot
// inside a label read from the wire included).
func Normalize(name string) string {
	name = strings.TrimSuffix(name, ".")
	if name == "" || len(name) > MaxName {
		return ""
	}
	label := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '.':
			if label == 0 {
				return ""
			}
			label = 0
			continue
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		case 'A' <= c && c <= 'Z':
		default:
			return ""
		}
		if label++; label > 63 {
			return ""
		}
	}
	if label == 0 {
		return ""
	}
	return strings.ToLower(name)
}
