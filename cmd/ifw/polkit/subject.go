package polkit

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
)

// Subject is the process a check is about.
type Subject struct {
	PID uint32
	// StartTime is the process's start time in clock ticks after boot
	// (field 22 of /proc/PID/stat), which tells it from a later process
	// with the same pid.
	StartTime uint64
	UID       uint32
}

// maxStat bounds the read of /proc/PID/stat (a few hundred bytes: the
// command name is at most 16).
const maxStat = 4 << 10

// ProcessSubject is the subject for process pid running as uid, with the
// start time read from /proc.
func ProcessSubject(pid int32, uid uint32) (Subject, error) {
	if pid <= 0 {
		return Subject{}, fmt.Errorf("polkit: subject: pid %d", pid)
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Subject{}, fmt.Errorf("polkit: subject: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStat))
	if err != nil {
		return Subject{}, fmt.Errorf("polkit: subject: %w", err)
	}
	start, err := StartTime(b)
	if err != nil {
		return Subject{}, fmt.Errorf("polkit: subject: /proc/%d/stat: %w", pid, err)
	}
	return Subject{PID: uint32(pid), StartTime: start, UID: uid}, nil
}

// StartTime reads field 22 (starttime) of a /proc/PID/stat line. The
// command name (field 2) is in parentheses and may hold spaces and
// parentheses itself, so fields are counted after its last ')'.
func StartTime(stat []byte) (uint64, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("no ')' after the command name")
	}
	fields := bytes.Fields(stat[i+1:])
	const idx = 22 - 3 // fields after ')' start at field 3 (state)
	if len(fields) <= idx {
		return 0, fmt.Errorf("%d fields after the command name, want more than %d", len(fields), idx)
	}
	v, err := strconv.ParseUint(string(fields[idx]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("start time %q: %w", fields[idx], err)
	}
	return v, nil
}
