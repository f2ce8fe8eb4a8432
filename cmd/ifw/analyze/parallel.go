package analyze

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// chunk is a piece of one input, whole lines, and what was made of it:
// parsed by a worker, dated and given to its engines by the dispatcher,
// counted by every engine, then reused.
type chunk struct {
	buf  []byte
	long int // overlong lines dropped just before buf
	// Parsed:
	done    chan struct{}
	lines   int
	pkts    []sources.Packet
	preps   []signatures.Prepared // by packet: what the engines read of it
	ports   []int32               // by packet: its portKey
	badLine int                   // first malformed line, 1-based in the chunk; 0: none
	badErr  error
	// Dated:
	engine  []int32
	stamps  []signatures.Stamp
	pending atomic.Int32 // engines still counting it
}

// pipeline is one input read on several cores: one goroutine reads chunks,
// jobs workers parse them, one dispatcher dates their packets in order on
// the shared timeline, and one goroutine per engine counts its sources'
// packets. The chunks are a fixed pool, so memory does not grow with the
// input; every goroutine ends when the input does or reading fails.
type pipeline struct {
	a       *Analysis
	in      *input
	jobs    int
	free    chan *chunk
	parse   chan *chunk
	order   chan *chunk
	engine  []chan *chunk
	tallies []tally
	err     error // reading's, set before parse and order close
}

// tally is a worker's counts, apart from the next worker's: the counters
// each updates for every line stay out of the cache lines of the others.
type tally struct {
	counts
	_ [128]byte
}

// maxChunks bounds the chunks in flight whatever the number of jobs.
const maxChunks = 16

// readParallel analyzes one input through a pipeline.
func (a *Analysis) readParallel(in *input) error {
	p := &pipeline{a: a, in: in, jobs: a.opts.Jobs, tallies: make([]tally, a.opts.Jobs)}
	n := min(4+2*p.jobs, maxChunks)
	p.free = make(chan *chunk, n)
	for range n {
		p.free <- &chunk{} // its buffer made when first filled
	}
	p.parse, p.order = make(chan *chunk, n), make(chan *chunk, n)
	p.engine = make([]chan *chunk, a.shards.Len())
	var wg sync.WaitGroup
	for i := range p.engine {
		p.engine[i] = make(chan *chunk, n)
		wg.Go(func() { p.count(i) })
	}
	for i := range p.jobs {
		p.tallies[i].prefixes = map[string]int{}
		p.tallies[i].portsElsewhere = true // one 768 KiB tally, not one per worker
		wg.Go(func() { p.work(&p.tallies[i].counts) })
	}
	wg.Go(p.dispatch)
	p.read()
	wg.Wait()
	for i := range p.tallies {
		a.counts.add(&p.tallies[i].counts)
	}
	return p.err
}

// read cuts the input into chunks for the workers and, in order, the
// dispatcher.
func (p *pipeline) read() {
	defer close(p.order)
	defer close(p.parse)
	k := newChunker(p.in.direct(), p.a.chunkSize)
	for {
		c := <-p.free
		if c.buf == nil {
			c.buf = make([]byte, 0, p.a.chunkSize)
		}
		buf, long, err := k.next(c.buf)
		if err != nil {
			p.free <- c
			if !errors.Is(err, io.EOF) {
				p.err = err
			}
			return
		}
		c.buf, c.long, c.done = buf, long, make(chan struct{})
		p.parse <- c
		p.order <- c
		p.a.progress.update()
	}
}

// work parses chunks with its own parser, counting into t, and prepares
// their packets for the engines (signatures.Preparer): the dispatcher and
// the engines, on other cores, read the small Prepared records and the
// port keys, not the parsed Packets.
func (p *pipeline) work(t *counts) {
	a := p.a
	lp := logline.New(logline.Options{Reference: p.in.mtime, Source: "file:" + p.in.name, Boot: a.boot})
	pr := a.shards.Preparer()
	for c := range p.parse {
		if c.pkts == nil { // room for lines of ~160 bytes: grown only by shorter ones
			c.pkts = make([]sources.Packet, 0, len(c.buf)/160+1)
		}
		c.lines, c.badLine, c.badErr, c.pkts = 0, 0, nil, c.pkts[:0]
		bad := func(err error) {
			t.malformed++
			if c.badLine == 0 {
				c.badLine, c.badErr = c.lines, err
			}
		}
		for range c.long {
			c.lines++
			t.lines++
			t.tooLong++
			bad(errTooLong)
		}
		eachLine(c.buf, func(line []byte) {
			c.lines++
			t.lines++
			if len(line) > logline.MaxLineLen+2 {
				t.tooLong++
				bad(errTooLong)
				return
			}
			c.pkts = append(c.pkts, sources.Packet{})
			ok, err := a.take(lp, line, &c.pkts[len(c.pkts)-1], t)
			if err != nil {
				bad(err)
			}
			if !ok {
				c.pkts = c.pkts[:len(c.pkts)-1]
			}
		})
		c.preps, c.ports = slices.Grow(c.preps[:0], len(c.pkts)), slices.Grow(c.ports[:0], len(c.pkts))
		for i := range c.pkts {
			c.preps = append(c.preps, signatures.Prepared{})
			pr.Prepare(&c.pkts[i], &c.preps[i])
			c.ports = append(c.ports, portKey(&c.pkts[i]))
		}
		close(c.done)
	}
}

// dispatch dates the packets of each chunk, in input order, on the shared
// timeline and hands the chunk to every engine.
func (p *pipeline) dispatch() {
	a, sh := p.a, p.a.shards
	base := 0 // lines of the input before the chunk
	for c := range p.order {
		<-c.done
		if c.badLine > 0 && a.counts.firstMalformed == "" {
			a.counts.firstMalformed = fmt.Sprintf("%s:%d: %v", p.in.name, base+c.badLine, c.badErr)
		}
		base += c.lines
		c.engine, c.stamps = c.engine[:0], c.stamps[:0]
		for i := range c.preps {
			a.counts.portOf(c.ports[i])
			e, st := sh.StampPrepared(&c.preps[i])
			c.engine, c.stamps = append(c.engine, int32(e)), append(c.stamps, st)
		}
		c.pending.Store(int32(len(p.engine)))
		for _, ch := range p.engine {
			ch <- c
		}
	}
	for _, ch := range p.engine {
		close(ch)
	}
}

// count counts engine i's packets of each chunk, and frees the chunk when
// every engine is done with it.
func (p *pipeline) count(i int) {
	sh := p.a.shards
	for c := range p.engine[i] {
		for k, e := range c.engine {
			if int(e) == i {
				sh.CountPrepared(i, &c.preps[k], &c.stamps[k])
			}
		}
		if c.pending.Add(-1) == 0 {
			p.free <- c
		}
	}
}
