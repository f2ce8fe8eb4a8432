package logfile

import (
	"os"
	"slices"
	"testing"
	"time"
)

// TestResumeInodeReused: the saved file was rotated away and deleted while
// ifw was stopped, and the new file at the path got its inode number back
// (ext4 hands a freed inode to the next file at once). The new file must be
// read from its start, not from the saved offset.
func TestResumeInodeReused(t *testing.T) {
	path := t.TempDir() + "/fw.log"
	appendFile(t, path, lines(0, 5))
	first := startSource(t, Config{Path: path, FromStart: true, Grace: DefaultGrace, Poll: 20 * time.Millisecond})
	first.await(5, testWait)
	first.stop()
	pos := first.src.Position()
	if err := os.Remove(path); err != nil { // rotated and deleted
		t.Fatal(err)
	}
	reuseInode(t, path, pos.id(), lines(100, 110))

	second := startSource(t, Config{Path: path, Start: pos, Grace: DefaultGrace, Poll: 20 * time.Millisecond})
	got := second.await(10, testWait)
	if want := seqs(100, 110); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestResumeRotatedInodeReused: the same with the saved file's inode number
// given to a file now at a rotated name; it must not be taken for the saved
// file (whose rest is lost), and the path's file is read from its start.
func TestResumeRotatedInodeReused(t *testing.T) {
	path := t.TempDir() + "/fw.log"
	appendFile(t, path, lines(0, 5))
	first := startSource(t, Config{Path: path, FromStart: true, Grace: DefaultGrace, Poll: 20 * time.Millisecond})
	first.await(5, testWait)
	first.stop()
	pos := first.src.Position()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	reuseInode(t, path+".1", pos.id(), lines(200, 210))
	appendFile(t, path, lines(100, 103))

	second := startSource(t, Config{Path: path, Start: pos, Grace: DefaultGrace, Poll: 20 * time.Millisecond})
	got := second.await(3, testWait)
	if want := seqs(100, 103); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// reuseInode creates name with text until it gets the inode number of id,
// a deleted file; it skips the test on a file system that does not give
// inode numbers back soon (tmpfs counts up).
func reuseInode(t *testing.T, name string, id fileID, text string) {
	t.Helper()
	for range 1000 {
		appendFile(t, name, text)
		if inodeOf(t, name) == id {
			return
		}
		if err := os.Remove(name); err != nil {
			t.Fatal(err)
		}
	}
	t.Skipf("the file system of %s did not reuse inode %v", name, id)
}
