package main

import (
	"log/slog"
	"strconv"

	"github.com/ifw/ifw/sources/nflog"
)

// buildNflog makes an NFLOG collector: trusted, live only (the kernel
// keeps no history to resume from).
func buildNflog(s sourceSettings, _ []byte, log *slog.Logger) (*collector, error) {
	group, _ := strconv.ParseUint(s.keys["group"], 10, 16)
	cfg := nflog.Config{Group: uint16(group), Name: s.name, NetNS: s.keys["netns"]}
	if v := s.keys["copy_range"]; v != "" {
		n, _ := strconv.ParseUint(v, 10, 16)
		cfg.CopyRange = uint16(n)
	}
	src, err := nflog.New(cfg, log)
	if err != nil {
		return nil, err
	}
	return &collector{src: src}, nil
}
