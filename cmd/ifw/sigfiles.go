package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/ifw/ifw/etc"
	"github.com/ifw/ifw/signatures/rules"
)

// systemSignatures is read when no signature file is named; the set built
// into the binary is the fallback.
const systemSignatures = "/etc/ifw/signatures"

// loadSignatures reads and merges signature files, telling psad's format from
// ifw's by its first rule; with no files it reads the system file or the
// shipped set.
func loadSignatures(files []string) (*rules.Set, error) {
	if len(files) == 0 {
		if _, err := os.Stat(systemSignatures); err == nil {
			files = []string{systemSignatures}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		} else {
			return rules.Parse(bytes.NewReader(etc.Signatures), "etc/signatures (built in)")
		}
	}
	sets := make([]*rules.Set, 0, len(files))
	for _, f := range files {
		data, err := readRegular(f, maxListFile)
		if err != nil {
			return nil, err
		}
		parse := rules.Parse
		if isPsadFormat(data) {
			parse = rules.ParsePsad
		}
		s, err := parse(bytes.NewReader(data), f)
		if err != nil {
			return nil, err
		}
		sets = append(sets, s)
	}
	return rules.Merge(sets...)
}

// isPsadFormat reports whether the first rule line is a snort-style
// "alert PROTO …" line, as psad's signature file holds.
func isPsadFormat(data []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		return strings.HasPrefix(line, "alert ")
	}
	return false
}

// warnSkipped writes a file:line warning for each bad line of s.
func warnSkipped(w io.Writer, s *rules.Set) {
	for _, k := range s.Skipped() {
		if k.Kind == rules.SkipBad {
			fmt.Fprintf(w, "%s:%d: warning: rule skipped: %s\n", k.File, k.Line, k.Reason)
		}
	}
}

// logSkipped logs a warning for each bad line of s.
func logSkipped(log *slog.Logger, s *rules.Set) {
	for _, k := range s.Skipped() {
		if k.Kind == rules.SkipBad {
			log.Warn("signature rule skipped", "at", fmt.Sprintf("%s:%d", k.File, k.Line), "reason", k.Reason)
		}
	}
}
