package exespoof

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/ifw/ifw/test/testenv"
)

// Env names the variable that makes the test binary the helper:
// "spoof TARGET NET ADDR" runs as the user it was started as and starts
// "spoofed TARGET NET ADDR" in a new user namespace mapping root to that
// user, which spoofs its exe as TARGET, connects, prints "LOCALADDR EXE"
// (EXE what its /proc/self/exe says), and holds the connection until its
// stdin closes; "error: ..." on failure.
const Env = "IFW_EXESPOOF"

// Main runs the helper and exits when the test binary is one; it returns
// otherwise. A TestMain calls it first.
func Main() {
	if spec := os.Getenv(Env); spec != "" {
		code, _ := spoofChild(spec)
		os.Exit(code)
	}
}

// spoofChild handles the spoof specs; false when spec is not one.
func spoofChild(spec string) (int, bool) {
	if rest, ok := strings.CutPrefix(spec, "spoof "); ok {
		return spoofOuter(rest), true
	}
	if rest, ok := strings.CutPrefix(spec, "spoofed "); ok {
		return spoofInner(rest), true
	}
	return 0, false
}

// spoofOuter starts the inner helper in a new user namespace, as the
// unprivileged user it is: it may map only its own IDs.
func spoofOuter(rest string) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = environ("spoofed " + rest)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER,
		Pdeathsig:   syscall.SIGKILL, // it holds the connection: it ends with this one
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	if err := cmd.Run(); err != nil {
		fmt.Println("error: user namespace:", err)
		return 1
	}
	return 0
}

// spoofInner spoofs its exe as the target, then connects and holds.
func spoofInner(rest string) int {
	target, spec, _ := strings.Cut(rest, " ")
	network, addr, _ := strings.Cut(spec, " ")
	if err := spoofExe(target); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	c, err := net.Dial(network, addr)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	link, err := os.Readlink("/proc/self/exe")
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println(c.LocalAddr(), link)
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// spoofExe points the process's exe link at target.
func spoofExe(target string) error {
	debug.SetGCPercent(-1) // no collector writing to the data being moved
	runtime.LockOSThread()
	self, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return err
	}
	if err := remapSelf(self, self+".map"); err != nil {
		return fmt.Errorf("remap %s: %w", self, err)
	}
	fd, err := unix.Open(target, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	m, err := currentMMMap()
	if err != nil {
		return err
	}
	m.exeFD = uint32(fd)
	if err := unix.Prctl(unix.PR_SET_MM, unix.PR_SET_MM_MAP, uintptr(unsafe.Pointer(&m)), unsafe.Sizeof(m), 0); err != nil {
		return fmt.Errorf("prctl PR_SET_MM_MAP exe_fd: %w", err)
	}
	return nil
}

// prctlMMMap is struct prctl_mm_map (linux/prctl.h).
type prctlMMMap struct {
	startCode, endCode, startData, endData, startBrk, brk, startStack uint64
	argStart, argEnd, envStart, envEnd                                uint64
	auxv                                                              uint64
	auxvSize, exeFD                                                   uint32
}

// currentMMMap is the process's memory layout as it is (/proc/self/stat),
// which PR_SET_MM_MAP sets again.
func currentMMMap() (prctlMMMap, error) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return prctlMMMap{}, err
	}
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+2:])) // f[0] is field 3
	field := func(n int) uint64 { v, _ := strconv.ParseUint(f[n-3], 10, 64); return v }
	brk, _, _ := unix.Syscall(unix.SYS_BRK, 0, 0, 0)
	return prctlMMMap{
		startCode: field(26), endCode: field(27), startStack: field(28),
		startData: field(45), endData: field(46), startBrk: field(47), brk: uint64(brk),
		argStart: field(48), argEnd: field(49), envStart: field(50), envEnd: field(51),
		exeFD: ^uint32(0),
	}, nil
}

// remapSelf replaces every mapping of file self by the same bytes from
// elsewhere: read-only ones from the copy (same content), writable ones
// by anonymous memory holding what they hold now.
func remapSelf(self, copyPath string) error {
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return err
	}
	cfd, err := unix.Open(copyPath, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(cfd)
	for line := range strings.Lines(string(maps)) {
		f := strings.Fields(line)
		if len(f) < 6 || f[5] != self {
			continue
		}
		lo, hi, _ := strings.Cut(f[0], "-")
		start, _ := strconv.ParseUint(lo, 16, 64)
		end, _ := strconv.ParseUint(hi, 16, 64)
		off, _ := strconv.ParseUint(f[2], 16, 64)
		prot := 0
		for _, c := range f[1][:3] {
			switch c {
			case 'r':
				prot |= unix.PROT_READ
			case 'w':
				prot |= unix.PROT_WRITE
			case 'x':
				prot |= unix.PROT_EXEC
			}
		}
		if err := remapOne(uintptr(start), uintptr(end-start), uintptr(off), prot, cfd); err != nil {
			return fmt.Errorf("%s: %w", f[0], err)
		}
	}
	return nil
}

func remapOne(start, size, off uintptr, prot, cfd int) error {
	if prot&unix.PROT_WRITE == 0 {
		_, _, e := unix.Syscall6(unix.SYS_MMAP, start, size, uintptr(prot),
			unix.MAP_PRIVATE|unix.MAP_FIXED, uintptr(cfd), off)
		if e != 0 {
			return fmt.Errorf("mmap copy: %w", e)
		}
		return nil
	}
	tmp, _, e := unix.Syscall6(unix.SYS_MMAP, 0, size, unix.PROT_READ|unix.PROT_WRITE,
		unix.MAP_PRIVATE|unix.MAP_ANONYMOUS, ^uintptr(0), 0)
	if e != 0 {
		return fmt.Errorf("mmap anonymous: %w", e)
	}
	copy(bytesAt(tmp, size), bytesAt(start, size))
	if _, _, e = unix.Syscall6(unix.SYS_MREMAP, tmp, size, size,
		unix.MREMAP_MAYMOVE|unix.MREMAP_FIXED, start, 0); e != 0 {
		return fmt.Errorf("mremap: %w", e)
	}
	return nil
}

