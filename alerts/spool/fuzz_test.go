package spool

import (
	"bytes"
	"testing"
)

// FuzzScan: any bytes are read without panic; every byte is either in an
// intact record or in a reported damaged span, in order; and records
// written among garbage come back intact.
func FuzzScan(f *testing.F) {
	f.Add([]byte{}, []byte("x"))
	f.Add(appendRecord(nil, []byte("hello")), []byte("world"))
	f.Add(appendRecord(appendRecord(nil, []byte("a")), []byte("b"))[:20], []byte{})
	f.Fuzz(func(t *testing.T, garbage, payload []byte) {
		const maxRecord = 256
		next := 0
		check := func(off, n int) {
			if off != next || n <= 0 {
				t.Fatalf("span at %d (+%d) after %d", off, n, next)
			}
			next = off + n
		}
		scan(garbage, maxRecord, func(off, end int, p []byte) {
			check(off, end-off)
			if _, size, ok := recordAt(garbage[off:], maxRecord); !ok || size != end-off {
				t.Fatalf("record at %d does not check", off)
			}
		}, check)
		if next != len(garbage) {
			t.Fatalf("covered %d of %d bytes", next, len(garbage))
		}
		if len(payload) > maxRecord {
			return
		}
		b := appendRecord(append([]byte{}, garbage...), payload)
		b = appendRecord(b, payload)
		var got [][]byte
		scan(b, maxRecord, func(_, _ int, p []byte) { got = append(got, p) }, func(int, int) {})
		if len(got) < 1 || !bytes.Equal(got[len(got)-1], payload) {
			t.Fatalf("the record after garbage is lost: %q", got)
		}
	})
}
