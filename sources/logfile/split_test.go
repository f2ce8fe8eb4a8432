package logfile

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/ifw/ifw/sources/logline"
)

// TestSplitter feeds chunks through the splitter alone and checks the lines
// it completes, the overlong ones it counts, and what it holds at the end.
func TestSplitter(t *testing.T) {
	full := strings.Repeat("m", logline.MaxLineLen)
	tests := []struct {
		name     string
		chunks   []string
		want     []string
		overlong int
		held     bool
	}{
		{"whole lines", []string{"a\nb\n"}, []string{"a", "b"}, 0, false},
		{"empty line", []string{"\n"}, []string{""}, 0, false},
		{"partial held", []string{"a\nb"}, []string{"a"}, 0, true},
		{"partial completed", []string{"a\nb", "c", "d\n"}, []string{"a", "bcd"}, 0, false},
		{"newline alone completes", []string{"ab", "\n"}, []string{"ab"}, 0, false},
		{"exactly the maximum", []string{full + "\n"}, []string{full}, 0, false},
		{"maximum across chunks", []string{full[:10], full[10:] + "\n"}, []string{full}, 0, false},
		{"overlong in one chunk", []string{full + "x\nok\n"}, []string{"ok"}, 1, false},
		{"overlong across chunks", []string{full[:10], full[10:] + "x", "yyy", "zz\nok\n"}, []string{"ok"}, 1, false},
		{"overlong completed at once", []string{full[:10], full[10:] + "x\nok\n"}, []string{"ok"}, 1, false},
		{"overlong never ended", []string{full, "x", "y"}, nil, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s splitter
			got, bad := splitAll(&s, tc.chunks)
			if !slices.Equal(got, tc.want) || bad != tc.overlong {
				t.Errorf("got %d lines, %d overlong; want %d, %d", len(got), bad, len(tc.want), tc.overlong)
			}
			if held := s.reset(); held != tc.held {
				t.Errorf("held a partial line: %v, want %v", held, tc.held)
			}
			if cap(s.part) > 2*logline.MaxLineLen {
				t.Errorf("buffer grew to %d", cap(s.part))
			}
		})
	}
}

func TestSplitterTail(t *testing.T) {
	var s splitter
	s.addTail([]byte("abc\n"))
	s.addTail([]byte(strings.Repeat("x", tailLen-2)))
	if want := "c\n" + strings.Repeat("x", tailLen-2); string(s.tail) != want {
		t.Errorf("tail %q", s.tail)
	}
	s.addTail([]byte(strings.Repeat("y", 3*tailLen)))
	if len(s.tail) != tailLen || s.tail[0] != 'y' {
		t.Errorf("tail %q", s.tail)
	}
}

// splitAll runs chunks through s as the follower does and returns the whole
// lines and the count of overlong ones.
func splitAll(s *splitter, chunks []string) (got []string, bad int) {
	for _, c := range chunks {
		b := []byte(c)
		for {
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				break
			}
			switch line, v := s.complete(b[:i]); v {
			case whole:
				got = append(got, string(line))
			case overlong:
				bad++
			}
			b = b[i+1:]
		}
		if s.hold(b) {
			bad++
		}
	}
	return got, bad
}
