package procs

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ifw/ifw/test/exespoof"
)

// childEnv makes the test binary a helper: it opens a connection to the
// address in the variable ("tcp ADDR" or "udp ADDR"), prints its local
// address, and holds it until its stdin closes; with "wait" first
// ("wait tcp ADDR"), it waits for a line on stdin before connecting;
// with "exec" first, it execs the executable execEnv names on a line of
// stdin, keeping the connection (see execHolding). "hold" prints "held"
// and holds the descriptors it inherited until its stdin closes;
// "pidreuse DIR" is pidReuse.
const childEnv = "IFW_PROCS_TEST_CHILD"

func TestMain(m *testing.M) {
	exespoof.Main()
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(child(spec))
	}
	os.Exit(m.Run())
}

func child(spec string) int {
	in := bufio.NewReader(os.Stdin)
	if spec == "hold" {
		fmt.Println("held")
		_, _ = io.Copy(io.Discard, in)
		return 0
	}
	if dir, ok := strings.CutPrefix(spec, "pidreuse "); ok {
		return pidReuse(dir)
	}
	if rest, ok := strings.CutPrefix(spec, "wait "); ok {
		spec = rest
		if _, err := in.ReadString('\n'); err != nil {
			return 1
		}
	}
	spec, reexec := strings.CutPrefix(spec, "exec ")
	network, addr, _ := strings.Cut(spec, " ")
	var c net.Conn
	var err error
	switch network {
	case "udp":
		var u *net.UDPConn
		if u, err = net.ListenUDP("udp4", nil); err == nil {
			_, err = u.WriteTo([]byte("x"), net.UDPAddrFromAddrPort(netip.MustParseAddrPort(addr)))
			c = u
		}
	default:
		c, err = net.Dial(network, addr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(c.LocalAddr())
	if reexec {
		return execHolding(c, in)
	}
	_, _ = io.Copy(io.Discard, in)
	return 0
}

// holder is a helper process holding a connection.
type holder struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
	local netip.AddrPort
	done  chan struct{}
}

// startHolder runs exe as a helper opening network ("tcp", "udp") to
// dst; it ends with the test, also when the test fails.
func startHolder(t testing.TB, exe, network string, dst netip.AddrPort) *holder {
	t.Helper()
	h := spawnHolder(t, exe, network+" "+dst.String())
	t.Cleanup(h.stop)
	h.connected(t)
	return h
}

// spawnHolder starts the helper with the spec, passing it the extra
// descriptors (from 3 on); the caller stops it.
func spawnHolder(t testing.TB, exe, spec string, extra ...*os.File) *holder {
	t.Helper()
	h := &holder{cmd: exec.Command(exe, "-test.run=^$"), done: make(chan struct{})}
	h.cmd.Env = childEnviron(spec)
	h.cmd.ExtraFiles = extra
	h.cmd.Stderr = os.Stderr
	var err error
	h.stdin, err = h.cmd.StdinPipe()
	must(t, err)
	stdout, err := h.cmd.StdoutPipe()
	must(t, err)
	h.out = bufio.NewReader(stdout)
	must(t, h.cmd.Start())
	go func() { _ = h.cmd.Wait(); close(h.done) }()
	return h
}

// childEnviron is the environment of a helper running spec. A helper
// built with -race exits without the race detector's default 1 s wait.
func childEnviron(spec string) []string {
	env := slices.DeleteFunc(os.Environ(), func(v string) bool {
		return strings.HasPrefix(v, childEnv+"=") || strings.HasPrefix(v, "GORACE=")
	})
	return append(env, childEnv+"="+spec, "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
}

// connected reads the helper's local address.
func (h *holder) connected(t testing.TB) {
	t.Helper()
	line, err := h.out.ReadString('\n')
	if err != nil {
		h.stop()
		t.Fatalf("helper: %v", err)
	}
	h.local, err = netip.ParseAddrPort(strings.TrimSpace(line))
	must(t, err)
}

// stop ends the helper: it exits when its stdin closes, else is killed.
func (h *holder) stop() {
	_ = h.stdin.Close()
	select {
	case <-h.done:
	case <-time.After(time.Minute):
		_ = h.cmd.Process.Kill()
		<-h.done
	}
}

// copyExe copies the test binary to dir/name.
func copyExe(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(selfExe(t))
	must(t, err)
	path := filepath.Join(dir, name)
	must(t, os.WriteFile(path, data, 0o755))
	return path
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestLookupChildren(t *testing.T) {
	// Two executables connect to the same destination: each connection
	// is its own process's, not the test's.
	f := newTestFinder(t, Config{Hash: true}, true)
	dir := t.TempDir()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	dst := ln.Addr().(*net.TCPAddr).AddrPort()
	udpDst := netip.MustParseAddrPort("127.0.0.1:9")
	cases := []struct {
		name, network string
		dst           netip.AddrPort
		proto         uint8
	}{
		{"alpha", "tcp", dst, ProtoTCP},
		{"beta", "tcp", dst, ProtoTCP},
		{"gamma", "udp", udpDst, ProtoUDP},
	}
	var tuples []Tuple
	for _, c := range cases {
		exe := copyExe(t, dir, c.name)
		h := startHolder(t, exe, c.network, c.dst)
		tuple := Tuple{Proto: c.proto, Src: h.local, Dst: c.dst}
		tuples = append(tuples, tuple)
		t.Run(c.name, func(t *testing.T) {
			own, err := f.Lookup(tuple)
			if err != nil {
				t.Fatal(err)
			}
			p := own.Process
			if p.PID != h.cmd.Process.Pid || p.Exe != exe || p.Deleted || p.Comm != c.name {
				t.Errorf("process %+v, want pid %d exe %s", p, h.cmd.Process.Pid, exe)
			}
			if want := fileSHA256(t, exe); p.SHA256 != want {
				t.Errorf("sha256 %s, want %s", p.SHA256, want)
			}
		})
	}
	for _, tuple := range tuples { // again: from the caches
		if _, err := f.Lookup(tuple); err != nil {
			t.Fatal(err)
		}
	}
	if st := f.Stats(); st.Hashes != uint64(len(cases)) || st.CacheHits != uint64(len(cases)) {
		t.Errorf("stats %+v: want %d executables hashed once each, and as many cache hits", st, len(cases))
	}
}

func TestLookupDeletedExe(t *testing.T) {
	// An executable deleted while running: Deleted, its path without
	// the kernel's suffix, and still its digest, read through /proc.
	f := newTestFinder(t, Config{Hash: true}, false)
	exe := copyExe(t, t.TempDir(), "gone")
	want := fileSHA256(t, exe)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	dst := ln.Addr().(*net.TCPAddr).AddrPort()
	h := startHolder(t, exe, "tcp", dst)
	must(t, os.Remove(exe))
	must(t, os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755)) // a new file at the path
	own, err := f.Lookup(Tuple{Proto: ProtoTCP, Src: h.local, Dst: dst})
	if err != nil {
		t.Fatal(err)
	}
	if p := own.Process; p.Exe != exe || !p.Deleted || p.SHA256 != want {
		t.Errorf("process %+v, want exe %s deleted with sha256 %s", p, exe, want)
	}
}
