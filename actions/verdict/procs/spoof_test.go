package procs

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/ifw/ifw/test/exespoof"
)

// TestExeSpoof is the attack (see exespoof): user nobody, in a user
// namespace of its own, points its exe link at a trusted program's file
// and connects. The link says the trusted program, to the process itself
// and to root outside; the lookup must not attribute the connection to
// the trusted program, by path or by digest: the process is unverified.
func TestExeSpoof(t *testing.T) {
	f := newTestFinder(t, Config{Hash: true}, false)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	dst := ln.Addr().(*net.TCPAddr).AddrPort()
	trusted := exespoof.Trusted(t, "firefox")
	sp := exespoof.Start(t, trusted, "tcp", dst)
	outside, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", sp.PID))
	must(t, err)
	if sp.Exe != trusted || outside != trusted {
		t.Fatalf("spoof: /proc/self/exe %s, /proc/PID/exe from outside %s; want %s", sp.Exe, outside, trusted)
	}
	own, err := f.Lookup(Tuple{Proto: ProtoTCP, Src: sp.Local, Dst: dst})
	if err != nil {
		t.Fatal(err)
	}
	p := own.Process
	if p.Exe == trusted || p.SHA256 == fileSHA256(t, trusted) {
		t.Fatalf("spoofed process attributed to the trusted program: %+v", p)
	}
	if !p.Unverified || !strings.HasPrefix(p.Exe, "userns:") || !strings.HasSuffix(p.Exe, ":"+trusted) || p.SHA256 != "" || p.PID != sp.PID {
		t.Errorf("spoofed process %+v: want pid %d unverified, exe userns:NS:%s, no sha256", p, sp.PID, trusted)
	}
}
