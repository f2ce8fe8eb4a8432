package logfile

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

const testWait = time.Minute // a guard against a hang, not a speed limit

// testConfig has the default Grace: cases write the old file after the
// new one appeared, and a loaded machine may pause the test goroutine for
// more than a short Grace in between.
func testConfig(path string) Config {
	return Config{Path: path, Grace: DefaultGrace, Poll: 20 * time.Millisecond}
}

// followCase is a scenario: a file before the Source starts, its Config,
// what happens to the file while it runs, and the lines that must arrive.
type followCase struct {
	name      string
	before    func(t *testing.T, path string) // before New
	config    func(t *testing.T, path string, c *Config)
	during    func(t *testing.T, h *harness, path string)
	want      []int
	malformed uint64
}

func followCases() []followCase {
	long := strings.Repeat("x", 70<<10)
	return []followCase{{
		name:   "first run starts at the end",
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 5)) },
		during: func(t *testing.T, h *harness, p string) {
			h.awaitOpen()
			appendFile(t, p, lines(5, 10))
		},
		want: seqs(5, 10),
	}, {
		name:   "from start",
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 5)) },
		config: func(t *testing.T, p string, c *Config) { c.FromStart = true },
		during: func(t *testing.T, h *harness, p string) { appendFile(t, p, lines(5, 7)) },
		want:   seqs(0, 7),
	}, {
		name:   "resume at a saved offset",
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 5)) },
		config: func(t *testing.T, p string, c *Config) {
			c.Start = inodeOf(t, p).at(int64(len(lines(0, 3))))
		},
		during: func(t *testing.T, h *harness, p string) { appendFile(t, p, lines(5, 6)) },
		want:   seqs(3, 6),
	}, {
		name: "rotated while stopped: rest of .1, then the new file",
		before: func(t *testing.T, p string) {
			appendFile(t, p, lines(0, 5))
		},
		config: func(t *testing.T, p string, c *Config) {
			c.Start = inodeOf(t, p).at(int64(len(lines(0, 2))))
			mustRename(t, p, p+".1")
			appendFile(t, p, lines(5, 8))
		},
		want: seqs(2, 8),
	}, {
		name:   "rotated while stopped, old file gone: new file from 0",
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 5)) },
		config: func(t *testing.T, p string, c *Config) {
			c.Start = inodeOf(t, p).at(int64(len(lines(0, 2))))
			mustRename(t, p, p+".old")
			appendFile(t, p, lines(5, 8))
		},
		want: seqs(5, 8),
	}, {
		name:   "saved offset past the end: truncated while stopped",
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 5)) },
		config: func(t *testing.T, p string, c *Config) {
			c.Start = inodeOf(t, p).at(int64(len(lines(0, 4))))
			mustTruncate(t, p)
			appendFile(t, p, lines(5, 7))
		},
		want: seqs(5, 7),
	}, {
		name:   "saved offset, truncated and refilled past it while stopped",
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 5)) },
		config: func(t *testing.T, p string, c *Config) {
			c.Start = savedAt(t, p, int64(len(lines(0, 4))))
			if err := os.WriteFile(p, []byte(lines(10, 20)), 0o644); err != nil {
				t.Fatal(err)
			}
		},
		want: seqs(10, 20),
	}, {
		name: "first run inside a partial last line skips its rest",
		before: func(t *testing.T, p string) {
			appendFile(t, p, lines(0, 2)+fwLine(2)[:40])
		},
		during: func(t *testing.T, h *harness, p string) {
			h.awaitOpen()
			appendFile(t, p, fwLine(2)[40:]+lines(3, 4))
		},
		want: seqs(3, 4),
	}, {
		name:   "partial line held until its newline",
		config: func(t *testing.T, p string, c *Config) { c.FromStart = true },
		before: func(t *testing.T, p string) { appendFile(t, p, "") },
		during: func(t *testing.T, h *harness, p string) {
			appendFile(t, p, fwLine(0)[:60])
			time.Sleep(150 * time.Millisecond)
			if got := h.received(); len(got) != 0 {
				t.Errorf("half a line handed on: %v", got)
			}
			appendFile(t, p, fwLine(0)[60:100])
			time.Sleep(50 * time.Millisecond)
			appendFile(t, p, fwLine(0)[100:]+lines(1, 2))
		},
		want: seqs(0, 2),
	}, {
		name:   "lines over 64 KiB are malformed and skipped",
		config: func(t *testing.T, p string, c *Config) { c.FromStart = true },
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 1)+long+"\n"+lines(1, 2)) },
		during: func(t *testing.T, h *harness, p string) {
			h.await(2, testWait)
			appendFile(t, p, long[:40<<10])
			time.Sleep(50 * time.Millisecond)
			appendFile(t, p, long[40<<10:]+"\n"+lines(2, 3))
		},
		want:      seqs(0, 3),
		malformed: 2,
	}, {
		name:   "truncated, then shorter",
		config: func(t *testing.T, p string, c *Config) { c.FromStart = true },
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 3)) },
		during: func(t *testing.T, h *harness, p string) {
			h.await(3, testWait)
			mustTruncate(t, p)
			appendFile(t, p, lines(3, 5))
		},
		want: seqs(0, 5),
	}, {
		name:   "truncated and refilled past the old offset",
		config: func(t *testing.T, p string, c *Config) { c.FromStart = true },
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 2)) },
		during: func(t *testing.T, h *harness, p string) {
			h.await(2, testWait)
			if err := os.WriteFile(p, []byte(lines(2, 9)), 0o644); err != nil {
				t.Fatal(err)
			}
		},
		want: seqs(0, 9),
	}, {
		name:   "copytruncate reads the rest of the copy",
		config: func(t *testing.T, p string, c *Config) { c.FromStart = true },
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 2)) },
		during: func(t *testing.T, h *harness, p string) {
			h.await(2, testWait)
			h.gate.close() // the receiver stalls: the follower falls behind
			appendFile(t, p, lines(2, 3))
			h.await(3, testWait) // line 2 taken; the next send blocks
			appendFile(t, p, lines(3, 4))
			waitUntil(t, testWait, "line 3 read and waiting to be sent", func() bool {
				return h.src.Stats().Snapshot().Lines == 4
			})
			appendFile(t, p, lines(4, 6)) // never read before the truncation
			copyTruncate(t, p)
			appendFile(t, p, lines(6, 8))
			h.gate.open()
			h.await(8, testWait)
			if !strings.Contains(h.log.String(), "copy_found=true") {
				t.Error("the copy was not used")
			}
		},
		want: seqs(0, 8),
	}, {
		name:   "deleted and recreated",
		config: func(t *testing.T, p string, c *Config) { c.FromStart = true },
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 3)) },
		during: func(t *testing.T, h *harness, p string) {
			h.await(3, testWait)
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
			appendFile(t, p, lines(3, 5))
		},
		want: seqs(0, 5),
	}, {
		name:   "deleted and left: closed, reported missing, new file read from 0",
		config: func(t *testing.T, p string, c *Config) { c.FromStart = true },
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 2)) },
		during: func(t *testing.T, h *harness, p string) {
			h.await(2, testWait)
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			missing := (&MissingError{Path: p}).Error()
			waitUntil(t, testWait, "the missing-file error", func() bool {
				return h.src.Stats().Snapshot().LastError == missing
			})
			appendFile(t, p, lines(2, 4))
		},
		want: seqs(0, 4),
	}, {
		name:   "deleted file written after the unlink is drained first",
		config: func(t *testing.T, p string, c *Config) { c.FromStart = true },
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 2)) },
		during: func(t *testing.T, h *harness, p string) {
			h.await(2, testWait)
			old := mustOpenAppend(t, p)
			defer old.Close()
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			appendFile(t, p, lines(4, 6))
			mustWrite(t, old, lines(2, 4))
		},
		want: seqs(0, 6),
	}, {
		name:   "rename rotation with writes to the old file after the rename",
		config: func(t *testing.T, p string, c *Config) { c.FromStart = true },
		before: func(t *testing.T, p string) { appendFile(t, p, lines(0, 2)) },
		during: func(t *testing.T, h *harness, p string) {
			h.await(2, testWait)
			old := mustOpenAppend(t, p)
			defer old.Close()
			mustRename(t, p, p+".1")
			appendFile(t, p, "")
			time.Sleep(30 * time.Millisecond)
			mustWrite(t, old, lines(2, 4))
			time.Sleep(30 * time.Millisecond)
			mustWrite(t, old, lines(4, 5))
			appendFile(t, p, lines(5, 7))
		},
		want: seqs(0, 7),
	}, {
		name: "missing at start, appears later",
		during: func(t *testing.T, h *harness, p string) {
			missing := (&MissingError{Path: p}).Error()
			waitUntil(t, testWait, "the missing-file error", func() bool {
				return h.src.Stats().Snapshot().LastError == missing
			})
			appendFile(t, p, lines(0, 3))
			h.await(3, testWait)
			if e := h.src.Stats().Snapshot().LastError; e != "" {
				t.Errorf("error still reported after the file appeared: %v", e)
			}
		},
		want: seqs(0, 3),
	}}
}

