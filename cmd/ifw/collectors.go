package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ifw/ifw/sources"
)

// collector is one configured source with the means to save where it is.
type collector struct {
	kind     string
	src      sources.Source
	position func() ([]byte, error) // nil: nothing to resume
}

// collectorType is what ifw.conf may say of one kind of collector and how
// to build it; resume is the position the last run saved (nil: none).
type collectorType struct {
	keys     map[string]func(string) error
	required []string
	build    func(s sourceSettings, resume []byte, log *slog.Logger) (*collector, error)
}

// collectorTypes is the explicit table of collector kinds.
var collectorTypes = map[string]collectorType{
	"kmsg": {keys: map[string]func(string) error{"path": absPath, "start": startValue}, build: buildKmsg},
	"file": {keys: map[string]func(string) error{"path": absPath, "rotated": absPaths, "start": startValue},
		required: []string{"path"}, build: buildFile},
	"journal": {keys: map[string]func(string) error{"start": startValue, "directory": absPath, "journalctl": anyValue},
		build: buildJournal},
	"nflog": {keys: map[string]func(string) error{"group": groupValue, "copy_range": copyRangeValue, "netns": absPath},
		required: []string{"group"}, build: buildNflog},
}

// buildCollectors makes every configured collector, resuming each from the
// position the last run saved.
func (d *ifwd) buildCollectors(ctx context.Context) error {
	for _, s := range d.cfg.sources {
		resume, _, err := d.store.State(ctx, stateSourcePrefix+s.name)
		if err != nil {
			d.log.Warn("collector position not read", "collector", s.name, "err", err)
		}
		c, err := collectorTypes[s.kind].build(s, resume, d.log.With("collector", s.name))
		if err != nil {
			return fmt.Errorf("collector %s: %w", s.name, err)
		}
		c.kind = s.kind
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

func absPath(v string) error {
	if !filepath.IsAbs(v) {
		return fmt.Errorf("%q is not an absolute path", v)
	}
	return nil
}

func absPaths(v string) error {
	for _, p := range words(v) {
		if err := absPath(p); err != nil {
			return err
		}
	}
	return nil
}

func startValue(v string) error {
	if v != "end" && v != "beginning" {
		return fmt.Errorf("%q: want end or beginning", v)
	}
	return nil
}

func anyValue(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("needs a value")
	}
	return nil
}

func groupValue(v string) error {
	_, err := strconv.ParseUint(v, 10, 16)
	if err != nil {
		return fmt.Errorf("%q is not an NFLOG group (0-65535)", v)
	}
	return nil
}

func copyRangeValue(v string) error {
	n, err := strconv.ParseUint(v, 10, 16)
	if err != nil || n < 64 {
		return fmt.Errorf("%q: want 64-65535 bytes", v)
	}
	return nil
}
