package alerts

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/netip"
	"reflect"
	"slices"
	"testing"
	"time"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// TestBlockLifecycle: add, re-block (an update, not a second row), remove,
// block again (a new row), and what every query sees at each step.
func TestBlockLifecycle(t *testing.T) { testBlockLifecycle(t, sqliteDriver) }

func testBlockLifecycle(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	p := pfx("198.51.100.7/32")
	first := Block{Prefix: p, Reason: "syn scan", Level: 5, Source: BlockAuto, Created: t0, Expires: t0.Add(time.Hour)}
	id, err := s.AddBlock(ctx, first)
	if err != nil || id <= 0 {
		t.Fatalf("AddBlock: %d %v", id, err)
	}
	first.ID, first.Family = id, 4
	mustActive(t, s, first)

	again := Block{Prefix: p, Reason: "by hand", Level: 0, Source: BlockManual, Created: t0.Add(time.Minute)}
	if id2, err := s.AddBlock(ctx, again); err != nil || id2 != id {
		t.Fatalf("re-block: id %d (want %d) %v", id2, id, err)
	}
	updated := first
	updated.Reason, updated.Level, updated.Source, updated.Expires = "by hand", 0, BlockManual, time.Time{}
	mustActive(t, s, updated)

	removedAt := t0.Add(2 * time.Minute)
	if err := s.RemoveBlock(ctx, p, RemovedDeleted, removedAt); err != nil {
		t.Fatal(err)
	}
	mustActive(t, s)
	if err := s.RemoveBlock(ctx, p, RemovedDeleted, removedAt); !errors.Is(err, ErrNotBlocked) {
		t.Errorf("second remove: %v, want ErrNotBlocked", err)
	}
	id3, err := s.AddBlock(ctx, Block{Prefix: p, Reason: "again", Level: 5, Source: BlockAuto, Created: t0.Add(time.Hour)})
	if err != nil || id3 == id {
		t.Fatalf("block after removal: id %d %v", id3, err)
	}
	all, err := s.Blocks(ctx, BlockQuery{IncludeRemoved: true})
	if err != nil || len(all) != 2 || all[0].ID != id3 || all[1].ID != id {
		t.Fatalf("history: %+v %v", all, err)
	}
	updated.Removed, updated.RemovedWhy = removedAt, RemovedDeleted
	if !reflect.DeepEqual(all[1], updated) {
		t.Errorf("removed block:\n%+v\nwant\n%+v", all[1], updated)
	}
	for _, tt := range []struct {
		since time.Time
		want  int
	}{{time.Time{}, 1}, {t0, 1}, {t0.Add(time.Second), 0}, {t0.Add(2 * time.Hour), 0}} { // the active one is no earlier block
		if n, err := s.BlockCount(ctx, p, tt.since); err != nil || n != tt.want {
			t.Errorf("BlockCount since %v: %d %v, want %d", tt.since, n, err, tt.want)
		}
	}
}

