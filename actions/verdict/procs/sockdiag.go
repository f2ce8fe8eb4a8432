package procs

import (
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// socketOf finds t's socket: an exact lookup in each family that may hold
// it; when none answers and t has no interface, a dump of the family's
// sockets on the local port, matched here the way the kernel would route
// t's packet. The dump finds what an exact lookup without the interface
// cannot: sockets bound to a device (SO_BINDTODEVICE). It costs the
// kernel a walk of the whole socket hash table (about 0.5 ms for TCP on
// a host with a large one), so only misses without Iface pay it.
func (f *Finder) socketOf(t Tuple, quick bool) (diagMsg, error) {
	c := f.pool.get()
	defer f.pool.put(c)
	fams, n := t.families()
	for _, fam := range fams[:n] {
		m, err := exactLookup(c, fam, t)
		if !errors.Is(err, ErrNoSocket) {
			return m, err
		}
	}
	if t.Iface != 0 {
		return diagMsg{}, ErrNoSocket
	}
	if quick {
		return diagMsg{}, ErrSlow // a dump walks the kernel's whole socket table
	}
	f.stats.dumps.Add(1)
	for _, fam := range fams[:n] {
		m, err := dumpLookup(c, fam, t)
		if !errors.Is(err, ErrNoSocket) {
			return m, err
		}
	}
	return diagMsg{}, ErrNoSocket
}

// exactLookup asks the kernel for the one socket of family fam that t's
// packets belong to (a request without NLM_F_DUMP).
func exactLookup(c *diagConn, fam uint8, t Tuple) (diagMsg, error) {
	m, err := c.exact(fam, t.Proto, exactID(fam, t))
	if err != nil {
		return diagMsg{}, diagError("lookup", fam, t, err)
	}
	return m, nil
}

// exactID is the socket identity of an exact lookup. TCP takes the local
// end as src. UDP swaps them: udp_dump_one passes idiag_src and
// idiag_sport as the remote end to the lookup an incoming packet makes
// ("src and dst are swapped for historical reasons", net/ipv4/udp_diag.c),
// which also finds unconnected and wildcard-bound sockets. idiag_if is
// the device of that lookup: a socket bound to a device matches only it,
// an unbound one any.
func exactID(fam uint8, t Tuple) sockID {
	local := netip.AddrPortFrom(inFamily(t.Src.Addr(), fam), t.Src.Port())
	remote := netip.AddrPortFrom(inFamily(t.Dst.Addr(), fam), t.Dst.Port())
	id := sockID{Src: local, Dst: remote, If: t.Iface, Cookie: noCookie}
	if t.Proto != ProtoTCP {
		id.Src, id.Dst = remote, local
	}
	return id
}

// dumpLookup lists the sockets of family fam bound to t's local port (the
// kernel filters on idiag_sport) and returns the one t's packet is from.
func dumpLookup(c *diagConn, fam uint8, t Tuple) (diagMsg, error) {
	id := sockID{Src: netip.AddrPortFrom(netip.Addr{}, t.Src.Port())}
	best, bestScore := diagMsg{}, -1
	err := c.dump(fam, t.Proto, id, func(b []byte) error {
		m, err := parseDiag(b)
		if err != nil {
			return err
		}
		if s := matchScore(t, m); s > bestScore {
			best, bestScore = m, s
		}
		return nil
	})
	if err != nil {
		return diagMsg{}, diagError("dump", fam, t, err)
	}
	if bestScore < 0 {
		return diagMsg{}, ErrNoSocket
	}
	return best, nil
}

// diagError turns ENOENT into ErrNoSocket and wraps the rest.
func diagError(op string, fam uint8, t Tuple, err error) error {
	if errors.Is(err, unix.ENOENT) {
		return ErrNoSocket
	}
	return fmt.Errorf("procs: sock_diag %s (family %d) of %s: %w", op, fam, t, err)
}
