package journal

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/ifw/ifw/sources"
	"github.com/ifw/ifw/sources/logline"
)

// readBuffer holds the longest entry line accepted. A kernel line is
// about 1 KiB; as an array of byte values about 4 KiB.
const readBuffer = 1 << 20

// handler turns journal entry lines into packets; one per Run.
type handler struct {
	src    *Source
	parser *logline.Parser
	spare  *sources.Packet // a packet not handed on, for the next entry
	host   string          // the last host name, shared by its packets
}

func (s *Source) newHandler() *handler {
	return &handler{src: s, parser: logline.New(logline.Options{Source: s.cfg.Name})}
}

// read handles every line of r until r fails (io.EOF when the child
// closed its output) or ctx ends.
func (h *handler) read(ctx context.Context, r io.Reader, out chan<- *sources.Packet) error {
	br := bufio.NewReaderSize(r, readBuffer)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			h.malformed("entry longer than the read buffer", nil)
			err = skipLine(br)
		} else if len(bytes.TrimSpace(line)) > 0 {
			if ferr := h.entry(ctx, line, out); ferr != nil {
				return ferr
			}
		}
		if err != nil {
			return err
		}
	}
}

// skipLine discards the rest of a line too long for the buffer.
func skipLine(br *bufio.Reader) error {
	for {
		if _, err := br.ReadSlice('\n'); !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
}

// entry handles one JSON line; only ctx's end is an error.
func (h *handler) entry(ctx context.Context, line []byte, out chan<- *sources.Packet) error {
	h.src.stats.Lines.Add(1)
	var e entry
	if err := json.Unmarshal(line, &e); err != nil {
		h.malformed("entry is not JSON", err)
		return nil
	}
	if err := h.packet(ctx, &e, out); err != nil {
		return err
	}
	h.src.setCursor(e.Cursor)
	return nil
}

// packet parses e's message and hands on the packet, if it is one.
func (h *handler) packet(ctx context.Context, e *entry, out chan<- *sources.Packet) error {
	st := &h.src.stats
	if h.spare == nil {
		h.spare = new(sources.Packet)
	}
	pkt := h.spare
	if err := h.parser.Parse(e.Message, pkt); err != nil {
		if errors.Is(err, logline.ErrNotFirewall) {
			st.Skipped.Add(1)
		} else {
			h.malformed("malformed firewall line", err)
		}
		return nil
	}
	t, err := e.time()
	if err != nil {
		h.malformed("entry without a time", err)
		return nil
	}
	pkt.Time, pkt.Fields = t, pkt.Fields|sources.HasTime
	pkt.Trusted, pkt.Host = e.fromKernel(), h.hostname(e.Hostname)
	select {
	case out <- pkt:
		h.spare = nil
		st.Packets.Add(1)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hostname returns name as a string, reusing the last one when equal.
func (h *handler) hostname(name value) string {
	switch {
	case string(name) == h.host:
		return h.host
	case !utf8.Valid(name):
		return ""
	}
	h.host = string(name)
	return h.host
}

func (h *handler) malformed(what string, err error) {
	h.src.stats.Malformed.Add(1)
	h.src.log.Debug("journal: "+what, "err", err)
}
