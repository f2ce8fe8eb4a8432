package nflog

import (
	"net"
	"strconv"
	"time"
)

// Interface name cache bounds.
const (
	ifnameTTL        = time.Minute // a renamed interface keeps its index
	maxIfnames       = 1024
	unresolvedPrefix = "ifindex:" // prefix of an index that no longer resolves
)

// ifnames maps interface indexes to names in the collector's namespace, the
// names the kernel's LOG prints as IN= and OUT=. Indexes are looked up once
// a minute at most. It is used by one goroutine.
type ifnames struct {
	ns     *netns
	lookup func(index int) (string, error) // runs inside ns
	now    func() time.Time
	cache  map[uint32]ifname
}

type ifname struct {
	name string
	at   time.Time
}

func newIfnames(ns *netns, now func() time.Time, lookup func(int) (string, error)) *ifnames {
	if lookup == nil {
		lookup = interfaceName
	}
	return &ifnames{ns: ns, lookup: lookup, now: now, cache: make(map[uint32]ifname)}
}

// name returns the name of interface index; an index that does not
// resolve (the interface is gone) is named "ifindex:N", which no Linux
// interface name can be (':' is not allowed in one).
func (c *ifnames) name(index uint32) string {
	now := c.now()
	if e, ok := c.cache[index]; ok && now.Sub(e.at) < ifnameTTL {
		return e.name
	}
	var name string
	err := c.ns.do(func() error {
		var err error
		name, err = c.lookup(int(index))
		return err
	})
	if err != nil || name == "" {
		name = unresolvedPrefix + strconv.FormatUint(uint64(index), 10)
	}
	if len(c.cache) >= maxIfnames {
		clear(c.cache)
	}
	c.cache[index] = ifname{name: name, at: now}
	return name
}

func interfaceName(index int) (string, error) {
	ifi, err := net.InterfaceByIndex(index)
	if err != nil {
		return "", err
	}
	return ifi.Name, nil
}
