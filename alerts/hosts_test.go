package alerts

import (
	"context"
	"database/sql"
	"net/netip"
	"testing"
	"time"
)

// TestAdoptHost: a SQLite database of schema 5 (before hosts) with an
// active block, a question and a state blob, opened by a daemon with a
// host, gives them that host (its blocks go on in force, its state is
// found); opened later under a new host name (the machine was renamed), it
// keeps them too.
func TestAdoptHost(t *testing.T) {
	ctx := context.Background()
	path := oldDatabase(t, 5)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO blocks(prefix, family, reason, level, source, created) VALUES('198.51.100.7/32', 4, 'scan', 4, 'auto', 1)`,
		`INSERT INTO questions(asked, closed, uid, user, exe, dst, port, proto, connections, verdict, closed_by, lifetime)
			VALUES(1, 2, 1000, 'ann', '/usr/bin/curl', '203.0.113.5', 443, 'tcp', 1, 'allow', 'timeout', '')`,
		`INSERT INTO state(key, value, updated) VALUES('engine', x'01', 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	for _, host := range []string{"gw", "gw-renamed"} {
		s := openAt(t, Config{Path: path, Host: host})
		blocks, err := s.ActiveBlocks(ctx)
		if err != nil || len(blocks) != 1 || blocks[0].Host != host || blocks[0].Prefix != netip.MustParsePrefix("198.51.100.7/32") {
			t.Errorf("%s: active blocks %+v, %v", host, blocks, err)
		}
		if err := s.RemoveBlock(ctx, blocks[0].Prefix, RemovedDeleted, time.Time{}); err != nil && host == "gw-renamed" {
			t.Errorf("%s: remove the adopted block: %v", host, err)
		}
		if host == "gw" { // in force again for the rename
			if _, err := s.AddBlock(ctx, Block{Prefix: blocks[0].Prefix, Source: BlockManual}); err != nil {
				t.Fatal(err)
			}
		}
		if qs, err := s.Questions(ctx, time.Time{}, time.Time{}); err != nil || len(qs) != 1 || qs[0].Host != host {
			t.Errorf("%s: questions %+v, %v", host, qs, err)
		}
		if v, ok, err := s.State(ctx, "engine"); err != nil || !ok || len(v) != 1 {
			t.Errorf("%s: state %v %v %v", host, v, ok, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
