package spool

import (
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkAppend: one 512-byte record (an alert's size in JSON) per op,
// fsync'd each, fsync'd at most every 200 ms (the daemon's), and without
// fsync.
func BenchmarkAppend(b *testing.B) {
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"fsync", Config{}},
		{"group200ms", Config{SyncEvery: 200 * time.Millisecond}},
		{"nosync", Config{NoSync: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			cfg := c.cfg
			cfg.Dir = filepath.Join(b.TempDir(), "spool")
			s, err := New(cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			p := make([]byte, 512)
			b.SetBytes(int64(len(p)))
			for b.Loop() {
				if err := s.Append(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDrain: peek and acknowledge 512-byte records, 256 at a time.
func BenchmarkDrain(b *testing.B) {
	s, err := New(Config{Dir: filepath.Join(b.TempDir(), "spool"), NoSync: true, MaxRecords: 1 << 30}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	p := make([]byte, 512)
	for range b.N {
		if err := s.Append(p); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(p)))
	b.ResetTimer()
	n := 0
	for n < b.N {
		rs, err := s.Peek(256)
		if err != nil || len(rs) == 0 {
			b.Fatalf("%d of %d: %v", n, b.N, err)
		}
		if err := s.Ack(rs[len(rs)-1]); err != nil {
			b.Fatal(err)
		}
		n += len(rs)
	}
}