// bytesAt is the memory at addr (not Go's heap: no pointer rules apply).
func bytesAt(addr, size uintptr) []byte {
	return unsafe.Slice(*(**byte)(unsafe.Pointer(&addr)), size)
}

// Spoofer is a running helper.
type Spoofer struct {
	Local netip.AddrPort // its connection's local end
	Exe   string         // what its own /proc/self/exe said
	PID   int            // the process holding the connection
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}
}

// Start runs the test binary as user nobody, which spoofs its exe as
// target and connects over network ("tcp", "udp") to dst; it ends with the
// test. Skipped where the kernel refuses (no unprivileged user namespaces,
// a kernel before 5.9).
func Start(t testing.TB, target, network string, dst netip.AddrPort) *Spoofer {
	t.Helper()
	testenv.Root(t) // to become nobody
	self, err := os.Executable()
	must(t, err)
	dir := publicDir(t, "ifw-spoof-")
	exe := filepath.Join(dir, "evil")
	copyFile(t, self, exe)
	copyFile(t, self, exe+".map")
	// The helper rewrites its own mappings while its runtime's other
	// threads run: on a loaded machine it can die doing so. Such a death
	// (no line, or not a line of the helper's) is retried; the kernel's
	// refusal ("error: ...") skips.
	for try := 1; ; try++ {
		sp, line, err := startSpoofer(t, exe, "spoof "+target+" "+network+" "+dst.String())
		if err == nil {
			if msg, ok := strings.CutPrefix(line, "error: "); ok {
				t.Skipf("this kernel refuses the exe spoof: %s", msg)
			}
			if err = sp.parse(line); err == nil {
				return sp
			}
			err = fmt.Errorf("line %q: %w", line, err)
		}
		if try == 3 {
			t.Fatalf("spoof helper: %v", err)
		}
		t.Logf("spoof helper, try %d: %v; again", try, err)
	}
}

// startSpoofer starts the helper with spec and reads its first line.
// The helper is waited for only after that read: Wait closes the pipe
// the line is read from. On success it ends with the test; on an error
// it has ended.
func startSpoofer(t testing.TB, exe, spec string) (*Spoofer, string, error) {
	t.Helper()
	sp := &Spoofer{cmd: exec.Command(exe, "-test.run=^$"), done: make(chan struct{})}
	sp.cmd.Env = environ(spec)
	sp.cmd.Stderr = os.Stderr
	sp.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var err error
	sp.stdin, err = sp.cmd.StdinPipe()
	must(t, err)
	stdout, err := sp.cmd.StdoutPipe()
	must(t, err)
	must(t, sp.cmd.Start())
	line, rerr := bufio.NewReader(stdout).ReadString('\n')
	go func() { _ = sp.cmd.Wait(); close(sp.done) }()
	if rerr != nil {
		_ = sp.stdin.Close()
		_ = sp.cmd.Process.Kill()
		<-sp.done
		return nil, "", fmt.Errorf("no line (%v), %v", rerr, sp.cmd.ProcessState)
	}
	t.Cleanup(sp.stop)
	return sp, strings.TrimSpace(line), nil
}

// parse reads the helper's line: its connection's local end and its exe
// link; and finds the inner helper, which holds the connection.
func (sp *Spoofer) parse(line string) error {
	local, link, _ := strings.Cut(line, " ")
	var err error
	if sp.Local, err = netip.ParseAddrPort(local); err != nil {
		return err
	}
	sp.Exe = link
	// The inner helper is the child of whichever of the outer's threads
	// forked it.
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", sp.cmd.Process.Pid))
	if err != nil {
		return err
	}
	for _, path := range tasks {
		if b, err := os.ReadFile(path); err == nil && len(bytes.TrimSpace(b)) > 0 {
			sp.PID, err = strconv.Atoi(strings.TrimSpace(string(b)))
			return err
		}
	}
	return fmt.Errorf("no child of %d", sp.cmd.Process.Pid)
}

// stop ends the helper: it exits when its stdin closes, else is killed.
func (sp *Spoofer) stop() {
	_ = sp.stdin.Close()
	select {
	case <-sp.done:
	case <-time.After(time.Minute):
		_ = sp.cmd.Process.Kill()
		<-sp.done
	}
}

// Trusted is an executable standing for a trusted program, which nobody
// may run: DIR/name.
func Trusted(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(publicDir(t, "ifw-trusted-"), name)
	must(t, os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755))
	return path
}

// publicDir is a new directory every user may read, removed with the test.
func publicDir(t testing.TB, prefix string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", prefix)
	must(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	must(t, os.Chmod(dir, 0o755))
	return dir
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	must(t, err)
	must(t, os.WriteFile(to, data, 0o755))
}

// environ is the environment of a helper running spec. A helper built
// with -race exits without the race detector's default 1 s wait.
func environ(spec string) []string {
	env := slices.DeleteFunc(os.Environ(), func(v string) bool {
		return strings.HasPrefix(v, Env+"=") || strings.HasPrefix(v, "GORACE=")
	})
	return append(env, Env+"="+spec, "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
