package journal

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/sources"
)

// fake is what the fake journalctl does: write stdout and stderr, then
// exit with exit, or wait to be killed when follow is set.
type fake struct {
	stdout string
	stderr string
	exit   int
	follow bool
}

// fakeJournalctl writes a journalctl that runs this test binary's
// TestHelperProcess, and returns its path and the directory where the
// helper records its arguments ("args") and process ID ("pid").
func fakeJournalctl(t *testing.T, f fake) (path, dir string) {
	t.Helper()
	dir = t.TempDir()
	mode := strconv.Itoa(f.exit)
	if f.follow {
		mode = "follow"
	}
	for name, data := range map[string]string{"stdout": f.stdout, "stderr": f.stderr, "mode": mode} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf("#!/bin/sh\nIFW_FAKE_JOURNALCTL=%s exec %s -test.run='^TestHelperProcess$' -- \"$@\"\n", shellQuote(dir), shellQuote(exe))
	path = filepath.Join(dir, "journalctl")
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return path, dir
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TestHelperProcess is the fake journalctl when IFW_FAKE_JOURNALCTL names
// its directory.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv("IFW_FAKE_JOURNALCTL")
	if dir == "" {
		return
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Exit(fakeMain(dir, args))
}

func fakeMain(dir string, args []string) int {
	must := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, "fake journalctl:", err)
			os.Exit(99)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "args"), []byte(strings.Join(args, "\n")), 0o600))
	must(os.WriteFile(filepath.Join(dir, "pid"), []byte(strconv.Itoa(os.Getpid())), 0o600))
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		must(err)
		return b
	}
	_, err := os.Stdout.Write(read("stdout"))
	must(err)
	_, err = os.Stderr.Write(read("stderr"))
	must(err)
	mode := string(read("mode"))
	if mode == "follow" {
		time.Sleep(time.Hour)
	}
	code, err := strconv.Atoi(mode)
	must(err)
	return code
}

// helperArgs returns the arguments the fake was run with.
func helperArgs(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}

// jsonLine is one journal entry line.
func jsonLine(fields map[string]any) string {
	b, err := json.Marshal(fields)
	if err != nil {
		panic(err)
	}
	return string(b) + "\n"
}

// kernelEntry is a kernel transport entry.
func kernelEntry(cursor, msg string) map[string]any {
	return map[string]any{
		"__CURSOR": cursor, "__REALTIME_TIMESTAMP": "1740816000123456", "__MONOTONIC_TIMESTAMP": "5000000",
		"_BOOT_ID": "0aaf957a7759422aad8b8659c97cb687", "_TRANSPORT": "kernel", "_HOSTNAME": "fw1", "MESSAGE": msg,
	}
}

var entryTime = time.UnixMicro(1740816000123456)

// fwLine is the bare text of a LOG line with the given prefix.
func fwLine(prefix string) string {
	return prefix + " IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC=198.51.100.7 DST=203.0.113.2 " +
		"LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=54321 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 "
}

// byteArray is s as journalctl writes data that is not printable UTF-8.
func byteArray(s string) []int {
	a := make([]int, len(s))
	for i := range len(s) {
		a[i] = int(s[i])
	}
	return a
}

func newTestSource(t *testing.T, cfg Config) *Source {
	t.Helper()
	s, err := New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// runResult is one Run: what it sent and returned.
type runResult struct {
	packets []*sources.Packet
	err     error
	took    time.Duration // from cancel to return
}

// run runs s until it returns by itself, or until its LastCursor is until
// and then cancelled.
func run(t *testing.T, s *Source, until string) runResult {
	t.Helper()
	out := make(chan *sources.Packet, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx, out) }()
	var res runResult
	res.took, res.err = wait(t, s, until, errc, cancel)
	close(out)
	for p := range out {
		res.packets = append(res.packets, p)
	}
	return res
}

func wait(t *testing.T, s *Source, until string, errc <-chan error, cancel func()) (time.Duration, error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for until == "" || s.LastCursor() != until {
		select {
		case err := <-errc:
			return 0, err
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no entry with cursor %q", until)
		}
	}
	start := time.Now()
	cancel()
	select {
	case err := <-errc:
		return time.Since(start), err
	case <-time.After(time.Minute):
		t.Fatal("Run did not return after cancel")
	}
	return 0, nil
}
