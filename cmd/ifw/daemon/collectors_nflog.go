package daemon

import (
	"log/slog"

	"github.com/ifw/ifw/etc/config"
	"github.com/ifw/ifw/sources/nflog"
)

// buildNflog makes an NFLOG collector: trusted, live only (the kernel
// keeps no history to resume from).
func buildNflog(s config.Source, _ []byte, log *slog.Logger) (*collector, error) {
	src, err := nflog.New(s.Nflog, log)
	if err != nil {
		return nil, err
	}
	return &collector{src: src}, nil
}
