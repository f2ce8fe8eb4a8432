package procs

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

func TestParseStat(t *testing.T) {
	cases := []struct {
		name  string
		line  string
		comm  string
		start uint64
		ok    bool
	}{
		{"plain", statLine(1, "systemd", 1), "systemd", 1, true},
		{"spaces and parens", statLine(7, "a) (b c) d", 123456789), "a) (b c) d", 123456789, true},
		{"empty name", statLine(7, "", 5), "", 5, true},
		{"name with newline", statLine(7, "x\ny 1 2", 9), "x\ny 1 2", 9, true},
		{"no newline", "1 (x) S 1 1 1 0 -1 4194560 1079 0 0 0 3 1 0 0 20 0 1 0 42", "x", 42, true},
		{"too few fields", "1 (x) S 1 1 1 0", "", 0, false},
		{"no name", "1 x S 1 1 1 0 -1 4194560 1079 0 0 0 3 1 0 0 20 0 1 0 42", "", 0, false},
		{"bad start", "1 (x) S 1 1 1 0 -1 4194560 1079 0 0 0 3 1 0 0 20 0 1 0 4x2", "", 0, false},
		{"huge start", "1 (x) S 1 1 1 0 -1 4194560 1079 0 0 0 3 1 0 0 20 0 1 0 99999999999999999999", "", 0, false},
		{"reversed parens", "1 )x( S", "", 0, false},
		{"empty", "", "", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			comm, start, err := parseStat([]byte(c.line))
			if (err == nil) != c.ok || (c.ok && (string(comm) != c.comm || start != c.start)) {
				t.Fatalf("parseStat(%q) = %q, %d, %v", c.line, comm, start, err)
			}
			if err != nil && !errors.Is(err, errMalformed) {
				t.Errorf("error %v is not errMalformed", err)
			}
		})
	}
}

func TestParseStatSelf(t *testing.T) {
	b, err := os.ReadFile("/proc/self/stat")
	must(t, err)
	if comm, start, err := parseStat(b); err != nil || len(comm) == 0 || start == 0 {
		t.Fatalf("parseStat(/proc/self/stat) = %q, %d, %v", comm, start, err)
	}
	b, err = os.ReadFile("/proc/self/status")
	must(t, err)
	if uid, err := parseStatusUID(b); err != nil || uid != uint32(os.Getuid()) {
		t.Fatalf("parseStatusUID(/proc/self/status) = %d, %v", uid, err)
	}
}

func TestParseStatusUID(t *testing.T) {
	cases := []struct {
		name, in string
		uid      uint32
		ok       bool
	}{
		{"real first", "Name:\tx\nUid:\t1000\t0\t0\t0\n", 1000, true},
		{"spaces", "Uid:    42   43 44 45", 42, true},
		{"max", "Uid:\t4294967295\t0\t0\t0\n", 1<<32 - 1, true},
		{"too big", "Uid:\t4294967296\t0\t0\t0\n", 0, false},
		{"missing", "Name:\tx\nGid:\t0\n", 0, false},
		{"empty value", "Uid:\n", 0, false},
		{"not a number", "Uid:\tabc\n", 0, false},
		{"Uid elsewhere", "Name:\tUid: 5\nUid:\t7\n", 7, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			uid, err := parseStatusUID([]byte(c.in))
			if (err == nil) != c.ok || uid != c.uid {
				t.Fatalf("parseStatusUID(%q) = %d, %v", c.in, uid, err)
			}
		})
	}
}

func TestParseSocketLink(t *testing.T) {
	cases := []struct {
		in    string
		inode uint64
		ok    bool
	}{
		{"socket:[123]", 123, true},
		{"socket:[0]", 0, true},
		{"socket:[18446744073709551615]", 0, false}, // 20 digits
		{"socket:[]", 0, false},
		{"socket:[12", 0, false},
		{"pipe:[123]", 0, false},
		{"/dev/null", 0, false},
		{"socket:[-1]", 0, false},
	}
	for _, c := range cases {
		inode, ok := parseSocketLink([]byte(c.in))
		if ok != c.ok || inode != c.inode {
			t.Errorf("parseSocketLink(%q) = %d, %v", c.in, inode, ok)
		}
	}
	if got := appendSocketLink(nil, 642274); !bytes.Equal(got, []byte("socket:[642274]")) {
		t.Errorf("appendSocketLink = %q", got)
	}
}

func TestParsePID(t *testing.T) {
	cases := []struct {
		in  string
		pid int
		ok  bool
	}{
		{"1", 1, true}, {"4194304", 4194304, true}, {"0", 0, true},
		{".", 0, false}, {"..", 0, false}, {"self", 0, false}, {"01", 0, false},
		{"2147483648", 0, false}, {"", 0, false}, {"12a", 0, false},
	}
	for _, c := range cases {
		pid, ok := parsePID([]byte(c.in))
		if ok != c.ok || pid != c.pid {
			t.Errorf("parsePID(%q) = %d, %v", c.in, pid, ok)
		}
	}
}
