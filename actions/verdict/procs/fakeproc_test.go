package procs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ifw/ifw/test/testenv"
)

// fakeProc is a fabricated procfs tree: PID directories with stat,
// comm, status, an exe link and an fd directory of links.
type fakeProc struct {
	t    *testing.T
	root string
}

// fakeProcess is one process of a fakeProc.
type fakeProcess struct {
	comm  string
	start uint64
	uid   uint32 // real user in status, and owner of the directory
	exe   string
	fds   map[int]string // descriptor → link target
}

func newFakeProc(t *testing.T) *fakeProc {
	return &fakeProc{t: t, root: t.TempDir()}
}

func (fp *fakeProc) dir(pid int) string { return filepath.Join(fp.root, strconv.Itoa(pid)) }

func (fp *fakeProc) add(pid int, p fakeProcess) {
	fp.t.Helper()
	dir := fp.dir(pid)
	must(fp.t, os.MkdirAll(filepath.Join(dir, "fd"), 0o755))
	fp.setStart(pid, p.comm, p.start)
	status := fmt.Sprintf("Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t%d\t%d\t%d\t%d\nGid:\t0\t0\t0\t0\n", p.comm, p.uid, p.uid, p.uid, p.uid)
	must(fp.t, os.WriteFile(filepath.Join(dir, "status"), []byte(status), 0o444))
	must(fp.t, os.Symlink(p.exe, filepath.Join(dir, "exe")))
	for fd, target := range p.fds {
		fp.addFD(pid, fd, target)
	}
	if p.uid != 0 {
		testenv.Root(fp.t) // to own fake process directories
		must(fp.t, os.Lchown(dir, int(p.uid), int(p.uid)))
	}
}

// statLine is a /proc/PID/stat line with the given name and start time.
func statLine(pid int, comm string, start uint64) string {
	return fmt.Sprintf("%d (%s) S 1 %d %d 0 -1 4194560 1079 0 0 0 3 1 0 0 20 0 1 0 %d 10592256 844 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
		pid, comm, pid, pid, start)
}

// setStart writes the name and start time of pid (stat and comm).
func (fp *fakeProc) setStart(pid int, comm string, start uint64) {
	fp.t.Helper()
	must(fp.t, os.WriteFile(filepath.Join(fp.dir(pid), "stat"), []byte(statLine(pid, comm, start)), 0o444))
	must(fp.t, os.WriteFile(filepath.Join(fp.dir(pid), "comm"), []byte(comm+"\n"), 0o444))
}

func (fp *fakeProc) addFD(pid, fd int, target string) {
	fp.t.Helper()
	must(fp.t, os.Symlink(target, filepath.Join(fp.dir(pid), "fd", strconv.Itoa(fd))))
}

func (fp *fakeProc) remove(pid int) {
	fp.t.Helper()
	must(fp.t, os.RemoveAll(fp.dir(pid)))
}

func sockLink(inode uint64) string { return "socket:[" + strconv.FormatUint(inode, 10) + "]" }

func TestFakeProcAttribution(t *testing.T) {
	const comm = "evil) (x y"
	cases := []struct {
		name    string
		exe     string
		reuse   bool // the PID changes hands between the two stat reads
		want    Process
		wantErr error
	}{
		{name: "found", exe: "/usr/bin/fake",
			want: Process{PID: 100, Start: 5000, Exe: "/usr/bin/fake", Comm: comm, UID: 1000}},
		{name: "deleted exe", exe: "/usr/bin/fake (deleted)",
			want: Process{PID: 100, Start: 5000, Exe: "/usr/bin/fake", Deleted: true, Comm: comm, UID: 1000}},
		{name: "pid reused while read", exe: "/usr/bin/fake", reuse: true, wantErr: ErrNoProcess},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fp := newFakeProc(t)
			fp.add(100, fakeProcess{comm: comm, start: 5000, uid: 1000, exe: c.exe,
				fds: map[int]string{0: "/dev/null", 1: "pipe:[9]", 3: sockLink(124), 4: sockLink(123)}})
			f := newTestFinder(t, Config{Proc: fp.root}, false)
			if c.reuse {
				f.afterRead = func(pid int) { fp.setStart(pid, "other", 7000) }
			}
			p, err := f.ownerOf(123, 1000, false)
			if !errors.Is(err, c.wantErr) || p != c.want {
				t.Fatalf("ownerOf = %+v, %v; want %+v, %v", p, err, c.want, c.wantErr)
			}
			st := f.Stats()
			if c.reuse != (st.PIDReuse > 0) {
				t.Errorf("pid reuse counted %d times", st.PIDReuse)
			}
			if c.reuse {
				return
			}
			// The scan met socket 124 first: it is cached.
			if p, err := f.ownerOf(124, 1000, false); err != nil || p.PID != 100 || f.Stats().CacheHits != 1 {
				t.Errorf("second socket: %+v, %v, stats %+v", p, err, f.Stats())
			}
		})
	}
}

