package block

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// Entry is one entry of a block set.
type Entry struct {
	Prefix netip.Prefix
	// Remaining is the time the kernel keeps the entry, in whole seconds
	// (at least 1s while it lasts); 0 means permanent.
	Remaining time.Duration
}

// Canonical returns p as the sets hold it: an IPv4-mapped IPv6 prefix as
// IPv4, host bits cleared. A prefix that cannot be blocked (invalid, /0:
// hash:net has no room for it) is ErrPrefix.
func Canonical(p netip.Prefix) (netip.Prefix, error) {
	if !p.IsValid() {
		return netip.Prefix{}, fmt.Errorf("%w: %v", ErrPrefix, p)
	}
	if a := p.Addr(); a.Is4In6() {
		if p.Bits() < 96 {
			return netip.Prefix{}, fmt.Errorf("%w: %v is wider than the IPv4-mapped range", ErrPrefix, p)
		}
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	if p.Bits() == 0 {
		return netip.Prefix{}, fmt.Errorf("%w: %v blocks everything", ErrPrefix, p)
	}
	return p.Masked(), nil
}

// blockSet is the block set for p's family.
func (s *Sets) blockSet(p netip.Prefix) string {
	if p.Addr().Is4() {
		return s.cfg.Block4
	}
	return s.cfg.Block6
}

// Add puts p into its block set for ttl (0: permanent), or resets the
// timeout of the entry already there. ttl is rounded up to whole seconds
// and may not exceed MaxTimeout.
func (s *Sets) Add(p netip.Prefix, ttl time.Duration) error {
	p, err := Canonical(p)
	if err != nil {
		return err
	}
	if ttl < 0 || ttl > MaxTimeout {
		return fmt.Errorf("block: timeout %s is not 0-%s", ttl, MaxTimeout)
	}
	secs := uint32((ttl + time.Second - 1) / time.Second)
	set := s.blockSet(p)
	return kernelErr("add", set, p, lib(func() error { return s.h.IpsetAdd(set, netEntry(p, &secs, true)) }))
}

// Del removes p from its block set; ErrNotInSet when it was not there.
func (s *Sets) Del(p netip.Prefix) error {
	p, err := Canonical(p)
	if err != nil {
		return err
	}
	set := s.blockSet(p)
	return kernelErr("del", set, p, lib(func() error { return s.h.IpsetDel(set, netEntry(p, nil, false)) }))
}

// Test reports whether p's block set holds exactly p (an entry that timed
// out is not held, even before the kernel's garbage collection).
func (s *Sets) Test(p netip.Prefix) (bool, error) {
	p, err := Canonical(p)
	if err != nil {
		return false, err
	}
	set := s.blockSet(p)
	var in bool
	err = lib(func() (err error) { in, err = s.h.IpsetTest(set, netEntry(p, nil, false)); return err })
	return in, kernelErr("test", set, p, err)
}

// List returns the entries of both block sets.
func (s *Sets) List() ([]Entry, error) {
	out := []Entry{}
	for _, set := range []string{s.cfg.Block4, s.cfg.Block6} {
		var err error
		if out, err = s.dump(set, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dump appends the entries of set to out.
func (s *Sets) dump(set string, out []Entry) ([]Entry, error) {
	req := s.request(nl.IPSET_CMD_LIST, nl.GetIpsetFlags(nl.IPSET_CMD_LIST))
	req.AddData(nl.NewRtAttr(nl.IPSET_ATTR_SETNAME, nl.ZeroTerminated(set)))
	var perr error
	err := req.ExecuteIter(unix.NETLINK_NETFILTER, 0, func(msg []byte) bool {
		if len(msg) > nl.SizeofNfgenmsg && perr == nil {
			out, perr = parseEntries(msg[nl.SizeofNfgenmsg:], out)
		}
		return true
	})
	if err == nil && perr != nil {
		err = fmt.Errorf("unreadable answer: %w", perr)
	}
	return out, kernelErr("list", set, netip.Prefix{}, err)
}

// netEntry is p as the library's entry. With exist (ipset's -exist), an
// add of an entry already there updates its timeout instead of failing,
// and a del of a missing entry succeeds.
func netEntry(p netip.Prefix, timeout *uint32, exist bool) *netlink.IPSetEntry {
	return &netlink.IPSetEntry{IP: p.Addr().AsSlice(), CIDR: uint8(p.Bits()), Timeout: timeout, Replace: exist}
}

// lib calls fn, a call into the netlink Handle, and turns a panic of the
// library into an error: its ipset calls assert that every failure is a
// syscall.Errno, which a socket-level failure (a reply from the wrong
// sender, a short message) is not.
func lib(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("netlink library: %v", r)
		}
	}()
	return fn()
}

func secondsToDuration(s uint32) time.Duration { return time.Duration(s) * time.Second }
