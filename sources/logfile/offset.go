package logfile

import (
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"syscall"
)

// Offset is where a Source stands: the file (device and inode) and the byte
// offset just past the last line handed on. Save it and pass it back as
// Config.Start to continue after a restart.
type Offset struct {
	Inode  uint64 `json:"inode"`
	Dev    uint64 `json:"dev"`
	Offset int64  `json:"offset"`
	// Head is a checksum of the file's first bytes (headLen of them, fewer
	// when Offset is smaller): it tells the file from a later one that got
	// its inode number back. 0 when unknown (a position saved by an older
	// ifw, or Offset 0).
	Head uint64 `json:"head,omitempty"`
}

// IsZero reports whether o is the zero Offset (no previous run).
func (o Offset) IsZero() bool { return o == Offset{} }

func (o Offset) id() fileID { return fileID{dev: o.Dev, ino: o.Inode} }

// fileID names a file independently of its path.
type fileID struct{ dev, ino uint64 }

func (id fileID) at(off int64) Offset { return Offset{Inode: id.ino, Dev: id.dev, Offset: off} }

func (id fileID) String() string { return fmt.Sprintf("%d:%d", id.dev, id.ino) }

// idOf reads the device and inode from a FileInfo.
func idOf(fi os.FileInfo) (fileID, error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, fmt.Errorf("logfile: %s: no inode in %T", fi.Name(), fi.Sys())
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil //nolint:unconvert // Dev's type differs by platform
}

// linksOf is the file's link count; 0 means it was deleted.
func linksOf(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink) //nolint:unconvert // Nlink's type differs by platform
	}
	return 1
}

// headLen is how many first bytes of a file Offset.Head covers: several
// lines, whose time stamps and addresses tell two files apart.
const headLen = 1024

// headSum is the checksum of r's first n bytes, 0 when it has fewer.
func headSum(r io.ReaderAt, n int64) uint64 {
	n = min(n, headLen)
	if n <= 0 {
		return 0
	}
	var buf [headLen]byte
	if k, _ := r.ReadAt(buf[:n], 0); int64(k) < n {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write(buf[:n])
	return max(h.Sum64(), 1) // 0 means unknown
}
