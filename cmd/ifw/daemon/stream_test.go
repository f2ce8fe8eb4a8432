package daemon

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/cmd/ifw/control"
)

// TestDaemonStream: the management window's feed. A scan's alert comes
// on the stream as it is stored, with its auto-block outcome and block,
// after a note that the blocks changed; an unblock and the block's end
// are notes too; the report of the period is rendered by the daemon.
func TestDaemonStream(t *testing.T) {
	l := newLab(t)
	r := l.start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := make(chan control.StreamEvent, 256)
	go func() { _ = r.client.Stream(ctx, func(ev control.StreamEvent) { events <- ev }) }()
	next := func() control.StreamEvent {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case <-time.After(time.Minute):
			t.Fatal("no stream event")
		}
		return control.StreamEvent{}
	}
	if ev := next(); ev.Kind != control.StreamHello {
		t.Fatalf("first %+v", ev)
	}
	r.feed.synScan("203.0.113.5", 200)
	var blocked *control.AlertRecord
	sawBlocks := false
	for blocked == nil {
		switch ev := next(); ev.Kind {
		case control.StreamBlocks:
			sawBlocks = true
		case control.StreamAlert:
			if ev.Alert.Block != nil {
				blocked = ev.Alert
				if !sawBlocks {
					t.Error("the blocked alert came before the note that the blocks changed")
				}
			}
		}
	}
	if blocked.Src.String() != "203.0.113.5" || blocked.Block.Prefix.String() != "203.0.113.5/32" || blocked.ID == 0 ||
		len(blocked.Outcomes) == 0 || blocked.Outcomes[len(blocked.Outcomes)-1].Action != blockOutcome {
		t.Fatalf("streamed alert %+v, block %+v", blocked.Alert, blocked.Block)
	}
	if _, err := r.client.Unblock(ctx, "203.0.113.5"); err != nil {
		t.Fatal(err)
	}
	for ev := next(); ev.Kind != control.StreamBlocks; ev = next() {
	}
	var buf bytes.Buffer
	if err := r.client.Report(ctx, time.Now().Add(-time.Hour), time.Now().Add(time.Minute), &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "203.0.113.5") {
		t.Errorf("the report does not name the scanner: %.300s", buf.String())
	}
}
