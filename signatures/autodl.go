package signatures

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ifw/ifw/sources"
)

// AutoDLEntry assigns a danger level to a network, optionally only for one
// protocol and destination-port range. Level 0 means ignore.
type AutoDLEntry struct {
	Prefix netip.Prefix
	Level  int
	Proto  uint8  // 0: any protocol
	PortLo uint16 // PortLo-PortHi; both 0: any port
	PortHi uint16
	Line   int // line in the file it was read from, 0 if none
}

func (e AutoDLEntry) qualified() bool { return e.Proto != 0 }

func (e AutoDLEntry) applies(proto uint8, port uint16, hasPort bool) bool {
	if e.Proto == 0 {
		return true
	}
	if e.Proto != proto {
		return false
	}
	if e.PortLo == 0 && e.PortHi == 0 {
		return true
	}
	return hasPort && port >= e.PortLo && port <= e.PortHi
}

// AutoDL is a compiled auto_dl list with longest-prefix matching. The zero
// value and nil are empty lists.
type AutoDL struct {
	t         prefixTable[[]AutoDLEntry] // per network: qualified first, later lines first
	entries   []AutoDLEntry
	qualified bool
}

// NewAutoDL compiles entries. Later entries for the same network and
// qualifier take precedence.
func NewAutoDL(entries []AutoDLEntry) (*AutoDL, error) {
	a := &AutoDL{}
	for _, e := range entries {
		if err := a.add(e); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (a *AutoDL) add(e AutoDLEntry) error {
	if !e.Prefix.IsValid() {
		return fmt.Errorf("invalid network %v", e.Prefix)
	}
	if e.Level < 0 || e.Level > MaxLevel {
		return fmt.Errorf("danger level %d is not 0-%d", e.Level, MaxLevel)
	}
	if e.PortLo > e.PortHi {
		return fmt.Errorf("port range %d-%d is reversed", e.PortLo, e.PortHi)
	}
	e.Prefix = canonPrefix(e.Prefix)
	a.entries = append(a.entries, e)
	old, _ := a.t.at(e.Prefix.Addr(), e.Prefix.Bits())
	list := make([]AutoDLEntry, 0, len(old)+1)
	if e.qualified() {
		list = append(append(list, e), old...)
	} else {
		n := 0
		for n < len(old) && old[n].qualified() {
			n++
		}
		list = append(append(append(list, old[:n]...), e), old[n:]...)
	}
	a.t.put(e.Prefix, list)
	a.qualified = a.qualified || e.qualified()
	return nil
}

// Len is the number of entries.
func (a *AutoDL) Len() int {
	if a == nil {
		return 0
	}
	return len(a.entries)
}

// Entries returns a copy of the entries in file order.
func (a *AutoDL) Entries() []AutoDLEntry {
	if a == nil {
		return nil
	}
	return append([]AutoDLEntry(nil), a.entries...)
}

// Level returns the level of the longest network containing addr that has
// an entry without protocol.
func (a *AutoDL) Level(addr netip.Addr) (int, bool) {
	if a.Len() == 0 {
		return 0, false
	}
	addr = canon(addr)
	for _, bits := range a.t.lens(addr) {
		list, _ := a.t.at(addr, bits)
		for _, e := range list {
			if !e.qualified() {
				return e.Level, true
			}
		}
	}
	return 0, false
}

// Match returns the entry of the longest network containing addr among the
// entries that apply to a packet of protocol proto to port (hasPort false:
// the packet has no port). Within one network, an entry with a protocol
// wins over one without.
func (a *AutoDL) Match(addr netip.Addr, proto uint8, port uint16, hasPort bool) (AutoDLEntry, bool) {
	if a.Len() == 0 {
		return AutoDLEntry{}, false
	}
	addr = canon(addr)
	for _, bits := range a.t.lens(addr) {
		list, _ := a.t.at(addr, bits)
		for _, e := range list {
			if e.applies(proto, port, hasPort) {
				return e, true
			}
		}
	}
	return AutoDLEntry{}, false
}

// ParseError is a syntax error in a list file, at name:line.
type ParseError struct {
	Name string
	Line int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Name, e.Line, e.Err) }

func (e *ParseError) Unwrap() error { return e.Err }

// ParseAutoDL reads psad auto_dl text: one entry a line,
//
//	ADDR[/BITS|/MASK]  LEVEL  [PROTO[/PORT[-PORT]] | PROTO PORT[-PORT]] [;]
//
// with "#" comments. Errors are *ParseError naming name:line.
func ParseAutoDL(r io.Reader, name string) (*AutoDL, error) {
	a := &AutoDL{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxAutoDLLine)
	line := 1
	for ; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		text = strings.TrimSpace(text)
		text = strings.TrimSpace(strings.TrimSuffix(text, ";"))
		if text == "" {
			continue
		}
		e, err := parseAutoDLLine(text)
		if err == nil {
			e.Line = line
			err = a.add(e)
		}
		if err != nil {
			return nil, &ParseError{Name: name, Line: line, Err: err}
		}
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return nil, &ParseError{Name: name, Line: line, Err: fmt.Errorf("line longer than %d bytes", maxAutoDLLine)}
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return a, nil
}

// maxAutoDLLine bounds one auto_dl line.
const maxAutoDLLine = 64 << 10

var errAutoDLFields = errors.New("want ADDR LEVEL [PROTO[/PORTS]]")

func parseAutoDLLine(text string) (AutoDLEntry, error) {
	f := strings.Fields(text)
	if len(f) < 2 || len(f) > 4 {
		return AutoDLEntry{}, errAutoDLFields
	}
	var e AutoDLEntry
	var err error
	if e.Prefix, err = ParsePrefix(f[0]); err != nil {
		return e, err
	}
	lvl, err := strconv.Atoi(f[1])
	if err != nil || lvl < 0 || lvl > MaxLevel {
		return e, fmt.Errorf("danger level %q is not 0-%d", f[1], MaxLevel)
	}
	e.Level = lvl
	if len(f) > 2 {
		err = parseQualifier(&e, f[2:])
	}
	return e, err
}

// parseQualifier reads "PROTO", "PROTO/PORTS" or "PROTO PORTS" into e.
func parseQualifier(e *AutoDLEntry, f []string) error {
	protoText, portText, hasPorts := strings.Cut(f[0], "/")
	if len(f) == 2 {
		if hasPorts {
			return errAutoDLFields
		}
		portText, hasPorts = f[1], true
	}
	proto, ok := sources.ProtoByName(protoText)
	if !ok || proto == 0 {
		return fmt.Errorf("unknown protocol %q", protoText)
	}
	e.Proto = proto
	if !hasPorts {
		return nil
	}
	if !sources.HasPortsProto(proto) {
		return fmt.Errorf("protocol %s has no ports", protoText)
	}
	r, err := ParsePortRange(portText)
	e.PortLo, e.PortHi = r.Lo, r.Hi
	return err
}

// ParsePrefix parses an address, ADDR/BITS, or IPv4 ADDR/DOTTED-MASK.
// IPv4-mapped IPv6 forms become IPv4.
func ParsePrefix(s string) (netip.Prefix, error) {
	addrText, maskText, ok := strings.Cut(s, "/")
	addr, err := netip.ParseAddr(addrText)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("bad address %q: %w", addrText, err)
	}
	if !ok {
		addr = canon(addr)
		return netip.PrefixFrom(addr, addr.BitLen()), nil
	}
	bits, err := strconv.Atoi(maskText)
	if err != nil {
		if bits, err = maskBits(addr, maskText); err != nil {
			return netip.Prefix{}, err
		}
	}
	p := netip.PrefixFrom(addr.WithZone(""), bits)
	if !p.IsValid() {
		return netip.Prefix{}, fmt.Errorf("bad prefix length in %q", s)
	}
	return canonPrefix(p), nil
}

func maskBits(addr netip.Addr, maskText string) (int, error) {
	m, err := netip.ParseAddr(maskText)
	if err != nil || !addr.Is4() || !m.Is4() {
		return 0, fmt.Errorf("bad netmask %q", maskText)
	}
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	ones := 0
	for v&(1<<31) != 0 {
		ones++
		v <<= 1
	}
	if v != 0 {
		return 0, fmt.Errorf("netmask %q is not contiguous", maskText)
	}
	return ones, nil
}

// ParsePortRange parses "PORT" or "LO-HI" (proto left 0).
func ParsePortRange(s string) (PortRange, error) {
	loText, hiText, isRange := strings.Cut(s, "-")
	lo, err := strconv.ParseUint(loText, 10, 16)
	if err != nil {
		return PortRange{}, fmt.Errorf("bad port %q", loText)
	}
	hi := lo
	if isRange {
		if hi, err = strconv.ParseUint(hiText, 10, 16); err != nil {
			return PortRange{}, fmt.Errorf("bad port %q", hiText)
		}
	}
	if lo > hi {
		return PortRange{}, fmt.Errorf("port range %q is reversed", s)
	}
	return PortRange{Lo: uint16(lo), Hi: uint16(hi)}, nil
}
