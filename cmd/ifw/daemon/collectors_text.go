package daemon

import (
	"encoding/json"
	"log/slog"

	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/sources/kmsg"
	"github.com/ifw/ifw/sources/logfile"
)

// buildKmsg makes a /dev/kmsg collector: trusted, resumed by boot ID and
// sequence number; a first start skips the history unless start=beginning.
func buildKmsg(s config.Source, resume []byte, log *slog.Logger) (*collector, error) {
	cfg := s.Kmsg
	var pos kmsg.Position
	if decodeResume(resume, &pos, log) {
		cfg.Resume = &pos
	}
	src, err := kmsg.New(cfg, log)
	if err != nil {
		return nil, err
	}
	return &collector{src: src, position: func() ([]byte, error) {
		p, ok := src.Position()
		if !ok {
			return nil, errNoPosition
		}
		return json.Marshal(p)
	}}, nil
}

// buildFile makes a syslog-file collector: untrusted (anyone can write a
// kernel-looking line there), resumed by inode and offset.
func buildFile(s config.Source, resume []byte, log *slog.Logger) (*collector, error) {
	cfg := s.File
	var pos logfile.Offset
	if decodeResume(resume, &pos, log) && !pos.IsZero() {
		cfg.Start, cfg.FromStart = pos, false
	}
	src, err := logfile.New(cfg, log)
	if err != nil {
		return nil, err
	}
	return &collector{src: src, position: jsonPosition(src.Position)}, nil
}
