package procs

import (
	"strings"

	"golang.org/x/sys/unix"
)

// The exe link names what a process runs only outside user namespaces:
// in one of its own, which any user may make (unshare -U), a process
// holds CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE) and may point its exe
// link at any file it may execute (prctl PR_SET_MM, PR_SET_MM_MAP with
// exe_fd, once its own executable is no longer mapped; kernel 5.9 and
// later). Outside, PR_SET_MM_EXE_FILE needs CAP_SYS_RESOURCE in the
// initial namespace: root's. A process cannot leave a user namespace for
// its parent, and its children are born in it; so a process in a user
// namespace other than the daemon's is unverified (Process.Unverified).

// userNSPrefix starts the Exe of an unverified process: "userns:NS:/path".
const userNSPrefix = "userns:"

// IsUnverified reports whether exe names an unverified process's
// executable (Process.Unverified): "userns:NS:/path".
func IsUnverified(exe string) bool { return strings.HasPrefix(exe, userNSPrefix) }

// selfUserNS is the daemon's user namespace ("user:[N]"); "" where
// procfs does not show it (a fabricated tree), which turns the check off.
func (p *procFS) selfUserNS() string {
	var buf [64]byte
	n, err := unix.Readlinkat(p.fd, "self/ns/user", buf[:])
	if err != nil {
		return ""
	}
	return string(buf[:n])
}

// otherUserNS reports whether pid is in a user namespace other than
// host (selfUserNS), and then that namespace's number ("0" if it could
// not be read: unverified too). It reads after the exe link: a process
// whose link was spoofed was in its namespace already, and cannot have
// left it since.
func (p *procFS) otherUserNS(pid int, host string, buf []byte) (ns string, other bool) {
	if host == "" {
		return "", false
	}
	link, err := p.readlink(pid, "ns/user", buf)
	if err != nil {
		return "0", true
	}
	if string(link) == host {
		return "", false
	}
	ns = "0"
	if inner, ok := strings.CutPrefix(string(link), "user:["); ok {
		ns = strings.TrimSuffix(inner, "]")
	}
	return ns, true
}
