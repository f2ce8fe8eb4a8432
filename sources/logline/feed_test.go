package logline

import (
	"context"
	"testing"

	"github.com/ifw/ifw/sources"
)

func TestFeed(t *testing.T) {
	p := New(Options{Source: "test", Trusted: true})
	var st sources.Stats
	out := make(chan *sources.Packet, 4)
	var bad []error
	ctx := context.Background()
	for _, l := range []string{body4, "hello", "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 TTL=999"} {
		if err := p.Feed(ctx, []byte(l), out, &st, func(err error) { bad = append(bad, err) }); err != nil {
			t.Fatal(err)
		}
	}
	s := st.Snapshot()
	if s.Lines != 3 || s.Packets != 1 || s.Skipped != 1 || s.Malformed != 1 || len(bad) != 1 || len(out) != 1 {
		t.Errorf("stats %+v, %d malformed callbacks, %d packets", s, len(bad), len(out))
	}
	if pkt := <-out; !pkt.Trusted || pkt.Source != "test" {
		t.Errorf("packet %+v", pkt)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	full := make(chan *sources.Packet)
	if err := p.Feed(cctx, []byte(body4), full, &st, nil); err == nil {
		t.Error("Feed on a cancelled context with nobody receiving returned nil")
	}
}
