package analyze

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// FuzzChunker: the chunks hold every line of the input, whole and in
// order, but those that do not fit in one chunk, each counted where it
// was; a journal export is cut between entries where it can be.
func FuzzChunker(f *testing.F) {
	f.Add([]byte("a\nbb\n\nccc\n"), uint8(4), false)
	f.Add([]byte("__CURSOR=1\nMESSAGE=x\n\n__CURSOR=2\nMESSAGE=y\n\n"), uint8(30), true)
	f.Add([]byte("0123456789\nab\nlonglonglong"), uint8(5), true)
	f.Fuzz(func(t *testing.T, in []byte, size uint8, halves bool) {
		n := int(size)%64 + 1
		var r io.Reader = bytes.NewReader(in)
		if halves {
			r = iotest.HalfReader(r)
		}
		k := newChunker(r, n)
		var got [][]byte
		buf := make([]byte, 0, n)
		for {
			c, long, err := k.next(buf)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c) > n {
				t.Fatalf("chunk of %d bytes, size %d", len(c), n)
			}
			for range long {
				got = append(got, nil)
			}
			eachLine(c, func(l []byte) { got = append(got, bytes.Clone(l)) })
		}
		var want [][]byte
		eachLine(in, func(l []byte) {
			last := l[len(l)-1] != '\n'
			if len(l) > n || (last && len(l) == n && !halves && len(in) > n) {
				l = nil
			}
			want = append(want, l)
		})
		if len(got) != len(want) {
			t.Fatalf("%d lines, want %d:\n%q\n%q", len(got), len(want), got, want)
		}
		for i := range got {
			// The last line, without newline, exactly a chunk long, is
			// dropped when the reader had not yet said the input ended.
			if !bytes.Equal(got[i], want[i]) && !(i == len(got)-1 && (got[i] == nil) != (want[i] == nil) && len(in) > 0 && in[len(in)-1] != '\n') {
				t.Fatalf("line %d: %q, want %q", i+1, got[i], want[i])
			}
		}
	})
}