func TestFakeProcNoHolder(t *testing.T) {
	fp := newFakeProc(t)
	fp.add(100, fakeProcess{comm: "a", start: 1, exe: "/bin/a", fds: map[int]string{3: sockLink(1)}})
	f := newTestFinder(t, Config{Proc: fp.root}, false)
	for i := range 2 {
		if _, err := f.ownerOf(99, 0, false); !errors.Is(err, ErrNoProcess) {
			t.Fatalf("lookup %d: %v, want ErrNoProcess", i, err)
		}
	}
	if st := f.Stats(); st.NegativeHits != 1 || st.FullScans != 1 {
		t.Errorf("stats %+v: want one full scan, then a negative hit", st)
	}
}

func TestFakeProcCachedHolderMoved(t *testing.T) {
	// The cached holder closed its descriptor and a child holds the
	// socket now: the cache entry fails its check and the search finds
	// the child.
	fp := newFakeProc(t)
	fp.add(100, fakeProcess{comm: "parent", start: 10, exe: "/bin/sh", fds: map[int]string{3: sockLink(7)}})
	f := newTestFinder(t, Config{Proc: fp.root}, false)
	if p, err := f.ownerOf(7, 0, false); err != nil || p.PID != 100 {
		t.Fatalf("first lookup: %+v, %v", p, err)
	}
	must(t, os.Remove(filepath.Join(fp.dir(100), "fd", "3")))
	fp.add(101, fakeProcess{comm: "child", start: 11, exe: "/usr/bin/curl", fds: map[int]string{5: sockLink(7)}})
	p, err := f.ownerOf(7, 0, false)
	if err != nil || p.PID != 101 || p.Exe != "/usr/bin/curl" {
		t.Fatalf("after the move: %+v, %v; want pid 101", p, err)
	}
}

func TestFakeProcPinned(t *testing.T) {
	// A cached holder is checked through its pin: a new exe link (an
	// exec) is read anew, and a descriptor closed is not believed. A new
	// name alone (a rename, or an exec of a script by the same
	// interpreter) changes nothing a rule matches: the cached process
	// stands, its name the one read with it, until its exe link changes.
	fp := newFakeProc(t)
	fp.add(100, fakeProcess{comm: "a", start: 10, exe: "/bin/a", fds: map[int]string{3: sockLink(7)}})
	f := newTestFinder(t, Config{Proc: fp.root}, false)
	if p, err := f.ownerOf(7, 0, false); err != nil || p.Comm != "a" || f.dirs.get(100) == nil {
		t.Fatalf("first lookup: %+v, %v; pinned %v", p, err, f.dirs.get(100) != nil)
	}
	fp.setStart(100, "renamed", 10)
	if p, err := f.ownerOf(7, 0, false); err != nil || p.Comm != "a" || p.Exe != "/bin/a" {
		t.Errorf("after a rename: %+v, %v; want the cached process", p, err)
	}
	exe := filepath.Join(fp.dir(100), "exe")
	must(t, os.Remove(exe))
	must(t, os.Symlink("/bin/b (deleted)", exe))
	if p, err := f.ownerOf(7, 0, false); err != nil || p.Exe != "/bin/b" || !p.Deleted || p.Start != 10 || p.Comm != "renamed" {
		t.Errorf("after an exec: %+v, %v", p, err)
	}
	if st := f.Stats(); st.CacheHits != 2 || st.CacheMisses != 1 {
		t.Errorf("stats %+v: want 2 cache hits, 1 miss", st)
	}
	must(t, os.Remove(filepath.Join(fp.dir(100), "fd", "3")))
	if p, err := f.ownerOf(7, 0, false); !errors.Is(err, ErrNoProcess) {
		t.Errorf("after the descriptor closed: %+v, %v; want ErrNoProcess", p, err)
	}
}
