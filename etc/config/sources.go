package config

import (
	"fmt"
	"strconv"

	"github.com/ifw/ifw/sources/journal"
	"github.com/ifw/ifw/sources/kmsg"
	"github.com/ifw/ifw/sources/logfile"
	"github.com/ifw/ifw/sources/nflog"
)

// Source is one [source NAME] section: a collector. Its type's Config is
// filled (Name included); the daemon adds where the last run stopped.
type Source struct {
	Name string
	// Type is kmsg, file, journal or nflog: which of the Configs is the
	// collector's.
	Type    string
	Kmsg    kmsg.Config
	File    logfile.Config
	Journal journal.Config
	Nflog   nflog.Config
	at      where
}

func newSource(name, typ string, w where) Source {
	return Source{Name: name, Type: typ, at: w,
		Kmsg:    kmsg.Config{Name: name, StartAtEnd: true},
		File:    logfile.Config{Name: name},
		Journal: journal.Config{Name: name, StartAtEnd: true},
		Nflog:   nflog.Config{Name: name}}
}

// sourceKinds is the table of collector types.
var sourceKinds = map[string]kind[Source]{
	"kmsg": {keys: keys[Source]{
		"path":  func(v string, s *Source) error { return absPath(v, &s.Kmsg.Path) },
		"start": func(v string, s *Source) error { return startAtEnd(v, &s.Kmsg.StartAtEnd) },
	}, check: func(s *Source) error { return s.Kmsg.Validate() }},
	"file": {keys: keys[Source]{
		"path":    func(v string, s *Source) error { return absPath(v, &s.File.Path) },
		"rotated": func(v string, s *Source) error { return absPaths(v, &s.File.Rotated) },
		"start": func(v string, s *Source) error {
			var atEnd bool
			err := startAtEnd(v, &atEnd)
			s.File.FromStart = !atEnd
			return err
		},
	}, required: []string{"path"}, check: func(s *Source) error { return s.File.Validate() }},
	"journal": {keys: keys[Source]{
		"start":      func(v string, s *Source) error { return startAtEnd(v, &s.Journal.StartAtEnd) },
		"directory":  func(v string, s *Source) error { return absPath(v, &s.Journal.Directory) },
		"journalctl": func(v string, s *Source) error { return text(v, &s.Journal.JournalctlPath) },
	}, check: func(s *Source) error { return s.Journal.Validate() }},
	"nflog": {keys: keys[Source]{
		"group": func(v string, s *Source) error {
			n, err := strconv.ParseUint(v, 10, 16)
			if err != nil {
				return fmt.Errorf("%q is not an NFLOG group (0-65535)", v)
			}
			s.Nflog.Group = uint16(n)
			return nil
		},
		"copy_range": func(v string, s *Source) error {
			var n int
			err := intRange(v, 1, 0xffff, &n)
			s.Nflog.CopyRange = uint16(n)
			return err
		},
		"netns": func(v string, s *Source) error { return absPath(v, &s.Nflog.NetNS) },
	}, required: []string{"group"}, check: func(s *Source) error { return s.Nflog.Validate() }},
}

// startAtEnd reads start = end | beginning.
func startAtEnd(v string, atEnd *bool) error {
	if v != "end" && v != "beginning" {
		return fmt.Errorf("%q: want end or beginning", v)
	}
	*atEnd = v == "end"
	return nil
}
