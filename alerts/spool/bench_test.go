package spool

import (
	"path/filepath"
	"testing"
)

// BenchmarkAppend: one 512-byte record (an alert's size in JSON) per op,
// fsync'd as the daemon does, and without fsync.
func BenchmarkAppend(b *testing.B) {
	for _, sync := range []bool{true, false} {
		name := map[bool]string{true: "fsync", false: "nosync"}[sync]
		b.Run(name, func(b *testing.B) {
			s, err := New(Config{Dir: filepath.Join(b.TempDir(), "spool"), NoSync: !sync}, nil)
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
