package daemon

import (
	"errors"
	"maps"
	"sync"

	"github.com/ifw/ifw/actions/block"
	"github.com/ifw/ifw/actions/whitelist"
	"github.com/ifw/ifw/alerts"
)

// blockCounts counts the blocks asked for since the start, for the
// status and the metrics: made, refused (by why), skipped by the
// auto-block regex.
type blockCounts struct {
	mu        sync.Mutex
	made      map[alerts.BlockSource]uint64
	refused   map[alerts.BlockSource]map[string]uint64
	regexSkip uint64
}

func newBlockCounts() *blockCounts {
	return &blockCounts{made: map[alerts.BlockSource]uint64{}, refused: map[alerts.BlockSource]map[string]uint64{}}
}

// add counts the result of one block asked for by source.
func (c *blockCounts) add(source alerts.BlockSource, err error) {
	if source == "" {
		source = alerts.BlockManual
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.made[source]++
		return
	}
	m := c.refused[source]
	if m == nil {
		m = map[string]uint64{}
		c.refused[source] = m
	}
	m[refusedWhy(err)]++
}

func (c *blockCounts) skippedByRegex() {
	c.mu.Lock()
	c.regexSkip++
	c.mu.Unlock()
}

// snapshot copies the counts.
func (c *blockCounts) snapshot() (made map[alerts.BlockSource]uint64, refused map[alerts.BlockSource]map[string]uint64, regexSkip uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	refused = make(map[alerts.BlockSource]map[string]uint64, len(c.refused))
	for s, m := range c.refused {
		refused[s] = maps.Clone(m)
	}
	return maps.Clone(c.made), refused, c.regexSkip
}

// refusedWhy is why a block was not made, in a few words: the
// never-block list's reason, "kernel", or "error".
func refusedWhy(err error) string {
	var re *whitelist.RefusedError
	var ke *block.KernelError
	switch {
	case errors.As(err, &re):
		return re.Why.String()
	case errors.As(err, &ke):
		return "kernel"
	}
	return "error"
}
