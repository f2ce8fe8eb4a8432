package procs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// maxHashes bounds the digest cache.
const maxHashes = 4096

// fileKey identifies an executable's content: a file rewritten in place
// changes size or mtime, a replaced one changes inode.
type fileKey struct {
	dev, ino     uint64
	size         int64
	mtime, mnsec int64
}

func fileKeyOf(st *unix.Stat_t) fileKey {
	return fileKey{dev: st.Dev, ino: st.Ino, size: st.Size, mtime: st.Mtim.Sec, mnsec: st.Mtim.Nsec}
}

// hasher digests executables once per fileKey. Concurrent lookups of the
// same new executable wait for one digest instead of each reading it.
type hasher struct {
	mu      sync.Mutex
	done    genMap[fileKey, string]
	running map[fileKey]*hashCall
	count   *atomic.Uint64 // digests computed
}

type hashCall struct {
	wait chan struct{}
	sum  string
	err  error
}

func newHasher(count *atomic.Uint64) *hasher {
	return &hasher{done: newGenMap[fileKey, string](maxHashes), running: make(map[fileKey]*hashCall), count: count}
}

// sum returns the digest of the executable pid runs. It opens it through
// /proc/PID/exe, which reaches the file the process maps even when the
// path now names another file or none.
func (h *hasher) sum(p *procFS, pid int, cachedOnly bool) (string, fileKey, error) {
	fd, err := unix.Openat(p.fd, strconv.Itoa(pid)+"/exe", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", fileKey{}, gone(err)
	}
	file := os.NewFile(uintptr(fd), "exe")
	defer file.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return "", fileKey{}, fmt.Errorf("procs: stat executable of %d: %w", pid, err)
	}
	k := fileKeyOf(&st)
	if cachedOnly {
		h.mu.Lock()
		sum, ok := h.done.get(k)
		h.mu.Unlock()
		if !ok {
			return "", k, ErrSlow
		}
		return sum, k, nil
	}
	sum, err := h.lookup(k, file)
	return sum, k, err
}

// lookup returns the cached digest of k or computes it from file.
func (h *hasher) lookup(k fileKey, file io.Reader) (string, error) {
	h.mu.Lock()
	if sum, ok := h.done.get(k); ok {
		h.mu.Unlock()
		return sum, nil
	}
	if c, ok := h.running[k]; ok {
		h.mu.Unlock()
		<-c.wait
		return c.sum, c.err
	}
	c := &hashCall{wait: make(chan struct{})}
	h.running[k] = c
	h.mu.Unlock()

	c.sum, c.err = digest(file)
	h.count.Add(1)
	h.mu.Lock()
	delete(h.running, k)
	if c.err == nil {
		h.done.put(k, c.sum)
	}
	h.mu.Unlock()
	close(c.wait)
	return c.sum, c.err
}

func digest(r io.Reader) (string, error) {
	d := sha256.New()
	if _, err := io.Copy(d, r); err != nil {
		return "", fmt.Errorf("procs: read executable: %w", err)
	}
	return hex.EncodeToString(d.Sum(nil)), nil
}
