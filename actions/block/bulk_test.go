package block

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		line string
		want string // "-": skipped; "!": error
	}{
		{"198.51.100.7", "198.51.100.7/32"},
		{"  198.51.100.7/24\t", "198.51.100.0/24"},
		{"198.51.100.0/24 ; SBL123", "198.51.100.0/24"},
		{"2001:db8::1 # host", "2001:db8::1/128"},
		{"::ffff:198.51.100.7", "198.51.100.7/32"},
		{"", "-"},
		{"   ", "-"},
		{"# only a comment", "-"},
		{"; only a comment", "-"},
		{"198.51.100.7 198.51.100.8", "!"},
		{"198.51.100.300", "!"},
		{"example.com", "!"},
		{"0.0.0.0/0", "!"},
		{"198.51.100.7/33", "!"},
	}
	for _, tt := range tests {
		p, ok, err := parseLine(tt.line)
		got := p.String()
		switch {
		case err != nil:
			got = "!"
		case !ok:
			got = "-"
		}
		if got != tt.want {
			t.Errorf("%q: %s (%v), want %s", tt.line, got, err, tt.want)
		}
	}
}

func TestLoadBulk(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name           string
		widen4, widen6 int
		v4, v6         []string
		st             BulkStats
	}{
		{"as listed", 0, 0,
			[]string{"198.51.100.0/24", "198.51.100.200/32", "203.0.113.7/32", "203.0.113.9/32"},
			[]string{"2001:db8:1::/48", "2001:db8:1:2::5/128"},
			BulkStats{Files: 1, Entries: 7, Refused: 1, Loaded4: 4, Loaded6: 2}},
		{"widened", 24, 48,
			[]string{"198.51.100.0/24", "203.0.113.0/24"},
			[]string{"2001:db8:1::/48"},
			// 192.0.2.1 widens to 192.0.2.0/24, still refused
			BulkStats{Files: 1, Entries: 7, Widened: 5, Duplicates: 3, Refused: 1, Loaded4: 2, Loaded6: 1}},
	}
	for _, tt := range tests {
		r := newRig(t, Config{})
		st, err := r.b.LoadBulk(ctx, []string{"testdata/drop.list"}, tt.widen4, tt.widen6)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		st.Took = 0
		if st != tt.st {
			t.Errorf("%s: stats %+v, want %+v", tt.name, st, tt.st)
		}
		for i, want := range [][]string{tt.v4, tt.v6} {
			var got []string
			for _, p := range r.k.bulk[i] {
				got = append(got, p.String())
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: family %d: %v, want %v", tt.name, i, got, want)
			}
		}
		for _, c := range r.g.calls() {
			if !c.trusted {
				t.Errorf("%s: bulk entry %v checked as untrusted", tt.name, c.p)
			}
		}
	}
}

// TestLoadBulkErrors: a bad line names file and line, and nothing is
// loaded.
func TestLoadBulkErrors(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, Config{})
	if _, err := r.b.LoadBulk(ctx, []string{"testdata/drop.list"}, 0, 0); err != nil {
		t.Fatal(err)
	}
	before := r.k.bulk
	_, err := r.b.LoadBulk(ctx, []string{"testdata/drop.list", "testdata/bad.list"}, 0, 0)
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrSyntax) || pe.File != "testdata/bad.list" || pe.Line != 3 ||
		!strings.HasPrefix(err.Error(), "testdata/bad.list:3: ") {
		t.Errorf("bad line: %v", err)
	}
	if _, err := r.b.LoadBulk(ctx, []string{"testdata/missing.list"}, 0, 0); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := r.b.LoadBulk(ctx, nil, 33, 0); err == nil {
		t.Error("widen /33 accepted")
	}
	if !slices.Equal(r.k.bulk[0], before[0]) || !slices.Equal(r.k.bulk[1], before[1]) {
		t.Error("a failed load changed the bulk sets")
	}
	// No files: the bulk sets are emptied.
	if _, err := r.b.LoadBulk(ctx, nil, 0, 0); err != nil || len(r.k.bulk[0])+len(r.k.bulk[1]) != 0 {
		t.Errorf("empty load: %v %v", err, r.k.bulk)
	}
	long := filepath.Join(t.TempDir(), "long.list")
	if err := os.WriteFile(long, []byte(strings.Repeat("x", 2<<20)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := r.b.LoadBulk(ctx, []string{long}, 0, 0); err == nil {
		t.Error("a 2 MiB line accepted")
	}
}
