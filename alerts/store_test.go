package alerts

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"reflect"
	"sync"
	"testing"
	"time"
)

// TestStoreRoundTrip: what AddAlert stores, Alerts returns, outcomes
// included, with increasing IDs.
func TestStoreRoundTrip(t *testing.T) { testStoreRoundTrip(t, sqliteDriver) }

func testStoreRoundTrip(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	plain := sample(t, "198.51.100.7", t0)
	withOutcomes := sample(t, "198.51.100.8", t0.Add(time.Second))
	withOutcomes.Outcomes = []Outcome{
		{Action: "notify", Time: t0.Add(2 * time.Second), OK: true},
		{Action: "block", Time: t0.Add(3 * time.Second), Error: "ipset: set is full"},
	}
	id1, err := s.AddAlert(ctx, &plain)
	if err != nil || id1 != plain.ID || id1 <= 0 {
		t.Fatalf("AddAlert: %d %v", id1, err)
	}
	id2, err := s.AddAlert(ctx, &withOutcomes)
	if err != nil || id2 <= id1 {
		t.Fatalf("AddAlert: %d %v", id2, err)
	}
	extra := Outcome{Action: "script", Time: t0.Add(4 * time.Second), OK: true}
	if err := s.AddOutcome(ctx, id1, extra); err != nil {
		t.Fatal(err)
	}
	plain.Outcomes = []Outcome{extra}
	got, err := s.Alerts(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []Alert{withOutcomes, plain}; !reflect.DeepEqual(got, want) {
		t.Errorf("stored and read differ:\n%+v\n%+v", got, want)
	}
	latest, ok, err := s.Latest(ctx, plain.Src)
	if err != nil || !ok || latest.ID != id1 {
		t.Errorf("Latest: %+v %v %v", latest, ok, err)
	}
	if _, ok, err := s.Latest(ctx, src(99)); ok || err != nil {
		t.Errorf("Latest of an unknown source: %v %v", ok, err)
	}
}

func TestAddRefuses(t *testing.T) { testAddRefuses(t, sqliteDriver) }

func testAddRefuses(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	a := sample(t, "198.51.100.7", t0)
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"no source", func() error { b := a; b.Src = netip.Addr{}; _, err := s.AddAlert(ctx, &b); return err }(), ErrInvalid},
		{"level 6", func() error { b := a; b.Level = 6; _, err := s.AddAlert(ctx, &b); return err }(), ErrInvalid},
		{"outcome of no alert", s.AddOutcome(ctx, 12345, Outcome{Action: "notify"}), ErrUnknownAlert},
		{"empty state key", s.PutState(ctx, "", []byte("x")), ErrInvalid},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) || errors.Is(tt.err, ErrStorage) {
			t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
		}
	}
	if got, _ := s.Alerts(ctx, Query{}); len(got) != 0 {
		t.Errorf("refused alerts stored: %d", len(got))
	}
}

func TestAlertsQuery(t *testing.T) { testAlertsQuery(t, sqliteDriver) }

func testAlertsQuery(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	all := addN(t, s, 20) // alert i: t0+i s, level 1+i%5, source 198.51.100.(i+1)
	ids := func(as []Alert) []int64 {
		out := []int64{}
		for _, a := range as {
			out = append(out, a.ID)
		}
		return out
	}
	tests := []struct {
		name string
		q    Query
		want []int64
	}{
		{"all, newest first", Query{}, ids(reverse(all))},
		{"limit", Query{Limit: 3}, []int64{20, 19, 18}},
		{"since", Query{Since: t0.Add(17 * time.Second)}, []int64{20, 19, 18}},
		{"until", Query{Until: t0.Add(2 * time.Second)}, []int64{2, 1}},
		{"window", Query{Since: t0.Add(5 * time.Second), Until: t0.Add(7 * time.Second)}, []int64{7, 6}},
		{"min level", Query{MinLevel: 5}, []int64{20, 15, 10, 5}},
		{"source", Query{Src: all[3].Src}, []int64{4}},
		{"source and level", Query{Src: all[3].Src, MinLevel: 5}, []int64{}},
		{"host", Query{Host: all[0].Host, Limit: 2}, []int64{20, 19}},
		{"another host", Query{Host: "sensor-b"}, []int64{}},
		{"everything", Query{Since: t0, Until: t0.Add(time.Hour), MinLevel: 4, Limit: 2}, []int64{20, 19}},
		{"page", Query{BeforeID: 18, Limit: 3}, []int64{17, 16, 15}},
		{"page and level", Query{BeforeID: 15, MinLevel: 5}, []int64{10, 5}},
		{"last page", Query{BeforeID: 1}, []int64{}},
		{"page after an id no longer stored", Query{BeforeID: 999}, []int64{}},
	}
	for _, tt := range tests {
		got, err := s.Alerts(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ids(got), tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, ids(got), tt.want)
		}
	}
}