func TestFollow(t *testing.T) {
	for _, tc := range followCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := t.TempDir() + "/fw.log"
			if tc.before != nil {
				tc.before(t, path)
			}
			cfg := testConfig(path)
			if tc.config != nil {
				tc.config(t, path, &cfg)
			}
			h := startSource(t, cfg)
			if tc.during != nil {
				tc.during(t, h, path)
			}
			h.await(len(tc.want), testWait)
			time.Sleep(150 * time.Millisecond) // anything extra would show now
			h.stop()
			if got := h.received(); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			checkEnd(t, h.src, path, uint64(len(tc.want)), tc.malformed)
		})
	}
}

// checkEnd checks the counters and that Position is the end of the file.
func checkEnd(t *testing.T, src *Source, path string, packets, malformed uint64) {
	t.Helper()
	st := src.Stats().Snapshot()
	if st.Packets != packets || st.Malformed != malformed {
		t.Errorf("stats %+v, want %d packets, %d malformed", st, packets, malformed)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	want := inodeOf(t, path).at(fi.Size())
	got := src.Position()
	if got.Head == 0 && got.Offset > 0 {
		t.Errorf("position %+v has no head checksum", got)
	}
	if got.Head = 0; got != want {
		t.Errorf("position %+v, want %+v", got, want)
	}
}

// savedAt is the Position a Source reading path would save at off.
func savedAt(t *testing.T, path string, off int64) Offset {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	o := inodeOf(t, path).at(off)
	o.Head = headSum(f, off)
	return o
}
