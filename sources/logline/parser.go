package logline

import (
	"bytes"
	"time"

	"github.com/ifw/ifw/sources"
)

// MaxLineLen is the longest line accepted. The kernel writes at most about
// 1 KiB per record; anything far longer is not its output.
const MaxLineLen = 64 << 10

// headerWindow bounds how far past the first "IN=" a later one is looked
// for: only a log prefix (at most 128 bytes in nftables) can stand between.
const headerWindow = 160

// Options configure a Parser.
type Options struct {
	// Reference dates year-less time stamps: the file's mtime, or now.
	// Zero means time.Now() when the Parser is made.
	Reference time.Time
	// Location is the zone of stamps that name none. Nil means time.Local.
	Location *time.Location
	// Boot, when set, turns kernel uptime into wall-clock time for lines
	// that carry only uptime (/dev/kmsg, dmesg).
	Boot time.Time
	// Source and Trusted are copied into every packet.
	Source  string
	Trusted bool
}

// Parser parses firewall log lines. It is not safe for concurrent use; use
// one per goroutine.
type Parser struct {
	opt    Options
	names  names
	stamps stampCache
	hour   hourCache
	tag    tagCache
	mac    macCache
	zones  map[int]*time.Location
	entry  envelope       // the journal export entry being read
	unesc  []byte         // scratch for a JSON message with escapes
	inner  sources.Packet // scratch for an ICMP error's embedded packet
	noFast bool           // tests: always use the general decoder
}

// New returns a Parser.
func New(opt Options) *Parser {
	if opt.Reference.IsZero() {
		opt.Reference = time.Now()
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	return &Parser{opt: opt, names: newNames(), zones: map[int]*time.Location{}}
}

// Parse fills pkt from line (with or without its line ending). A NUL byte
// anywhere makes the line malformed: the fast path's validators refuse one
// in every field they read, names refuse one when first seen, and the
// general decoder checks the whole line. It returns ErrNotFirewall for a
// line that is not a firewall line, ErrNotIP for a firewall line without an
// IP packet (ARP), an *Error for a malformed one. pkt holds no reference to
// line afterwards.
//
// The lines of `journalctl -o export` are read one at a time: the Parser
// keeps the entry's __REALTIME_TIMESTAMP and _HOSTNAME for its MESSAGE=.
func (p *Parser) Parse(line []byte, pkt *sources.Packet) error {
	for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	var env envelope
	if len(line) == 0 || wrapped(line[0]) {
		var err error
		if line, env, err = p.unwrap(line); err != nil {
			return err
		}
	}
	at := firstHeader(line)
	if at < 0 {
		return ErrNotFirewall
	}
	if len(line) > MaxLineLen {
		return fail(ReasonTooLong, "", nil)
	}
	*pkt = sources.Packet{Source: p.opt.Source, Trusted: p.opt.Trusted}
	if err := p.lead(line[:at], pkt); err != nil {
		return err
	}
	if !p.fastBody(line[at:], pkt) {
		if err := p.slowBody(line, at, pkt); err != nil {
			return err
		}
	}
	env.apply(pkt)
	if pkt.Fields&(sources.HasTime|sources.HasUptime) == sources.HasUptime && !p.opt.Boot.IsZero() {
		pkt.Time, pkt.Fields = p.opt.Boot.Add(pkt.Uptime), pkt.Fields|sources.HasTime
	}
	return nil
}

// firstHeader returns where the first "IN=ifname OUT=" starts, or -1.
// The first '=' of a kernel line is mostly its header's: when it is, no
// "IN=" can come before it, and one IndexByte call finds it.
func firstHeader(line []byte) int {
	j := bytes.IndexByte(line, '=')
	if j < 0 {
		return -1
	}
	if j >= 2 && line[j-2] == 'I' && line[j-1] == 'N' && isHeader(line, j-2) {
		return j - 2
	}
	for i := 0; i < len(line); {
		j := bytes.Index(line[i:], []byte("IN="))
		if j < 0 {
			return -1
		}
		if isHeader(line, i+j) {
			return i + j
		}
		i += j + 3
	}
	return -1
}

// lastHeader returns the last header candidate within headerWindow of the
// first one. A log prefix may itself look like "IN=x OUT=y"; the kernel
// writes the prefix first, so the real header is the last. Only lines the
// fast path refused need this: a line it accepts has no second header.
func lastHeader(line []byte, first int) int {
	found := first
	limit := min(len(line), first+headerWindow)
	for i := first + 3; i < limit; {
		j := bytes.Index(line[i:limit], []byte("IN="))
		if j < 0 {
			break
		}
		if isHeader(line, i+j) {
			found = i + j
		}
		i += j + 3
	}
	return found
}

// isHeader reports whether "IN=" at i opens "IN=ifname OUT=".
func isHeader(line []byte, i int) bool {
	if i >= 4 && string(line[i-4:i]) == "PHYS" {
		return false
	}
	rest := line[i+3:]
	for sp := 0; sp < len(rest) && sp <= 16; sp++ { // an interface name is short
		switch rest[sp] {
		case '=':
			return false
		case ' ':
			return len(rest) >= sp+5 && string(rest[sp:sp+5]) == " OUT="
		}
	}
	return false
}

// slowBody runs the general decoder on a line the fast path refused,
// starting over from the real header (the last candidate).
func (p *Parser) slowBody(line []byte, first int, pkt *sources.Packet) error {
	if bytes.IndexByte(line, 0) >= 0 {
		return fail(ReasonNUL, "", nil)
	}
	at := lastHeader(line, first)
	*pkt = sources.Packet{Source: p.opt.Source, Trusted: p.opt.Trusted}
	if err := p.lead(line[:at], pkt); err != nil {
		return err
	}
	return p.body(line[at:], pkt)
}
