package procs

import "golang.org/x/sys/unix"

// matchScore rates how well the socket m from a dump matches t, as the
// kernel's socket lookups rank candidates: -1 when t's packet cannot be
// m's; else higher for a connected socket (its peer is t.Dst), then for a
// socket bound to t.Src's address rather than a wildcard, then for an
// AF_INET socket over a dual-stack AF_INET6 one. A TCP socket must be
// connected to t.Dst.
func matchScore(t Tuple, m diagMsg) int {
	if m.ID.Src.Port() != t.Src.Port() {
		return -1
	}
	if m.Family == unix.AF_INET6 && m.V6Only && t.Src.Addr().Is4() {
		return -1
	}
	score := 0
	switch local := m.ID.Src.Addr().Unmap(); {
	case local == t.Src.Addr():
		score += 2
	case !local.IsUnspecified():
		return -1
	}
	switch remote := m.ID.Dst.Addr().Unmap(); {
	case remote == t.Dst.Addr() && m.ID.Dst.Port() == t.Dst.Port():
		score += 4
	case remote.IsUnspecified() && m.ID.Dst.Port() == 0 && t.Proto != ProtoTCP:
	default:
		return -1
	}
	if m.Family == unix.AF_INET {
		score++
	}
	return score
}
