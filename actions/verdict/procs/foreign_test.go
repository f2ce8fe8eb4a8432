package procs

import (
	"bufio"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ifw/ifw/test/testenv"
)

// TestForeignExe is the attack: in a mount namespace of its own, a program
// is bind-mounted over a trusted path and run by that path. Its exe link
// names the trusted path, but it is not that file on the host: the lookup
// says so (Exe "mnt:NS:/path", Foreign), so no rule for the path matches.
// The same program run by its own path is not foreign.
func TestForeignExe(t *testing.T) {
	testenv.Root(t) // mount namespaces
	f := newTestFinder(t, Config{}, false)
	dir := t.TempDir()
	trusted, other := copyExe(t, dir, "curl"), copyExe(t, dir, "nc")
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	dst := ln.Addr().(*net.TCPAddr).AddrPort()

	plain := startHolder(t, trusted, "tcp", dst)
	own, err := f.Lookup(Tuple{Proto: ProtoTCP, Src: plain.local, Dst: dst})
	if err != nil || own.Process.Exe != trusted || own.Process.Foreign {
		t.Fatalf("plain run: %+v %v; want %s, not foreign", own.Process, err, trusted)
	}

	h := &holder{done: make(chan struct{})}
	h.cmd = exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c",
		`mount --bind "$1" "$2" && exec "$2" -test.run='^$'`, "sh", other, trusted)
	h.cmd.Env = childEnviron("tcp " + dst.String())
	h.cmd.Stderr = os.Stderr
	h.stdin, err = h.cmd.StdinPipe()
	must(t, err)
	stdout, err := h.cmd.StdoutPipe()
	must(t, err)
	h.out = bufio.NewReader(stdout)
	must(t, h.cmd.Start())
	go func() { _ = h.cmd.Wait(); close(h.done) }()
	t.Cleanup(h.stop)
	h.connected(t)

	own, err = f.Lookup(Tuple{Proto: ProtoTCP, Src: h.local, Dst: dst})
	if err != nil {
		t.Fatal(err)
	}
	p := own.Process
	ns, path, ok := strings.Cut(strings.TrimPrefix(p.Exe, "mnt:"), ":")
	if !p.Foreign || !strings.HasPrefix(p.Exe, "mnt:") || !ok || ns == "" || path != trusted {
		t.Fatalf("bind-mounted over %s: %+v; want foreign, exe mnt:NS:%s", trusted, p, trusted)
	}
	if p.PID != h.cmd.Process.Pid {
		t.Errorf("pid %d, want %d", p.PID, h.cmd.Process.Pid)
	}
	_ = netip.AddrPort{}
}
