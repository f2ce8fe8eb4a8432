package analyze

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ifw/ifw/cmd/ifw/control"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// Retain bounds the attackers kept after their scan window ended; past
// it the least dangerous give way (Summary counts them).
const Retain = 200_000

// maxItems bounds the destinations and scans listed per attacker.
const maxItems = 32

// Analysis is one run of the analyzer: the engine and what the report
// counts besides it.
type Analysis struct {
	opts         Options
	engine       *signatures.Engine // one core (Jobs 1, Detected)
	shards       *signatures.Shards // several
	chunkSize    int
	rules        *rules.Set
	filter       *match
	since, until time.Time
	boot         time.Time // --boot: uptime-only packets get wall-clock time
	progress     *progress
	started      time.Time
	counts       counts
	files        []FileCounts
}

// counts are the report's tallies over the packets that passed the filters.
type counts struct {
	lines, packets, skipped, malformed, filtered, tooLong int
	nonIP                                                 int // firewall lines without an IP packet (ARP)
	untimed                                               int // packets with kernel uptime only
	upFirst, upLast                                       time.Duration
	firstMalformed                                        string
	first, last                                           time.Time
	ports                                                 *portTally // nil until a packet with ports
	portsElsewhere                                        bool       // a worker's: the dispatcher counts ports
	protos                                                [256]int
	prefixes                                              map[string]int
	// prefix and prefixRun are the latest log prefix and the packets with
	// it not yet in prefixes: a log has a few prefixes, in long runs, and
	// a string compare is cheaper than a map update per packet.
	prefix    string
	prefixRun int
}

// flushPrefix moves the current run of one log prefix into prefixes.
func (c *counts) flushPrefix() {
	if c.prefixRun > 0 {
		c.prefixes[c.prefix] += c.prefixRun
		c.prefixRun = 0
	}
}

// add adds o's tallies to c (firstMalformed aside: the caller places it).
func (c *counts) add(o *counts) {
	c.flushPrefix()
	o.flushPrefix()
	if o.untimed > 0 {
		if c.untimed == 0 || o.upFirst < c.upFirst {
			c.upFirst = o.upFirst
		}
		c.upLast = max(c.upLast, o.upLast)
	}
	c.lines += o.lines
	c.packets += o.packets
	c.skipped += o.skipped
	c.malformed += o.malformed
	c.filtered += o.filtered
	c.tooLong += o.tooLong
	c.nonIP += o.nonIP
	c.untimed += o.untimed
	if !o.first.IsZero() && (c.first.IsZero() || o.first.Before(c.first)) {
		c.first = o.first
	}
	if o.last.After(c.last) {
		c.last = o.last
	}
	if o.ports != nil {
		if c.ports == nil {
			c.ports = new(portTally)
		}
		o.ports.each(c.ports.add)
	}
	for i, n := range o.protos {
		c.protos[i] += n
	}
	for k, n := range o.prefixes {
		c.prefixes[k] += n
	}
}

// FileCounts are what reading one input added to the counts: its lines,
// firewall packets (that passed the filters) and malformed lines.
type FileCounts struct {
	Name                      string // as given to Read, "-" for Options.Stdin
	Lines, Packets, Malformed int
}

// Rules are the signatures the analysis matches, with the lines of their
// files it skipped (config.WarnSkipped names them).
func (a *Analysis) Rules() *rules.Set { return a.rules }

// Attackers are the sources found at minLevel or above, most dangerous
// first.
func (a *Analysis) Attackers(minLevel int) []signatures.Attacker {
	if a.shards != nil {
		return a.shards.Attackers(minLevel)
	}
	return a.engine.Attackers(minLevel)
}

// stats are the engine's counters, or the engines'.
func (a *Analysis) stats() signatures.Stats {
	if a.shards != nil {
		return a.shards.Stats()
	}
	return a.engine.Stats()
}

// Files are the counts of each input read, in order.
func (a *Analysis) Files() []FileCounts { return a.files }

// Read analyzes the files in order ("-" is Options.Stdin; gzip is
// unwrapped); an error names the file.
func (a *Analysis) Read(files ...string) error {
	defer a.progress.finish()
	for _, path := range files {
		if err := a.readFile(path); err != nil {
			return err
		}
	}
	// The windows over at the end of the log end now, as they would have
	// in one engine or several (signatures.Shards).
	if a.shards != nil {
		a.shards.Settle()
	} else {
		a.engine.Settle()
	}
	return nil
}

