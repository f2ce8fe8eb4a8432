package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/sources"
)

// collector is one configured source with the means to save where it is.
type collector struct {
	kind     string
	src      sources.Source
	position func() ([]byte, error) // nil: nothing to resume
}

// collectorTypes is the explicit table of collector types: how each is
// made from its section, resuming from the position the last run saved
// (nil: none).
var collectorTypes = map[string]func(s config.Source, resume []byte, log *slog.Logger) (*collector, error){
	"kmsg": buildKmsg, "file": buildFile, "journal": buildJournal, "nflog": buildNflog,
}

// givenType is the type shown for a collector handed in by Options.
const givenType = "given"

// buildCollectors makes every configured collector, resuming each from the
// position the last run saved.
func (d *Daemon) buildCollectors(ctx context.Context) error {
	if d.opts.Sources != nil {
		for _, src := range d.opts.Sources {
			d.collectors = append(d.collectors, &collector{kind: givenType, src: src})
		}
		return nil
	}
	for _, s := range d.cfg.Sources {
		resume, _, err := d.store.State(ctx, stateSourcePrefix+s.Name)
		if err != nil {
			d.log.Warn("collector position not read", "collector", s.Name, "err", err)
		}
		c, err := collectorTypes[s.Type](s, resume, d.log.With("collector", s.Name))
		if err != nil {
			return fmt.Errorf("collector %s: %w", s.Name, err)
		}
		c.kind = s.Type
		d.collectors = append(d.collectors, c)
	}
	return nil
}

// errNoPosition: the collector has handed nothing on yet.
var errNoPosition = errors.New("no position yet")

// jsonPosition returns a position function encoding get's value as JSON.
func jsonPosition[T any](get func() T) func() ([]byte, error) {
	return func() ([]byte, error) { return json.Marshal(get()) }
}

// decodeResume decodes a saved position into v; a bad one is ignored (the
// collector starts as on a first run) and reported.
func decodeResume(resume []byte, v any, log *slog.Logger) bool {
	if len(resume) == 0 {
		return false
	}
	if err := json.Unmarshal(resume, v); err != nil {
		log.Warn("saved position ignored", "err", err)
		return false
	}
	return true
}
