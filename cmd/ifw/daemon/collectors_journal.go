package daemon

import (
	"log/slog"

	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/sources/journal"
)

// buildJournal makes a journal collector (journalctl -k): trusted only for
// entries of the kernel transport, resumed by cursor.
func buildJournal(s config.Source, resume []byte, log *slog.Logger) (*collector, error) {
	cfg := s.Journal
	var cursor string
	if decodeResume(resume, &cursor, log) && cursor != "" {
		cfg.AfterCursor = cursor
	}
	src, err := journal.New(cfg, log)
	if err != nil {
		return nil, err
	}
	return &collector{src: src, position: func() ([]byte, error) {
		c := src.LastCursor()
		if c == "" {
			return nil, errNoPosition
		}
		return jsonPosition(func() string { return c })()
	}}, nil
}
