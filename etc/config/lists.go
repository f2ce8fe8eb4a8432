package config

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/ifw/ifw/etc"
	"github.com/ifw/ifw/signatures"
	"github.com/ifw/ifw/signatures/rules"
)

// SystemSignatures is read when no signature file is named; the set built
// into the binary is the fallback.
const SystemSignatures = "/etc/ifw/signatures"

// LoadLists reads the files the section names: the auto_dl file into
// Engine.AutoDL, and the signature sets, merged.
func (d *Detect) LoadLists() (*rules.Set, error) {
	if d.AutoDL != "" {
		fh, err := openRegular(d.AutoDL, maxListFile)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		if d.Engine.AutoDL, err = signatures.ParseAutoDL(fh, d.AutoDL); err != nil {
			return nil, err
		}
	}
	return loadSignatures(d.Signatures)
}

// loadSignatures reads and merges signature files, telling psad's format
// from ifw's by its first rule; with no files it reads the system file or
// the shipped set.
func loadSignatures(files []string) (*rules.Set, error) {
	if len(files) == 0 {
		if _, err := os.Stat(SystemSignatures); err == nil {
			files = []string{SystemSignatures}
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
