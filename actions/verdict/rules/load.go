package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/ifw/ifw/etc"
)

// Load reads the rules file at path and makes its rules the Set's saved
// (Permanent and Timed) rules, replacing those it had; Session and Once
// rules stay. A missing file is no rules, not an error. It returns the
// number of rules the file holds.
//
// A rule identical to one the Set already had (everything equal but ID,
// Created and Note) keeps its ID, counters and, if the file gives none,
// Created, so `ifw rules del N` means the same rule across reloads. New
// rules get new IDs, and Created now when the file gives none.
//
// On any error (*ParseError lines "path:line: …", joined) nothing changes.
// Load does not resolve host names: call Resolve after it.
func (s *Set) Load(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("rules: %w", err)
	}
	rs, err := Parse(bytes.NewReader(data), path, s.opts.Users)
	if err != nil {
		return 0, err
	}
	now := time.Now()
	err = s.change(func(c *changeSet) error {
		c.items = s.merge(c.items, rs, now)
		return nil
	})
	return len(rs), err
}

// merge keeps the unsaved items and adds the file's rules, reusing the ID
// and stats of identical saved items. Called under mu.
func (s *Set) merge(items []item, file []Rule, now time.Time) []item {
	old := make(map[Rule]item)
	var out []item
	for _, it := range items {
		if it.rule.Lifetime.saved() {
			old[identity(it.rule)] = it
		} else {
			out = append(out, it)
		}
	}
	for _, r := range file {
		prev, had := old[identity(r)]
		switch {
		case had:
			r.ID = prev.rule.ID
			if r.Created.IsZero() {
				r.Created = prev.rule.Created
			}
			out = append(out, item{rule: r, st: prev.st})
		default:
			r.ID = s.newID()
			if r.Created.IsZero() {
				r.Created = now.Round(0).UTC().Truncate(time.Second)
			}
			out = append(out, item{rule: r, st: newStats(now)})
		}
	}
	return out
}

// Save writes the saved rules (Saved, with Format's header) to path
// atomically: a temporary file in the same directory, synced, renamed
// over path, mode 0644; the directory is created (0755) if missing.
func (s *Set) Save(path string) error {
	var b bytes.Buffer
	if err := Format(&b, s.Saved()); err != nil {
		return err
	}
	if err := etc.Replace(path, b.Bytes()); err != nil {
		return fmt.Errorf("rules: saving %s: %w", path, err)
	}
	return nil
}
