package control

import "testing"

// TestFeedSlowReaderIsToldWhatItLost: a stream that does not keep up
// loses its oldest events and learns how many, so that it re-fetches;
// publishing never waits for it.
func TestFeedSlowReaderIsToldWhatItLost(t *testing.T) {
	f := NewFeed()
	sub, cancel, err := f.subscribe(1000, false)
	if err != nil {
		t.Fatal(err)
	}
	defer cancel()
	const lost = 10
	for range feedBuffer + lost - 1 {
		f.Changed(StreamBlocks)
	}
	f.Changed(StreamSettings)
	var last StreamEvent
	n := 0
	for len(sub.ch) > 0 {
		last = <-sub.ch
		n++
	}
	if n != feedBuffer || last.Kind != StreamSettings || last.Dropped != lost {
		t.Errorf("read %d events, the last %+v; want %d, the settings note, %d dropped", n, last, feedBuffer, lost)
	}
}

// TestFeedBounds: a uid gets a bounded share of the streams, root is
// never refused, and a closed feed refuses everyone.
func TestFeedBounds(t *testing.T) {
	f := NewFeed()
	for range feedMaxSubsPerUID {
		if _, _, err := f.subscribe(1000, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := f.subscribe(1000, false); err != errFeedUIDFull {
		t.Errorf("one stream too many: %v, want %v", err, errFeedUIDFull)
	}
	if _, _, err := f.subscribe(0, true); err != nil {
		t.Errorf("root refused: %v", err)
	}
	f.Close()
	if _, _, err := f.subscribe(0, true); err == nil {
		t.Error("a closed feed took a stream")
	}
}
