package main

import (
	"github.com/ifw/ifw/cmd/ifw/control"

	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/signatures/rules"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// analyzeRetain bounds the attackers kept after their scan window ended.
const analyzeRetain = 200_000

// analyzeItems bounds the destinations and scans listed per attacker.
const analyzeItems = 32

// analysis is one run of ifw analyze: the engine and what the report
// counts besides it.
type analysis struct {
	flags        *analyzeFlags
	engine       *signatures.Engine
	rules        *rules.Set
	filter       *match
	since, until time.Time
	boot         time.Time // --boot: uptime-only packets get wall-clock time
	progress     *progress
	started      time.Time
	counts       counts
	// detected, when set, is called with each detection, in log order
	// (ifw report --log places alerts at their time); unset, the engine
	// only counts.
	detected func(signatures.Detection)
}

// counts are the report's tallies over the packets that passed the filters.
type counts struct {
	lines, packets, skipped, malformed, filtered, tooLong int
	nonIP                                                 int // firewall lines without an IP packet (ARP)
	untimed                                               int // packets with kernel uptime only
	upFirst, upLast                                       time.Duration
	firstMalformed                                        string
	first, last                                           time.Time
	ports                                                 [len(portProtos)][65536]uint32
	protos                                                [256]int
	prefixes                                              map[string]int
}

func newAnalysis(f *analyzeFlags, now time.Time) (*analysis, error) {
	a := &analysis{flags: f, started: now, counts: counts{prefixes: map[string]int{}}}
	d := config.Default().Detect
	if f.config != "" {
		cfg, err := config.Load(f.config, true)
		if err != nil {
			return nil, err
		}
		d = cfg.Detect
	}
	// A log spans many scan windows: report the attackers of all of them,
	// each with its 32 most dangerous destinations and scans.
	d.Engine.Retain, d.Engine.MaxReportItems = analyzeRetain, analyzeItems
	d.Engine.RetainLevelZero = f.minLevel == 0
	if err := a.loadLists(&d); err != nil {
		return nil, err
	}
	if err := a.loadFilters(f, now); err != nil {
		return nil, err
	}
	eng, err := signatures.New(d.Engine, a.rules)
	if err != nil {
		return nil, err
	}
	a.engine = eng
	return a, nil
}

// loadLists reads the auto_dl file and the signature sets, flags first.
func (a *analysis) loadLists(d *config.Detect) error {
	if a.flags.autoDL != "" {
		d.AutoDL = a.flags.autoDL
	}
	if len(a.flags.signatures) > 0 {
		d.Signatures = a.flags.signatures
	}
	set, err := d.LoadLists()
	a.rules = set
	return err
}

func (a *analysis) loadFilters(f *analyzeFlags, now time.Time) error {
	var err error
	if f.match != "" {
		if a.filter, err = parseMatch(f.match); err != nil {
			return err
		}
	}
	if a.since, err = parseWhen(f.since, now); err != nil {
		return fmt.Errorf("--since: %w", err)
	}
	if a.until, err = parseWhen(f.until, now); err != nil {
		return fmt.Errorf("--until: %w", err)
	}
	if a.boot, err = parseBoot(f.boot, now); err != nil {
		return fmt.Errorf("--boot: %w", err)
	}
	return nil
}

// scan reads one input line by line through one reused Packet.
func (a *analysis) scan(in *input) error {
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
			a.malformed(in.name, n, errors.New("line longer than 64 KiB"))
			continue
		}
		if n&0xffff == 0 {
			a.progress.update()
		}
		a.line(p, line, &pkt, in.name, n)
	}
}

func (a *analysis) line(p *logline.Parser, line []byte, pkt *sources.Packet, name string, n int) {
	if err := p.Parse(line, pkt); err != nil {
		switch {
		case errors.Is(err, logline.ErrNotIP):
			a.counts.nonIP++
		case errors.Is(err, logline.ErrNotFirewall):
			a.counts.skipped++
		default:
			a.malformed(name, n, err)
		}
		return
	}
	if !a.keep(pkt) {
		a.counts.filtered++
		return
	}
	a.count(pkt)
	if a.detected == nil {
		a.engine.Count(pkt)
	} else if d, ok := a.engine.Observe(pkt); ok {
		a.detected(d)
	}
}

func (a *analysis) malformed(name string, n int, err error) {
	if a.counts.malformed == 0 {
		a.counts.firstMalformed = fmt.Sprintf("%s:%d: %v", name, n, err)
	}
	a.counts.malformed++
}

// keep applies --since, --until and --match. Packets without a wall-clock
// time pass the time filters: there is nothing to judge them by.
func (a *analysis) keep(p *sources.Packet) bool {
	if p.Has(sources.HasTime) {
		if (!a.since.IsZero() && p.Time.Before(a.since)) || (!a.until.IsZero() && p.Time.After(a.until)) {
			return false
		}
	}
	return a.filter == nil || a.filter.ok(p)
}

func (a *analysis) count(p *sources.Packet) {
	c := &a.counts
	c.packets++
	c.protos[p.Proto]++
	c.prefixes[p.Prefix]++
	if i := portIndex(p.Proto); i >= 0 && p.Has(sources.HasPorts) {
		c.ports[i][p.DstPort]++
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

// summary is the one line ifw analyze writes to stderr at the end.
func (a *analysis) summary() string {
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
	if n := a.engine.Stats().FutureTimes; n > 0 {
		s += fmt.Sprintf(", %d dated over a day ahead of the log (they did not move its clock)", n)
	}
	rate := float64(c.lines) / el.Seconds()
	st := a.engine.Stats()
	if st.NotRetained > 0 {
		s += fmt.Sprintf("; %d ended attackers not listed (more than %d, least dangerous dropped)", st.NotRetained, analyzeRetain)
	}
	return s + fmt.Sprintf("; %s; %d sources tracked; %.2fs, %.0f lines/s",
		control.CountSignatures(a.rules), st.Sources, el.Seconds(), rate)
}
