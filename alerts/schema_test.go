package alerts

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ifw/ifw/etc"
)

func TestSchema(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	s := openAt(t, Config{Path: path})
	addN(t, s, 3)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	version := func() (n, max int) {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_version`).Scan(&n, &max); err != nil {
			t.Fatal(err)
		}
		return n, max
	}
	if n, v := version(); n != SchemaVersion() || v != SchemaVersion() {
		t.Fatalf("after create: %d rows, version %d", n, v)
	}
	s = openAt(t, Config{Path: path}) // reopening migrates nothing, keeps everything
	if as, err := s.Alerts(ctx, Query{}); err != nil || len(as) != 3 {
		t.Fatalf("after reopen: %d alerts, %v", len(as), err)
	}
	s.Close()
	if n, _ := version(); n != SchemaVersion() {
		t.Fatalf("reopen added %d versions", n-SchemaVersion())
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_version(version, applied) VALUES(99, 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, ro := range []bool{false, true} {
		_, err = Open(ctx, Config{Path: path, ReadOnly: ro}, nil)
		var se *SchemaError
		if !errors.As(err, &se) || se.Found != 99 || se.Known != SchemaVersion() {
			t.Errorf("read-only %v: newer schema: %v", ro, err)
		}
	}
}

// TestConcurrentCreate: two stores opening a new database at once both
// succeed and apply the migration once.
func TestConcurrentCreate(t *testing.T) {
	path := tempPath(t)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			s, err := Open(context.Background(), Config{Path: path}, nil)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		cfg   Config
		field string
	}{
		{Config{}, ""},
		{Config{Path: "/var/lib/ifw/ifw.db", BusyTimeout: 1, MaxReaders: 64, FullSync: true}, ""},
		{Config{Path: ":memory:"}, "database"},
		{Config{Path: "file:x.db?mode=memory"}, "database"},
		{Config{Path: "a\x00b"}, "database"},
		{Config{BusyTimeout: -1}, "busy_timeout"},
		{Config{MaxReaders: 65}, "max_readers"},
	}
	for _, tt := range tests {
		err := tt.cfg.Validate()
		var ce *etc.ConfigError
		if tt.field == "" && err != nil || tt.field != "" && (!errors.As(err, &ce) || ce.Key != tt.field || !errors.Is(err, ErrConfig)) {
			t.Errorf("%+v: %v, want field %q", tt.cfg, err, tt.field)
		}
	}
	if d := (Config{}).withDefaults(); d.Path != DefaultPath || d.BusyTimeout != DefaultBusyTimeout || d.MaxReaders != DefaultMaxReaders {
		t.Errorf("defaults %+v", d)
	}
}

// TestOddPath: a path with characters that mean something in a URI.
func TestOddPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a b#c?d%e&f", "ifw.db")
	s := openAt(t, Config{Path: path})
	addN(t, s, 2)
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) < 1 || entries[0].Name() != "ifw.db" {
		t.Errorf("files %v", entries)
	}
	if as, err := s.Alerts(context.Background(), Query{}); err != nil || len(as) != 2 {
		t.Errorf("%d alerts, %v", len(as), err)
	}
}