// TestAlertsPagesTies: alerts of the same time are paged by id, so that
// paging through the list meets each alert once.
func TestAlertsPagesTies(t *testing.T) { testAlertsPagesTies(t, sqliteDriver) }

func testAlertsPagesTies(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	for i := range 7 {
		a := Alert{Time: t0.Add(time.Duration(i/3) * time.Second), Src: netip.MustParseAddr("198.51.100.9"), Level: 2}
		if _, err := s.AddAlert(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	var got []int64
	before := int64(0)
	for range 10 {
		page, err := s.Alerts(ctx, Query{BeforeID: before, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, a := range page {
			got = append(got, a.ID)
		}
		before = page[len(page)-1].ID
	}
	if want := []int64{7, 6, 5, 4, 3, 2, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("paged %v, want %v", got, want)
	}
}

func reverse(as []Alert) []Alert {
	out := make([]Alert, len(as))
	for i, a := range as {
		out[len(as)-1-i] = a
	}
	return out
}

func TestCounts(t *testing.T) { testCounts(t, sqliteDriver) }

func testCounts(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	if c, err := s.Counts(ctx, time.Time{}); err != nil || c.Total != 0 || !c.Latest.IsZero() {
		t.Fatalf("empty: %+v %v", c, err)
	}
	all := addN(t, s, 12)
	extra := all[0] // a second alert about the first source
	extra.Time, extra.Level = t0.Add(time.Minute), 5
	if _, err := s.AddAlert(ctx, &extra); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		since time.Time
		want  Counts
	}{
		{time.Time{}, Counts{Total: 13, ByLevel: [6]int{0, 3, 3, 2, 2, 3}, Sources: 12, Latest: extra.Time}},
		{t0.Add(10 * time.Second), Counts{Total: 3, ByLevel: [6]int{0, 1, 1, 0, 0, 1}, Sources: 3, Latest: extra.Time}},
		{t0.Add(time.Hour), Counts{}},
	}
	for _, tt := range tests {
		got, err := s.Counts(ctx, tt.since)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("since %v: %+v %v, want %+v", tt.since, got, err, tt.want)
		}
	}
}

func TestState(t *testing.T) { testState(t, sqliteDriver) }

func testState(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	big := bytes.Repeat([]byte{1, 2, 3, 0}, 1<<20)
	steps := []struct {
		key   string
		value []byte // nil: read only
		want  []byte
		found bool
	}{
		{"engine", nil, nil, false},
		{"engine", []byte("v1"), []byte("v1"), true},
		{"engine", []byte("v2"), []byte("v2"), true},
		{"source/kmsg", []byte{}, []byte{}, true},
		{"engine", big, big, true},
		{"source/kmsg", nil, []byte{}, true},
	}
	for i, st := range steps {
		if st.value != nil {
			if err := s.PutState(ctx, st.key, st.value); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		got, found, err := s.State(ctx, st.key)
		if err != nil || found != st.found || !bytes.Equal(got, st.want) || found && got == nil {
			t.Errorf("step %d: %q: %d bytes, found %v, err %v", i, st.key, len(got), found, err)
		}
	}
}

// TestReadWhileWriting: readers see only whole alerts while one goroutine
// writes (run with -race).
func TestReadWhileWriting(t *testing.T) { testReadWhileWriting(t, sqliteDriver) }

func testReadWhileWriting(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	a := sample(t, "198.51.100.7", t0)
	a.Outcomes = []Outcome{{Action: "notify", Time: t0, OK: true}}
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				as, err := s.Alerts(ctx, Query{Limit: 10})
				if err != nil {
					t.Error(err)
					return
				}
				for _, got := range as {
					if len(got.Outcomes) != 1 || len(got.Scans) != len(a.Scans) {
						t.Errorf("partial alert %+v", got)
						return
					}
				}
			}
		})
	}
	for i := range 200 {
		b := a
		b.Time = t0.Add(time.Duration(i) * time.Second)
		if _, err := s.AddAlert(ctx, &b); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	if c, _ := s.Counts(ctx, time.Time{}); c.Total != 200 {
		t.Errorf("total %d", c.Total)
	}
}
