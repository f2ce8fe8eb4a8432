package block

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"net/netip"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

const (
	// tempSuffix names the set a bulk load fills before swapping it in.
	tempSuffix = "-new"
	// maxBatch bounds the entries of one batch message: a netlink
	// attribute's length is 16 bits, and an IPv6 entry takes 36 bytes.
	maxBatchBytes = 60000
)

// ReplaceBulk makes v4 and v6 the whole content of the bulk sets, at
// once: both lists are loaded into temporary sets first, then swapped in
// (the old content leaves with the temporary sets, destroyed), so the
// firewall never sees a half-loaded list; on error nothing changes. The
// prefixes must be canonical (Canonical) and of the right family;
// duplicates are harmless.
func (s *Sets) ReplaceBulk(ctx context.Context, v4, v6 []netip.Prefix) (err error) {
	s.bulkMu.Lock()
	defer s.bulkMu.Unlock()
	loads := []struct {
		set    string
		family uint8
		list   []netip.Prefix
	}{{s.cfg.Bulk4, unix.AF_INET, v4}, {s.cfg.Bulk6, unix.AF_INET6, v6}}
	for _, l := range loads {
		if uint64(len(l.list)) > uint64(s.cfg.BulkMaxElem) {
			return fmt.Errorf("%w: %d entries for %s, maxelem %d", ErrTooMany, len(l.list), l.set, s.cfg.BulkMaxElem)
		}
	}
	for _, l := range loads {
		tmp := l.set + tempSuffix
		defer func() {
			if derr := s.destroy(tmp); derr != nil && err == nil {
				err = derr
			}
		}()
		if err := s.load(ctx, tmp, l.family, l.list); err != nil {
			return err
		}
	}
	for _, l := range loads {
		if err := kernelErr("swap", l.set, netip.Prefix{}, lib(func() error { return s.h.IpsetSwap(l.set, l.set+tempSuffix) })); err != nil {
			return err
		}
	}
	return nil
}

// load makes a fresh set tmp holding list.
func (s *Sets) load(ctx context.Context, tmp string, family uint8, list []netip.Prefix) error {
	if err := s.destroy(tmp); err != nil && !errors.Is(err, ErrNoSet) { // left by a crash
		return err
	}
	if err := s.createSized(tmp, family, len(list)); err != nil {
		return err
	}
	return s.fill(ctx, tmp, list)
}

func (s *Sets) destroy(set string) error {
	return kernelErr("destroy", set, netip.Prefix{}, lib(func() error { return s.h.IpsetDestroy(set) }))
}

// createSized creates an empty hash:net set for n entries: with the hash
// table sized for them up front, the kernel does not rehash while the set
// fills (the library's create has no hash size).
func (s *Sets) createSized(set string, family uint8, n int) error {
	hashSize := uint32(1024)
	if n > 2048 {
		hashSize = 1 << (bits.Len(uint(n-1)) - 1) // half of n rounded up to a power of two
	}
	req := s.request(nl.IPSET_CMD_CREATE, nl.GetIpsetFlags(nl.IPSET_CMD_CREATE)|unix.NLM_F_EXCL)
	req.AddData(nl.NewRtAttr(nl.IPSET_ATTR_SETNAME, nl.ZeroTerminated(set)))
	req.AddData(nl.NewRtAttr(nl.IPSET_ATTR_TYPENAME, nl.ZeroTerminated(setType)))
	req.AddData(nl.NewRtAttr(nl.IPSET_ATTR_REVISION, nl.Uint8Attr(0)))
	req.AddData(nl.NewRtAttr(nl.IPSET_ATTR_FAMILY, nl.Uint8Attr(family)))
	data := nl.NewRtAttr(nl.IPSET_ATTR_DATA|int(nl.NLA_F_NESTED), nil)
	data.AddChild(&nl.Uint32Attribute{Type: nl.IPSET_ATTR_MAXELEM | nl.NLA_F_NET_BYTEORDER, Value: s.cfg.BulkMaxElem})
	data.AddChild(&nl.Uint32Attribute{Type: nl.IPSET_ATTR_HASHSIZE | nl.NLA_F_NET_BYTEORDER, Value: hashSize})
	req.AddData(data)
	_, err := req.Execute(unix.NETLINK_NETFILTER, 0)
	return kernelErr("create", set, netip.Prefix{}, err)
}

// fill adds list to set in batch messages (ipset restore's protocol: an
// IPSET_ATTR_ADT container of entries), each acknowledged. When the kernel
// refuses a batch, its entries are added again one by one to name the one
// refused.
func (s *Sets) fill(ctx context.Context, set string, list []netip.Prefix) error {
	buf := make([]byte, 0, maxBatchBytes+64)
	for start := 0; start < len(list); {
		if err := ctx.Err(); err != nil {
			return err
		}
		buf = buf[:0]
		end := start
		for end < len(list) && len(buf) < maxBatchBytes {
			buf = appendEntry(buf, list[end])
			end++
		}
		if err := s.batch(set, buf); err != nil {
			return s.blame(set, list[start:end], err)
		}
		start = end
	}
	return nil
}

// batch sends one batch of encoded entries. Without NLM_F_EXCL the kernel
// adds with -exist: a duplicate is no error.
func (s *Sets) batch(set string, entries []byte) error {
	req := s.request(nl.IPSET_CMD_ADD, nl.GetIpsetFlags(nl.IPSET_CMD_ADD))
	req.AddData(nl.NewRtAttr(nl.IPSET_ATTR_SETNAME, nl.ZeroTerminated(set)))
	req.AddData(nl.NewRtAttr(nl.IPSET_ATTR_ADT|int(nl.NLA_F_NESTED), entries))
	// The kernel takes a batch only with a line number (it names the
	// failing line in restore mode).
	req.AddData(&nl.Uint32Attribute{Type: nl.IPSET_ATTR_LINENO | nl.NLA_F_NET_BYTEORDER, Value: 0})
	_, err := req.Execute(unix.NETLINK_NETFILTER, 0)
	return err
}

// blame finds the entry of a refused batch the kernel refuses.
func (s *Sets) blame(set string, chunk []netip.Prefix, batchErr error) error {
	for _, p := range chunk {
		err := lib(func() error { return s.h.IpsetAdd(set, netEntry(p, nil, true)) })
		if err != nil {
			return kernelErr("bulk add", set, p, err)
		}
	}
	return kernelErr("bulk add", set, netip.Prefix{}, batchErr)
}
