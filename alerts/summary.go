package alerts

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
)

// summaryScans is how many scans Summary describes before "and N more".
const summaryScans = 3

// The attacker picture in words, shared by the actions that write it for
// people (syslog, mail) or hand it to scripts.

// FirstDestination is the address of a's first (highest level)
// destination, or "".
func (a *Alert) FirstDestination() string {
	if len(a.Destinations) == 0 {
		return ""
	}
	return a.Destinations[0].String()
}

// Protocols lists the protocols of a's scans, first seen first, once each.
func (a *Alert) Protocols() []string {
	return uniq(a.Scans, func(s signatures.Scan) string { return s.Proto })
}

// ScanTypes lists the types of a's scans ("syn", "sweep"…), once each.
func (a *Alert) ScanTypes() []string {
	return uniq(a.Scans, func(s signatures.Scan) string { return s.Type })
}

// SignatureNames lists the names of the signatures a matched.
func (a *Alert) SignatureNames() []string {
	return uniq(a.Signatures, func(s signatures.SigHit) string { return s.Name })
}

// PortList is the destination ports a's scans of protocols with ports
// covered, merged and sorted: "22,80,1000-2000"; "" without any.
func (a *Alert) PortList() string {
	var rs [][2]int
	for _, s := range a.Scans {
		if p, ok := sources.ProtoByName(s.Proto); ok && sources.HasPortsProto(p) && s.DistinctPorts > 0 {
			rs = append(rs, [2]int{int(s.MinPort), int(s.MaxPort)})
		}
	}
	slices.SortFunc(rs, func(x, y [2]int) int { return cmp.Compare(x[0], y[0]) })
	var b strings.Builder
	for i := 0; i < len(rs); {
		lo, hi := rs[i][0], rs[i][1]
		for i++; i < len(rs) && rs[i][0] <= hi+1; i++ {
			hi = max(hi, rs[i][1])
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(portRange(lo, hi))
	}
	return b.String()
}

// Summary is a in one line: "danger level 4 from 198.51.100.7 (syn scan
// tcp/1-1024 to 203.0.113.5; signatures: SCAN FIN, …)". Control characters
// of the names are replaced by spaces.
func (a *Alert) Summary() string {
	var parts []string
	for i, s := range a.Scans {
		if i == summaryScans {
			parts[len(parts)-1] += fmt.Sprintf(" and %d more", len(a.Scans)-i)
			break
		}
		parts = append(parts, ScanText(s))
	}
	if names := a.SignatureNames(); len(names) > 0 {
		parts = append(parts, "signatures: "+strings.Join(names, ", "))
	}
	line := fmt.Sprintf("danger level %d from %s", a.Level, a.Src)
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, "; ") + ")"
	}
	return OneLine(line)
}

// ScanText describes one scan: "syn scan tcp/1-1024 to 203.0.113.5",
// "sweep tcp/22 to 40 hosts".
func ScanText(s signatures.Scan) string {
	what := s.Proto
	if s.DistinctPorts > 0 {
		what += "/" + portRange(int(s.MinPort), int(s.MaxPort))
	}
	if s.Type == signatures.ScanSweep {
		return fmt.Sprintf("sweep %s to %d hosts", what, s.Hosts)
	}
	if !s.Dst.IsValid() {
		return fmt.Sprintf("%s scan %s", s.Type, what)
	}
	return fmt.Sprintf("%s scan %s to %s", s.Type, what, s.Dst)
}

// OneLine replaces the control characters of s (newlines included) by
// spaces, so that s stays one line of a log or a mail header.
func OneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

func portRange(lo, hi int) string {
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return strconv.Itoa(lo) + "-" + strconv.Itoa(hi)
}

// uniq maps list through key and keeps the first of each non-empty value.
func uniq[T any](list []T, key func(T) string) []string {
	out := []string{}
	for _, v := range list {
		if k := key(v); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}
