package procs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestQuickLookup: a quick lookup of a socket that no cache, new process
// or recent holder points to is ErrSlow and leaves no trace (nothing
// counted, no negative cache entry); the full lookup's search finds it,
// and the next quick lookup is a cache hit.
func TestQuickLookup(t *testing.T) {
	fp := newFakeProc(t)
	fp.add(100, fakeProcess{comm: "old", start: 10, exe: "/bin/sh", fds: map[int]string{3: "/dev/null", 9: sockLink(7)}})
	f := newTestFinder(t, Config{Proc: fp.root}, false)
	if p, err := f.ownerOf(7, 0, true); !errors.Is(err, ErrSlow) || p.PID != 0 {
		t.Fatalf("quick lookup: %+v, %v; want ErrSlow", p, err)
	}
	if st := f.Stats(); st.CacheMisses != 0 || st.FullScans != 0 || st.NoProcess != 0 {
		t.Errorf("stats after ErrSlow: %+v", st)
	}
	if p, err := f.ownerOf(7, 0, false); err != nil || p.PID != 100 {
		t.Fatalf("lookup: %+v, %v", p, err)
	}
	if p, err := f.ownerOf(7, 0, true); err != nil || p.PID != 100 {
		t.Fatalf("quick lookup of a cached holder: %+v, %v", p, err)
	}
	if st := f.Stats(); st.CacheMisses != 1 || st.CacheHits != 1 {
		t.Errorf("stats: %+v; want a miss, then a hit", st)
	}
}

// TestQuickLookupNoDigest: with Hash, a quick lookup never digests: a
// cached holder that now runs an executable never digested is ErrSlow
// (and stays cached); the full lookup digests it, then the quick one
// answers.
func TestQuickLookupNoDigest(t *testing.T) {
	fp := newFakeProc(t)
	fp.add(100, fakeProcess{comm: "sh", start: 10, exe: "/bin/sh", fds: map[int]string{3: sockLink(7)}})
	f := newTestFinder(t, Config{Proc: fp.root, Hash: true}, false)
	if p, err := f.ownerOf(7, 0, false); err != nil || p.SHA256 == "" {
		t.Fatalf("lookup: %+v, %v", p, err)
	}
	exe := filepath.Join(fp.dir(100), "exe")
	must(t, os.Remove(exe))
	must(t, os.Symlink("/bin/true", exe))
	if p, err := f.ownerOf(7, 0, true); !errors.Is(err, ErrSlow) {
		t.Fatalf("quick lookup after an exec: %+v, %v; want ErrSlow", p, err)
	}
	if n := f.Stats().Hashes; n != 1 {
		t.Errorf("%d digests after the quick lookup, want 1", n)
	}
	p, err := f.ownerOf(7, 0, false)
	if err != nil || p.Exe != "/bin/true" || p.SHA256 == "" {
		t.Fatalf("lookup after an exec: %+v, %v", p, err)
	}
	if q, err := f.ownerOf(7, 0, true); err != nil || q.SHA256 != p.SHA256 {
		t.Errorf("quick lookup once digested: %+v, %v", q, err)
	}
}