func mustActive(t *testing.T, s *Store, want ...Block) {
	t.Helper()
	got, err := s.ActiveBlocks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want == nil {
		want = []Block{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("active blocks:\n%+v\nwant\n%+v", got, want)
	}
}

func TestBlockQueries(t *testing.T) { testBlockQueries(t, sqliteDriver) }

func testBlockQueries(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	prefixes := []string{"198.51.100.7/32", "203.0.113.0/24", "2001:db8::/64", "198.51.100.7/32"}
	for i, p := range prefixes {
		b := Block{Prefix: pfx(p), Reason: "r", Level: 3, Source: BlockManual, Created: t0.Add(time.Duration(i) * time.Minute)}
		if _, err := s.AddBlock(ctx, b); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := s.RemoveBlock(ctx, b.Prefix, RemovedExpired, t0.Add(30*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name string
		q    BlockQuery
		want []string // prefixes, newest first
	}{
		{"active", BlockQuery{}, []string{"198.51.100.7/32", "2001:db8::/64", "203.0.113.0/24"}},
		{"all", BlockQuery{IncludeRemoved: true}, []string{"198.51.100.7/32", "2001:db8::/64", "203.0.113.0/24", "198.51.100.7/32"}},
		{"prefix", BlockQuery{Prefix: pfx("198.51.100.7/32"), IncludeRemoved: true}, []string{"198.51.100.7/32", "198.51.100.7/32"}},
		{"prefix active", BlockQuery{Prefix: pfx("198.51.100.7/32")}, []string{"198.51.100.7/32"}},
		{"since", BlockQuery{Since: t0.Add(2 * time.Minute), IncludeRemoved: true}, []string{"198.51.100.7/32", "2001:db8::/64"}},
		{"limit", BlockQuery{Limit: 1}, []string{"198.51.100.7/32"}},
		{"none", BlockQuery{Prefix: pfx("192.0.2.0/24")}, []string{}},
	}
	for _, tt := range tests {
		got, err := s.Blocks(ctx, tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		names := []string{}
		for _, b := range got {
			names = append(names, b.Prefix.String())
		}
		if !slices.Equal(names, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, names, tt.want)
		}
	}
	v6, _ := s.Blocks(ctx, BlockQuery{Prefix: pfx("2001:db8::/64")})
	if len(v6) != 1 || v6[0].Family != 6 || !v6[0].Permanent() || !v6[0].Active() {
		t.Errorf("IPv6 block %+v", v6)
	}
}

func TestAddBlockRefuses(t *testing.T) { testAddBlockRefuses(t, sqliteDriver) }

func testAddBlockRefuses(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	ok := Block{Prefix: pfx("198.51.100.7/32"), Level: 5, Source: BlockAuto}
	tests := []struct {
		name   string
		change func(*Block)
	}{
		{"no prefix", func(b *Block) { b.Prefix = netip.Prefix{} }},
		{"level", func(b *Block) { b.Level = 6 }},
		{"negative level", func(b *Block) { b.Level = -1 }},
		{"source", func(b *Block) { b.Source = "script" }},
		{"no source", func(b *Block) { b.Source = "" }},
	}
	for _, tt := range tests {
		b := ok
		tt.change(&b)
		if _, err := s.AddBlock(ctx, b); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", tt.name, err)
		}
	}
	if err := s.RemoveBlock(ctx, ok.Prefix, "gone", time.Time{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("RemoveBlock with a bad reason: %v", err)
	}
	mustActive(t, s)
}

// TestAddBlockNormalises: an unmasked prefix is stored masked, a zero
// creation time is now.
func TestAddBlockNormalises(t *testing.T) { testAddBlockNormalises(t, sqliteDriver) }

func testAddBlockNormalises(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	before := time.Now()
	if _, err := s.AddBlock(ctx, Block{Prefix: pfx("203.0.113.77/24"), Source: BlockManual}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ActiveBlocks(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("%+v %v", got, err)
	}
	if got[0].Prefix != pfx("203.0.113.0/24") || got[0].Created.Before(before.Truncate(time.Microsecond)) {
		t.Errorf("stored %+v", got[0])
	}
	if err := s.RemoveBlock(ctx, pfx("203.0.113.5/24"), RemovedDeleted, time.Time{}); err != nil {
		t.Errorf("remove by an unmasked prefix: %v", err)
	}
}

func TestBlockJSON(t *testing.T) {
	b := Block{ID: 1, Prefix: pfx("2001:db8::/64"), Family: 6, Reason: "r", Level: 2, Source: BlockBulk, Created: t0}
	var m map[string]any
	raw, _ := json.Marshal(b)
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	want := []string{"created", "family", "host", "id", "level", "prefix", "reason", "scope", "source"}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v (expires and removed absent when zero)", keys, want)
	}
	b.Expires, b.Removed, b.RemovedWhy = t0.Add(time.Hour), t0.Add(time.Minute), RemovedDeleted
	raw, _ = json.Marshal(b)
	var back Block
	if err := json.Unmarshal(raw, &back); err != nil || !reflect.DeepEqual(back, b) {
		t.Errorf("round trip %s: %+v %v", raw, back, err)
	}
}

// TestMigrateToBlocks: a schema-1 database (before blocks) keeps its
// alerts and gains the blocks table.
func TestMigrateToBlocks(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{createVersionTable, migrations[0],
		`INSERT INTO schema_version(version, applied) VALUES(1, 0)`,
		`INSERT INTO alerts(time, host, src, level, prev_level, reasons, packets, first_seen, last_seen,
			destination_count, destinations, scans, signatures, os, tool, trusted, collector)
			VALUES(1, 'gw', '198.51.100.7', 5, 4, 'level', 10, 1, 1, 1, '[]', '[]', '[]', '', '', 1, 'kmsg')`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s := openAt(t, Config{Path: path})
	if as, err := s.Alerts(ctx, Query{}); err != nil || len(as) != 1 {
		t.Fatalf("alerts after migration: %d %v", len(as), err)
	}
	if _, err := s.AddBlock(ctx, Block{Prefix: pfx("198.51.100.7/32"), Level: 5, Source: BlockAuto}); err != nil {
		t.Fatal(err)
	}
}

func TestBlocksClosedAndReadOnly(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	s := openAt(t, Config{Path: path})
	s.Close()
	b := Block{Prefix: pfx("198.51.100.7/32"), Source: BlockManual}
	if _, err := s.AddBlock(ctx, b); !errors.Is(err, ErrClosed) {
		t.Errorf("AddBlock on a closed store: %v", err)
	}
	if _, err := s.ActiveBlocks(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("ActiveBlocks on a closed store: %v", err)
	}
	ro := openAt(t, Config{Path: path, ReadOnly: true})
	if _, err := ro.AddBlock(ctx, b); !errors.Is(err, ErrReadOnly) {
		t.Errorf("AddBlock read-only: %v", err)
	}
	if err := ro.RemoveBlock(ctx, b.Prefix, RemovedDeleted, time.Time{}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("RemoveBlock read-only: %v", err)
	}
	if got, err := ro.Blocks(ctx, BlockQuery{IncludeRemoved: true}); err != nil || len(got) != 0 {
		t.Errorf("Blocks read-only: %v %v", got, err)
	}
}
