package logline

import (
	"context"
	"errors"

	"github.com/ifw/ifw/sources"
)

// Feed parses one line for a text collector (kmsg, syslog file, journal):
// it counts the line, skips a non-firewall line, counts a malformed one and
// calls onMalformed (which may be nil), and sends a packet on out. It
// returns ctx.Err() if ctx ends before the packet is taken.
func (p *Parser) Feed(ctx context.Context, line []byte, out chan<- *sources.Packet, st *sources.Stats, onMalformed func(error)) error {
	st.Lines.Add(1)
	pkt := new(sources.Packet)
	if err := p.Parse(line, pkt); err != nil {
		if errors.Is(err, ErrNotFirewall) {
			st.Skipped.Add(1)
			return nil
		}
		st.Malformed.Add(1)
		if onMalformed != nil {
			onMalformed(err)
		}
		return nil
	}
	select {
	case out <- pkt:
		st.Packets.Add(1)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
