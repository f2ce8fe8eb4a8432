package verdict

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// KernelStatsPath is the kernel's table of NFQUEUE queues, one line per
// queue bound in the reader's network namespace.
const KernelStatsPath = "/proc/net/netfilter/nfnetlink_queue"

// KernelStats is one queue's line of KernelStatsPath.
type KernelStats struct {
	Queue     uint16 `json:"queue"`
	PortID    uint32 `json:"portid"`
	Waiting   uint32 `json:"waiting"`    // packets queued now (held ones included)
	CopyMode  uint8  `json:"copy_mode"`  //
	CopyRange uint32 `json:"copy_range"` //
	// Dropped: packets the kernel dropped (or, fail-open, accepted)
	// because the queue was full.
	Dropped uint32 `json:"dropped"`
	// UserDropped: packets lost because the netlink socket's buffer was
	// full (the reader sees ENOBUFS).
	UserDropped uint32 `json:"user_dropped"`
	IDSequence  uint32 `json:"id_sequence"`
}

// ReadKernelStats returns the line of queue from KernelStatsPath; ok is
// false when no program is bound to it.
func ReadKernelStats(queue uint16) (KernelStats, bool, error) {
	f, err := os.Open(KernelStatsPath)
	if err != nil {
		return KernelStats{}, false, fmt.Errorf("verdict: kernel stats: %w", err)
	}
	defer f.Close()
	return ParseKernelStats(f, queue)
}

// ParseKernelStats reads the kernel's table from r and returns queue's line.
func ParseKernelStats(r io.Reader, queue uint16) (KernelStats, bool, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		s, err := parseKernelLine(sc.Text())
		if err != nil {
			return KernelStats{}, false, err
		}
		if s.Queue == queue {
			return s, true, nil
		}
	}
	return KernelStats{}, false, sc.Err()
}

// parseKernelLine reads "queue portid waiting copy_mode copy_range dropped
// user_dropped id_sequence 1".
func parseKernelLine(line string) (KernelStats, error) {
	f := strings.Fields(line)
	if len(f) < 8 {
		return KernelStats{}, fmt.Errorf("verdict: kernel stats line %q: %d fields", line, len(f))
	}
	var v [8]uint64
	for i := range v {
		n, err := strconv.ParseUint(f[i], 10, 32)
		if err != nil {
			return KernelStats{}, fmt.Errorf("verdict: kernel stats line %q: %w", line, err)
		}
		v[i] = n
	}
	if v[0] > 0xffff || v[3] > 0xff {
		return KernelStats{}, fmt.Errorf("verdict: kernel stats line %q: out of range", line)
	}
	return KernelStats{Queue: uint16(v[0]), PortID: uint32(v[1]), Waiting: uint32(v[2]),
		CopyMode: uint8(v[3]), CopyRange: uint32(v[4]), Dropped: uint32(v[5]),
		UserDropped: uint32(v[6]), IDSequence: uint32(v[7])}, nil
}
