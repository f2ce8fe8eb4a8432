package whitelist

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ifw/ifw/etc"
)

// Add appends an entry (an IP address, a CIDR network or a host name) and
// an optional comment to the whitelist file, then loads everything again.
// It returns ErrExists when the file already holds the entry, however
// spelled, refuses to edit a file with syntax errors, and refuses a host
// name that does not resolve (an *UnresolvedError; see AddEntry).
func (g *Guard) Add(entry, comment string) error {
	_, err := g.AddEntry(entry, comment, false)
	return err
}

// AddEntry is Add, returning the entry as loaded (a host name with the
// addresses it resolved to). A host name is resolved before the file is
// touched: one that does not resolve is an *UnresolvedError and the file
// stays as it was, unless allowUnresolved keeps it (to be resolved at
// every load); the entry's Err then says why it protects nothing yet.
func (g *Guard) AddEntry(entry, comment string, allowUnresolved bool) (Entry, error) {
	text := strings.TrimSpace(entry)
	_, host, err := parseEntry(text)
	if err != nil {
		return Entry{}, &SyntaxError{Text: entry, Err: err}
	}
	key, _ := entryKey(text)
	if strings.ContainsFunc(comment, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return Entry{}, &SyntaxError{Text: comment, Err: errors.New("a comment is one line without control characters")}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	data, entries, err := g.readFile()
	if err != nil {
		return Entry{}, err
	}
	if e, ok := findKey(entries, key); ok {
		return Entry{}, fmt.Errorf("%w: %s is at %s:%d", ErrExists, text, g.cfg.File, e.Line)
	}
	if host != "" && !allowUnresolved {
		if err := g.resolvable(host); err != nil {
			return Entry{}, &UnresolvedError{Host: text, Err: err}
		}
	}
	line := text
	if c := strings.TrimSpace(comment); c != "" {
		line += "  # " + c
	}
	lines := append(splitLines(data), line)
	if err := g.rewrite(lines, "added "+text); err != nil {
		return Entry{}, err
	}
	e, _ := findKey(g.snap.Load().entries, key)
	return e, nil
}

// resolvable resolves host within the resolve timeout.
func (g *Guard) resolvable(host string) error {
	ctx, cancel := context.WithTimeout(context.Background(), g.cfg.ResolveTimeout)
	defer cancel()
	addrs, err := g.resolve(ctx, host)
	if err == nil && len(addrs) == 0 {
		err = errors.New("no addresses")
	}
	return err
}

// Del removes every line holding the entry (however spelled: 10.0.0.1 and
// 10.0.0.1/32 are one entry), keeps all other lines, then loads everything
// again. It returns ErrNotFound when no line holds it.
func (g *Guard) Del(entry string) error {
	text := strings.TrimSpace(entry)
	key, err := entryKey(text)
	if err != nil {
		return &SyntaxError{Text: entry, Err: err}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	data, entries, err := g.readFile()
	if err != nil {
		return err
	}
	drop := make(map[int]bool)
	for _, e := range entries {
		if k, _ := entryKey(e.Text); k == key {
			drop[e.Line] = true
		}
	}
	if len(drop) == 0 {
		return fmt.Errorf("%w: %s is not in %s", ErrNotFound, text, g.cfg.File)
	}
	var lines []string
	for i, l := range splitLines(data) {
		if !drop[i+1] {
			lines = append(lines, l)
		}
	}
	return g.rewrite(lines, "deleted "+text)
}

// rewrite replaces the file with lines and loads again; the file is
// changed even when the load fails (the error says so).
func (g *Guard) rewrite(lines []string, what string) error {
	data := strings.Join(lines, "\n")
	if len(lines) > 0 {
		data += "\n"
	}
	if err := etc.Replace(g.cfg.File, []byte(data)); err != nil {
		return fmt.Errorf("whitelist: %w", err)
	}
	g.log.Info("whitelist file changed", "file", g.cfg.File, "change", what)
	ctx, cancel := context.WithTimeout(context.Background(), 2*g.cfg.ResolveTimeout)
	defer cancel()
	if err := g.load(ctx); err != nil {
		return fmt.Errorf("whitelist: %s in %s, but loading failed: %w", what, g.cfg.File, err)
	}
	return nil
}

func findKey(entries []Entry, key string) (Entry, bool) {
	for _, e := range entries {
		if k, _ := entryKey(e.Text); k == key {
			return e, true
		}
	}
	return Entry{}, false
}
