package whitelist

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// Limits of a whitelist file.
const (
	// MaxFileSize bounds the whitelist file.
	MaxFileSize = 16 << 20
	// MaxLineLength bounds one line.
	MaxLineLength = 4096
	// maxErrors is how many syntax errors one Parse reports.
	maxErrors = 20
)

var errLineLength = fmt.Errorf("line longer than %d bytes", MaxLineLength)

// Parse reads a whitelist file's content; name is used in errors. Host
// names are not resolved: their Prefixes are empty. Every syntax error is
// a *SyntaxError giving file:line; several are joined (errors.Join).
func Parse(name string, data []byte) ([]Entry, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, MaxFileSize)
	}
	var entries []Entry
	var errs []error
	for i, line := range splitLines(data) {
		e, ok, err := parseLine(line)
		if err != nil {
			if len(errs) < maxErrors {
				errs = append(errs, &SyntaxError{File: name, Line: i + 1, Text: clip(line), Err: err})
			}
			continue
		}
		if ok {
			e.Line = i + 1
			entries = append(entries, e)
		}
	}
	return entries, errors.Join(errs...)
}

// parseLine reads one line; ok is false for a blank or comment line.
func parseLine(line string) (e Entry, ok bool, err error) {
	if len(line) > MaxLineLength {
		return e, false, errLineLength
	}
	text, comment := splitComment(line)
	if text == "" {
		return e, false, nil
	}
	p, host, err := parseEntry(text)
	if err != nil {
		return e, false, err
	}
	e = Entry{Text: text, Comment: comment, Host: host != ""}
	if !e.Host {
		e.Prefixes = []netip.Prefix{p}
	}
	return e, true, nil
}

// splitComment cuts a line at its first '#'.
func splitComment(line string) (text, comment string) {
	text, comment, _ = strings.Cut(line, "#")
	return strings.TrimSpace(text), strings.TrimSpace(comment)
}

// splitLines cuts data into lines without their "\n"; a last line without
// one counts, a final "\n" does not start another.
func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	data = bytes.TrimSuffix(data, []byte("\n"))
	return strings.Split(string(data), "\n")
}

// clip shortens a line quoted in an error.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
