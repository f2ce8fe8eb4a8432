package procs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/ifw/ifw/test/testenv"
)

func TestProcDirExited(t *testing.T) {
	// Once its process exits and is reaped, a pin reads nothing: no
	// descriptor link, no exe link, no name.
	proc, err := openProcFS("/proc")
	must(t, err)
	defer proc.close()
	h := spawnHolder(t, selfExe(t), "hold")
	t.Cleanup(h.stop)
	h.held(t)
	d, err := openProcDir(proc, h.cmd.Process.Pid, 0)
	must(t, err)
	defer d.close()
	s := newScratch()
	if err := pinReads(d, s); err != nil {
		t.Fatalf("live process: %v", err)
	}
	h.stop()
	for _, name := range []string{"exe", "fd/0"} {
		if _, err := d.readlink(append([]byte(name), 0), s.link[:]); !errors.Is(err, errGone) {
			t.Errorf("%s of an exited process: %v, want errGone", name, err)
		}
	}
	if _, err := d.readComm(s.file[:]); !errors.Is(err, errGone) || d.alive(s.file[:]) {
		t.Errorf("name of an exited process: %v, want errGone", err)
	}
	if fd, err := d.openFDs(); !errors.Is(err, errGone) {
		t.Errorf("fd directory of an exited process: %d, %v; want errGone", fd, err)
	}
	d.close()
	if _, err := d.openFDs(); !errors.Is(err, errDirClosed) {
		t.Errorf("fd directory after close: %v, want errDirClosed", err)
	}
	if _, err := d.readlink(exeZ, s.link[:]); !errors.Is(err, errDirClosed) || d.alive(s.file[:]) {
		t.Errorf("exe after close: %v, want errDirClosed", err)
	}
	d.close() // twice is harmless
}

// pinReads reads d's exe link, descriptor 0 and name: nil if all can be
// read.
func pinReads(d *procDir, s *scratch) error {
	if _, err := d.readlink(exeZ, s.link[:]); err != nil {
		return fmt.Errorf("exe: %w", err)
	}
	if _, err := d.readlink(fdNameZ(s.name[:], 0), s.fdl[:]); err != nil {
		return fmt.Errorf("fd 0: %w", err)
	}
	if _, err := d.readComm(s.file[:]); err != nil {
		return fmt.Errorf("comm: %w", err)
	}
	fd, err := d.openFDs()
	if err != nil {
		return fmt.Errorf("fd directory: %w", err)
	}
	return unix.Close(fd)
}

func TestProcDirPIDReuse(t *testing.T) {
	// The claim processOf rests on, with the PID really reused: in a
	// PID namespace of its own, a helper pins a child, lets it exit,
	// and has its next child get the same PID (see pidReuse).
	testenv.Root(t)
	cmd := exec.Command(selfExe(t), "-test.run=^$")
	cmd.Env = childEnviron("pidreuse " + t.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID | syscall.CLONE_NEWNS}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Skipf("new PID namespace: %v", err)
	}
	if got := strings.TrimSpace(string(out)); err != nil || got != "ok" {
		t.Fatalf("helper: %v: %s", err, got)
	}
}

// pidReuse runs as PID 1 of new PID and mount namespaces: it mounts the
// procfs of its namespace at dir (privately), then runs each check of a
// reused PID (reusePID, finderReuse) until a try reuses the PID. It
// prints "ok", or what failed.
func pidReuse(dir string) int {
	err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, "")
	if err == nil {
		err = unix.Mount("proc", dir, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	}
	var proc *procFS
	if err == nil {
		proc, err = openProcFS(dir)
	}
	for _, check := range []func(*procFS, string) (bool, error){reusePID, finderReuse, finderReuseSearch} {
		if err == nil {
			err = retryReuse(proc, dir, check)
		}
	}
	if err != nil {
		fmt.Println(err)
		return 1
	}
	fmt.Println("ok")
	return 0
}

// retryReuse runs check until it got a PID reused, 20 times at most:
// another process (a thread of the runtime) may take the PID first.
func retryReuse(proc *procFS, dir string, check func(*procFS, string) (bool, error)) error {
	for range 20 {
		if reused, err := check(proc, dir); reused || err != nil {
			return err
		}
	}
	return errors.New("no PID reused in 20 tries")
}

// reuseNext sets ns_last_pid (in the procfs at dir) so that the next
// process started gets pid, and starts a "hold" helper passed extra:
// nil if another process took pid first.
func reuseNext(dir string, pid int, extra ...*os.File) (*hold, error) {
	last := filepath.Join(dir, "sys/kernel/ns_last_pid")
	if err := os.WriteFile(last, []byte(strconv.Itoa(pid-1)), 0); err != nil {
		return nil, err
	}
	next, err := startHold(extra...)
	if err != nil || next.cmd.Process.Pid == pid {
		return next, err
	}
	next.stop()
	return nil, nil
}

// reusePID pins a child, lets it exit, and starts the next one at its
// PID: false if another process took the PID first.
func reusePID(proc *procFS, dir string) (bool, error) {
	old, err := startHold()
	if err != nil {
		return false, err
	}
	pid := old.cmd.Process.Pid
	d, err := openProcDir(proc, pid, 0)
	old.stop()
	if err != nil {
		return false, err
	}
	defer d.close()
	next, err := reuseNext(dir, pid)
	if next == nil {
		return false, err
	}
	defer next.stop()
	return true, checkReused(proc, d, pid)
}

// checkReused checks that the pin d of the process that had pid reads
// nothing, and that a new pin reads the process that has it now.
func checkReused(proc *procFS, d *procDir, pid int) error {
	s := newScratch()
	if err := pinReads(d, s); !errors.Is(err, errGone) {
		return fmt.Errorf("old pin of reused PID %d: %v, want errGone", pid, err)
	}
	fresh, err := openProcDir(proc, pid, 0)
	if err != nil {
		return err
	}
	defer fresh.close()
	if err := pinReads(fresh, s); err != nil {
		return fmt.Errorf("new pin of PID %d: %w", pid, err)
	}
	return nil
}

// hold is a "hold" helper started by startHold.
type hold struct {
	cmd   *exec.Cmd
	stdin io.Closer
}

// startHold starts a "hold" helper passed extra (from descriptor 3 on)
// and waits until it runs.
func startHold(extra ...*os.File) (*hold, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	h := &hold{cmd: exec.Command(exe, "-test.run=^$")}
	h.cmd.Env = childEnviron("hold")
	h.cmd.ExtraFiles = extra
	if h.stdin, err = h.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := h.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := h.cmd.Start(); err != nil {
		return nil, err
	}
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "held\n" {
		h.stop()
		return nil, fmt.Errorf("hold helper: %q, %v", line, err)
	}
	return h, nil
}

// stop ends the helper and reaps it.
func (h *hold) stop() {
	_ = h.stdin.Close()
	_ = h.cmd.Wait()
}
