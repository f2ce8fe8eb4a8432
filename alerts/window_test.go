package alerts

import (
	"context"
	"database/sql"
	"errors"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/ifw/ifw/signatures"
)

// oldDatabase makes a database at schema version v, as an older ifw left
// it, with one alert.
func oldDatabase(t *testing.T, v int) string {
	t.Helper()
	path := tempPath(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(createVersionTable); err != nil {
		t.Fatal(err)
	}
	for i, m := range migrations[:v] {
		if _, err := db.Exec(m); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO schema_version(version, applied) VALUES(?, 0)`, i+1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO alerts(time, host, src, level, prev_level, reasons, packets, first_seen, last_seen,
		destination_count, destinations, scans, signatures, os, tool, trusted, collector)
		VALUES(1, 'gw', '198.51.100.7', 3, 0, 'level', 15, 1, 1, 1, '[]', '[]', '[]', '', '', 1, 'kmsg')`); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOldDatabase: a database of schema 3 (before windows and ports)
// opens read-only, its alert without ports and no window; then it is
// migrated, keeps its alert and stores windows and ports.
func TestOldDatabase(t *testing.T) {
	ctx := context.Background()
	path := oldDatabase(t, 3)
	ro := openAt(t, Config{Path: path, ReadOnly: true})
	if ws, err := ro.Windows(ctx, time.Time{}, t0); err != nil || ws == nil || len(ws) != 0 {
		t.Errorf("read-only, schema 3: %v, %v", ws, err)
	}
	if as, err := ro.Alerts(ctx, Query{}); err != nil || len(as) != 1 || as[0].Ports == nil || len(as[0].Ports) != 0 {
		t.Errorf("read-only, schema 3: alerts %+v, %v", as, err)
	}
	s := openAt(t, Config{Path: path})
	if as, err := s.Alerts(ctx, Query{}); err != nil || len(as) != 1 || as[0].Packets != 15 || len(as[0].Ports) != 0 {
		t.Fatalf("alerts after migration: %+v, %v", as, err)
	}
	hits := []signatures.PortHit{{Proto: "tcp", Port: 22, Packets: 40}, {Proto: "udp", Port: 53, Packets: 3, AtLeast: true}}
	a := Alert{Time: t0, Src: netip.MustParseAddr("198.51.100.8"), Level: 2, Ports: hits}
	if _, err := s.AddAlert(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := s.Latest(ctx, a.Src); err != nil || !ok || !reflect.DeepEqual(got.Ports, hits) {
		t.Errorf("ports stored %+v, %v", got.Ports, err)
	}
	w := signatures.Window{Src: netip.MustParseAddr("198.51.100.7"), FirstSeen: t0, LastSeen: t0.Add(time.Minute), Packets: 102, Level: 3}
	if err := s.PutWindows(ctx, []signatures.Window{w}); err != nil {
		t.Fatal(err)
	}
	if ws, err := s.Windows(ctx, t0, t0.Add(time.Hour)); err != nil || len(ws) != 1 || ws[0] != w {
		t.Errorf("windows %+v, %v", ws, err)
	}
}

// TestPutWindows: a window stored again keeps its largest count and
// latest packet; Windows gives those whose last packet falls in the
// period; bad windows store nothing.
func TestPutWindows(t *testing.T) { testPutWindows(t, sqliteDriver) }

func testPutWindows(t *testing.T, db dbKind) {
	ctx := context.Background()
	s := db.open(t)
	a, b := netip.MustParseAddr("198.51.100.7"), netip.MustParseAddr("2001:db8::66")
	win := func(src netip.Addr, first, last time.Duration, packets, level int) signatures.Window {
		return signatures.Window{Src: src, FirstSeen: t0.Add(first), LastSeen: t0.Add(last), Packets: packets, Level: level}
	}
	for _, batch := range [][]signatures.Window{
		{win(a, 0, time.Minute, 50, 2), win(b, time.Hour, 2*time.Hour, 7, 1)},
		{win(a, 0, 2*time.Minute, 102, 3)},
		{win(a, 0, time.Minute, 60, 2)},             // an older picture: changes nothing
		{win(a, 5*time.Hour, 6*time.Hour, 9, 1)},    // a later window of the same source
		{win(a, -3*time.Hour, -2*time.Hour, 30, 2)}, // an earlier one
	} {
		if err := s.PutWindows(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Windows(ctx, t0, t0.Add(90*time.Minute))
	want := []signatures.Window{win(a, 0, 2*time.Minute, 102, 3)} // b's last packet is after the period
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("windows %+v, %v; want %+v", got, err, want)
	}
	bad := []signatures.Window{win(a, 7*time.Hour, 8*time.Hour, 1, 1), {Src: a, Packets: 3}}
	if err := s.PutWindows(ctx, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("window without first packet: %v", err)
	}
	if got, _ := s.Windows(ctx, t0.Add(7*time.Hour), t0.Add(9*time.Hour)); len(got) != 0 {
		t.Errorf("part of a bad batch stored: %+v", got)
	}
}
