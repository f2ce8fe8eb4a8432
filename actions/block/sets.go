package block

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// socketTimeout bounds every wait for the kernel's answer.
const socketTimeout = 5 * time.Second

// setType is the ipset type of every set ifw uses.
const setType = "hash:net"

// Sets is the kernel layer: the block and bulk ipsets of one network
// namespace. It is safe for concurrent use.
type Sets struct {
	cfg SetsConfig
	log *slog.Logger
	ns  netns.NsHandle   // owned; netns.None() for the daemon's own
	h   *netlink.Handle  // create, add, del, test, swap, destroy
	raw *nl.SocketHandle // batches, list dumps, create with a hash size

	bulkMu sync.Mutex // one bulk load at a time: they share the temporary sets
}

// setSpec is one set Ensure makes sure of.
type setSpec struct {
	name    string
	family  uint8
	timeout bool // with timeout support (the block sets)
	maxElem uint32
}

// OpenSets opens netlink sockets in the namespace cfg names. It touches no
// set: call Ensure. log may be nil.
func OpenSets(cfg SetsConfig, log *slog.Logger) (*Sets, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Sets{cfg: cfg.withDefaults(), log: log, ns: netns.None()}
	if err := s.open(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Sets) open() error {
	var err error
	if s.cfg.NetNS != "" {
		if s.ns, err = netns.GetFromPath(s.cfg.NetNS); err != nil {
			return fmt.Errorf("block: open netns %s: %w", s.cfg.NetNS, err)
		}
	}
	if s.h, err = netlink.NewHandleAt(s.ns, unix.NETLINK_NETFILTER); err != nil {
		return fmt.Errorf("block: netlink socket: %w", err)
	}
	if err := s.h.SetSocketTimeout(socketTimeout); err != nil {
		return fmt.Errorf("block: netlink socket: %w", err)
	}
	sock, err := nl.GetNetlinkSocketAt(s.ns, netns.None(), unix.NETLINK_NETFILTER)
	if err != nil {
		return fmt.Errorf("block: netlink socket: %w", err)
	}
	s.raw = &nl.SocketHandle{Socket: sock}
	tv := unix.NsecToTimeval(socketTimeout.Nanoseconds())
	if err := errors.Join(sock.SetReceiveTimeout(&tv), sock.SetSendTimeout(&tv)); err != nil {
		return fmt.Errorf("block: netlink socket: %w", err)
	}
	return nil
}

// Close closes the sockets; the sets stay in the kernel.
func (s *Sets) Close() error {
	if s.h != nil {
		s.h.Close()
	}
	if s.raw != nil {
		s.raw.Close()
	}
	if s.ns.IsOpen() {
		return s.ns.Close()
	}
	return nil
}

// Names returns the set names: block4, block6, bulk4, bulk6 (for the
// firewall rules that match them).
func (s *Sets) Names() (block4, block6, bulk4, bulk6 string) {
	return s.cfg.Block4, s.cfg.Block6, s.cfg.Bulk4, s.cfg.Bulk6
}

func (s *Sets) specs() []setSpec {
	return []setSpec{
		{s.cfg.Block4, unix.AF_INET, true, s.cfg.MaxElem},
		{s.cfg.Block6, unix.AF_INET6, true, s.cfg.MaxElem},
		{s.cfg.Bulk4, unix.AF_INET, false, s.cfg.BulkMaxElem},
		{s.cfg.Bulk6, unix.AF_INET6, false, s.cfg.BulkMaxElem},
	}
}

// Ensure creates the sets that are missing and checks the others: type
// hash:net, the right family, timeout support for the block sets. A set
// that does not fit is a *SetError; Ensure changes nothing in it.
func (s *Sets) Ensure(ctx context.Context) error {
	for _, spec := range s.specs() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.ensure(spec); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sets) ensure(spec setSpec) error {
	info, err := s.header(spec.name)
	if errors.Is(err, ErrNoSet) {
		var timeout *uint32
		if spec.timeout {
			timeout = new(uint32) // timeout support, entries permanent unless given one
		}
		err = kernelErr("create", spec.name, netip.Prefix{}, s.h.IpsetCreate(spec.name, setType, netlink.IpsetCreateOptions{
			Family: spec.family, MaxElements: spec.maxElem, Timeout: timeout,
		}))
		if err == nil {
			s.log.Info("ipset created", "set", spec.name, "maxelem", spec.maxElem, "timeout", spec.timeout)
			return nil
		}
		if !errors.Is(err, unix.EEXIST) { // else created meanwhile: check it
			return err
		}
		info, err = s.header(spec.name)
	}
	if err != nil {
		return err
	}
	return s.check(spec, info)
}

// check compares an existing set with what it should be.
func (s *Sets) check(spec setSpec, info setInfo) error {
	switch {
	case info.Type != setType:
		return &SetError{spec.name, fmt.Sprintf("its type is %s, want %s", info.Type, setType)}
	case info.Family != spec.family:
		return &SetError{spec.name, fmt.Sprintf("its family is %s, want %s", familyName(info.Family), familyName(spec.family))}
	case spec.timeout && !info.HasTimeout:
		return &SetError{spec.name, "it has no timeout support"}
	}
	if info.MaxElements < spec.maxElem {
		s.log.Warn("ipset smaller than configured", "set", spec.name, "maxelem", info.MaxElements, "configured", spec.maxElem)
	}
	return nil
}

// header reads a set's header (`ipset list -t`).
func (s *Sets) header(name string) (setInfo, error) {
	req := s.request(nl.IPSET_CMD_LIST, nl.GetIpsetFlags(nl.IPSET_CMD_LIST))
	req.AddData(nl.NewRtAttr(nl.IPSET_ATTR_SETNAME, nl.ZeroTerminated(name)))
	req.AddData(&nl.Uint32Attribute{Type: nl.IPSET_ATTR_FLAGS | nl.NLA_F_NET_BYTEORDER, Value: flagListHeader})
	var info setInfo
	err := req.ExecuteIter(unix.NETLINK_NETFILTER, 0, func(msg []byte) bool {
		if len(msg) > nl.SizeofNfgenmsg {
			parseHeader(msg[nl.SizeofNfgenmsg:], &info)
		}
		return true
	})
	return info, kernelErr("list", name, netip.Prefix{}, err)
}

func familyName(f uint8) string {
	switch f {
	case unix.AF_INET:
		return "inet"
	case unix.AF_INET6:
		return "inet6"
	}
	return fmt.Sprintf("family %d", f)
}