// readFile analyzes one input.
func (a *Analysis) readFile(path string) error {
	in, err := openInput(path, a.opts.Stdin)
	if err != nil {
		return err
	}
	defer in.close()
	c := &a.counts
	lines, packets, malformed := c.lines, c.packets, c.malformed
	a.progress.start(in)
	if a.shards != nil {
		err = a.readParallel(in)
	} else {
		err = a.scan(in)
	}
	c.flushPrefix()
	a.files = append(a.files, FileCounts{Name: path, Lines: c.lines - lines, Packets: c.packets - packets, Malformed: c.malformed - malformed})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// scan reads one input line by line through one reused Packet.
func (a *Analysis) scan(in *input) error {
	p := logline.New(logline.Options{Reference: in.mtime, Source: "file:" + in.name, Boot: a.boot})
	lr := newLineReader(in, logline.MaxLineLen+2)
	var pkt sources.Packet
	for n := 1; ; n++ {
		line, err := lr.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		a.counts.lines++
		if lr.tooLong {
			a.counts.tooLong++
			a.malformed(in.name, n, errTooLong)
			continue
		}
		if n&0xffff == 0 {
			a.progress.update()
		}
		a.line(p, line, &pkt, in.name, n)
	}
}

func (a *Analysis) line(p *logline.Parser, line []byte, pkt *sources.Packet, name string, n int) {
	ok, err := a.take(p, line, pkt, &a.counts)
	switch {
	case err != nil:
		a.malformed(name, n, err)
	case !ok:
	case a.opts.Detected == nil:
		a.engine.Count(pkt)
	default:
		if d, ok := a.engine.Observe(pkt); ok {
			a.opts.Detected(d)
		}
	}
}

var errTooLong = errors.New("line longer than 64 KiB")

// take parses line into pkt and counts it in c; it reports whether the
// engine is to count pkt (a firewall packet the filters keep), and the
// error of a malformed line (which c does not count: the caller places it).
// It only reads a, so workers call it at once, each with its parser and c.
func (a *Analysis) take(p *logline.Parser, line []byte, pkt *sources.Packet, c *counts) (bool, error) {
	if err := p.Parse(line, pkt); err != nil {
		switch {
		case errors.Is(err, logline.ErrNotIP):
			c.nonIP++
		case errors.Is(err, logline.ErrNotFirewall):
			c.skipped++
		default:
			return false, err
		}
		return false, nil
	}
	if !a.keep(pkt) {
		c.filtered++
		return false, nil
	}
	c.packet(pkt)
	return true, nil
}

func (a *Analysis) malformed(name string, n int, err error) {
	if a.counts.malformed == 0 {
		a.counts.firstMalformed = fmt.Sprintf("%s:%d: %v", name, n, err)
	}
	a.counts.malformed++
}

// keep applies --since, --until and --match. Packets without a wall-clock
// time pass the time filters: there is nothing to judge them by.
func (a *Analysis) keep(p *sources.Packet) bool {
	if p.Has(sources.HasTime) {
		if (!a.since.IsZero() && p.Time.Before(a.since)) || (!a.until.IsZero() && p.Time.After(a.until)) {
			return false
		}
	}
	return a.filter == nil || a.filter.ok(p)
}

// port counts p's destination port, when its protocol has ports.
func (c *counts) port(p *sources.Packet) {
	c.portOf(portKey(p))
}

// portKey is p's row in counts.ports and destination port (row<<16 |
// port), or -1 when its protocol has no ports.
func portKey(p *sources.Packet) int32 {
	if i := portIndex(p.Proto); i >= 0 && p.Has(sources.HasPorts) {
		return int32(i)<<16 | int32(p.DstPort)
	}
	return -1
}

// portOf counts the port of key (portKey).
func (c *counts) portOf(key int32) {
	if key < 0 {
		return
	}
	if c.ports == nil {
		c.ports = new(portTally)
	}
	c.ports.count(key)
}

func (c *counts) packet(p *sources.Packet) {
	c.packets++
	c.protos[p.Proto]++
	if p.Prefix != c.prefix || c.prefixRun == 0 {
		c.flushPrefix()
		c.prefix = p.Prefix
	}
	c.prefixRun++
	if !c.portsElsewhere {
		c.port(p)
	}
	switch {
	case p.Has(sources.HasTime):
		if c.first.IsZero() || p.Time.Before(c.first) {
			c.first = p.Time
		}
		if p.Time.After(c.last) {
			c.last = p.Time
		}
	case p.Has(sources.HasUptime):
		if c.untimed == 0 || p.Uptime < c.upFirst {
			c.upFirst = p.Uptime
		}
		c.upLast = max(c.upLast, p.Uptime)
		c.untimed++
	}
}

// Summary is the one line ifw analyze writes to stderr at the end: what
// was read, skipped, filtered out and malformed (the first malformed line
// named), the signatures, and how long it took.
func (a *Analysis) Summary() string {
	c := &a.counts
	el := time.Since(a.started)
	s := fmt.Sprintf("ifw analyze: %d lines, %d firewall packets, %d skipped (not firewall), ", c.lines, c.packets, c.skipped)
	if c.nonIP > 0 {
		s += fmt.Sprintf("%d non-IP (ARP), ", c.nonIP)
	}
	s += fmt.Sprintf("%d filtered out, %d malformed", c.filtered, c.malformed)
	if c.malformed > 0 {
		s += " (first: " + c.firstMalformed + ")"
	}
	if n := a.stats().FutureTimes; n > 0 {
		s += fmt.Sprintf(", %d dated over a day ahead of the log (they did not move its clock)", n)
	}
	rate := float64(c.lines) / el.Seconds()
	st := a.stats()
	if st.NotRetained > 0 {
		s += fmt.Sprintf("; %d ended attackers not listed (more than %d, least dangerous dropped)", st.NotRetained, Retain)
	}
	return s + fmt.Sprintf("; %s; %d sources tracked; %.2fs, %.0f lines/s",
		control.CountSignatures(a.rules), st.Sources, el.Seconds(), rate)
}
